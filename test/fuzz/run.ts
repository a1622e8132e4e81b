/**
 * `npm run fuzz [-- --mutants N] [-- --seed S]`: the long fuzzing run (not part of `npm test` or
 * CI). Mutates every corpus file and rule fixture (test/fuzz/mutants.ts) N times in all (default
 * 100,000), analyses and prints each mutant, and reports its figures: mutants, crashes (exceptions
 * out of `analyze()` or a formatter), rules that failed inside it, unparsable reports, documents
 * over 2 s, and secrets leaked. Exit code 1 when anything but the timing went wrong.
 */
import fc from 'fast-check';
import { testCatalog } from '../support/catalog';
import {
  corpusSeeds,
  examine,
  fixtureSeeds,
  mutantArbitrary,
  mutate,
  type Mutant,
} from './mutants';

const SLOW_MS = 2_000;
const BATCH = 1_000;
const EXAMPLES = 5;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? undefined : Number(process.argv[at + 1]);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

interface Tally {
  count: number;
  readonly examples: string[];
}

const tally = (): Tally => ({ count: 0, examples: [] });

function record(into: Tally, mutant: Mutant, name: string, detail: string): void {
  into.count++;
  if (into.examples.length < EXAMPLES) {
    into.examples.push(`${name} ${JSON.stringify(mutant)}\n      ${detail.split('\n')[0]}`);
  }
}

function main(): number {
  const mutants = option('--mutants', 100_000);
  const seed = option('--seed', 1);
  const catalog = testCatalog();
  const seeds = [...corpusSeeds(), ...fixtureSeeds()];
  const corpus = seeds.length - fixtureSeeds().length;
  process.stderr.write(
    `fuzz: ${mutants.toLocaleString('en-US')} mutants of ${seeds.length.toLocaleString('en-US')} documents (${corpus.toLocaleString('en-US')} from the corpus), seed ${seed}\n`,
  );

  const crashes = tally();
  const ruleFailures = tally();
  const unparsable = tally();
  const slow = tally();
  const leaks = tally();
  let leakSites = 0;
  let withSecrets = 0;
  let slowest = { ms: 0, name: '' };
  const started = performance.now();

  for (let done = 0; done < mutants; done += BATCH) {
    const batch = fc.sample(fc.tuple(mutantArbitrary, fc.nat()), {
      numRuns: Math.min(BATCH, mutants - done),
      seed: seed * 1_000_003 + done,
    });
    for (const [mutant, hoverAt] of batch) {
      const { name, text } = mutate(seeds, mutant);
      const outcome = examine(catalog, name, text, hoverAt);
      if (outcome.crash !== undefined) record(crashes, mutant, name, outcome.crash);
      if (outcome.internalErrors.length > 0)
        record(ruleFailures, mutant, name, outcome.internalErrors[0] ?? '');
      if (outcome.unparsable !== undefined) record(unparsable, mutant, name, outcome.unparsable);
      if (outcome.ms > SLOW_MS) record(slow, mutant, name, `${Math.round(outcome.ms)} ms`);
      if (outcome.leaks.length > 0) {
        record(leaks, mutant, name, outcome.leaks[0] ?? '');
        leakSites += outcome.leaks.length;
      }
      if (outcome.secrets > 0) withSecrets++;
      if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, name };
    }
    const count = Math.min(done + BATCH, mutants);
    if (count % 10_000 === 0 || count === mutants) {
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `  ${count.toLocaleString('en-US')} mutants, ${seconds.toFixed(0)} s, ${crashes.count} crashes, ${leaks.count} leaking\n`,
      );
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const lines = [
    `mutants                      ${mutants.toLocaleString('en-US')}`,
    `  holding recognised secrets ${withSecrets.toLocaleString('en-US')}`,
    `crashes                      ${crashes.count}`,
    `rules failed (caught)        ${ruleFailures.count}`,
    `unparsable JSON/SARIF        ${unparsable.count}`,
    `documents over 2 s           ${slow.count} (slowest ${Math.round(slowest.ms)} ms: ${slowest.name})`,
    `secrets leaked               ${leaks.count} mutants, ${leakSites} places`,
    `time                         ${seconds.toFixed(0)} s (${((seconds * 1000) / Math.max(1, mutants)).toFixed(1)} ms a mutant)`,
  ];
  for (const [label, what] of [
    ['crashes', crashes],
    ['rules failed', ruleFailures],
    ['unparsable', unparsable],
    ['over 2 s', slow],
    ['leaks', leaks],
  ] as const) {
    if (what.examples.length > 0)
      lines.push(`${label}, first ones:`, ...what.examples.map((e) => `  ${e}`));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return crashes.count + unparsable.count + leaks.count > 0 ? 1 : 0;
}

process.exitCode = main();
