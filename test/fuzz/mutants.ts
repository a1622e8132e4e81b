/**
 * The fuzzer shared by `npm test` (a bounded number of mutants, test/fuzz/fuzz.test.ts) and
 * `npm run fuzz` (100,000 and more, test/fuzz/run.ts): documents from the corpus and the fixtures,
 * mutated (truncated, cut, duplicated, garbled, and given secrets in every place a rule might echo
 * them), then analysed and printed in every format. Each mutant is checked: no exception escapes
 * `analyze()` or a formatter, the JSON and SARIF reports parse, and no secret the engine recognised
 * shows in a message, a code frame, a fix title, a fix's edits in a report, or a hover.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import fc from 'fast-check';
import {
  analyze,
  hover,
  LineIndex,
  RULES,
  type Analysis,
  type Catalog,
} from '../../server/src/analysis';
import { formatJson } from '../../server/src/cli/format-json';
import { formatSarif } from '../../server/src/cli/format-sarif';
import { formatText } from '../../server/src/cli/format-text';
import type { FileReport, Report } from '../../server/src/cli/report';
import { corpusAvailable, CORPUS, readManifest } from '../corpus/corpus';
import { stripMarkers } from '../support/markers';

export interface Seed {
  readonly name: string;
  readonly text: string;
}

const FIXTURES = join(__dirname, '..', 'fixtures');

/** The rule fixtures (their inline markers stripped): small documents of every shape. */
export function fixtureSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const rule of readdirSync(FIXTURES)) {
    for (const file of readdirSync(join(FIXTURES, rule))) {
      if (!['.json', '.yaml', '.yml', '.jsonc'].includes(extname(file))) continue;
      const text = stripMarkers(readFileSync(join(FIXTURES, rule, file), 'utf8'));
      seeds.push({ name: `${rule}/${file}`, text });
    }
  }
  return seeds;
}

/**
 * The corpus files (`../shared/corpus`), every `step`th one no larger than `maxBytes`; none when
 * the corpus is absent.
 */
export function corpusSeeds(step = 1, maxBytes = Infinity): Seed[] {
  if (!corpusAvailable()) return [];
  const seeds: Seed[] = [];
  readManifest().forEach((row, index) => {
    if (index % step !== 0) return;
    const path = join(CORPUS, row.path);
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return;
    if (statSync(path).size > maxBytes) return;
    seeds.push({ name: row.path, text: readFileSync(path, 'utf8') });
  });
  return seeds;
}

/** Credentials of every shape the detectors know; none is a documented example. */
const SHAPED = [
  'AKIAQ3XLRHFOPGMFUOZT',
  'ASIAZ7KQ2MWX5RTN4PLB',
  'ghp_4mQxZ8Rt2LkP9wVbN3sYcD7fHjK1qXeA6uT0',
  'github_pat_11AZK9QW2LM8RT4XV7BN3C_dQ0pLs8Kx2Vb7Nm4Rt9Zq',
  'glpat-Zk9Qw2Lm8Rt4Xv7Bn3Cd',
  'xoxb-123456789012-Zk9Qw2Lm8Rt4Xv',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq3Zk9Qw2Lm8RtMIIEowIBAAKCAQEA7bq3Zk9Qw2Lm8Rt\n-----END RSA PRIVATE KEY-----',
];

/** Secrets only by the name they are stored under. */
const NAMED: readonly { readonly name: string; readonly value: string }[] = [
  { name: 'MasterUserPassword', value: 's3cr3t-Passw0rd-9' },
  { name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9Xk2Lm8R' },
  { name: 'OAuthToken', value: 'Tr0ub4dor-and-3-horses' },
  { name: 'Password', value: 'Winter-Hunter-2024!' },
  { name: 'SecretString', value: '{"password":"Kx8-vQ2-pL9"}' },
];

const URLS = ['https://deploy:Tr0ub4dor-3xyz@github.com/org/repo.git'];

const VALUES = [...SHAPED, ...NAMED.map((n) => n.value), ...URLS];

type Op =
  | {
      readonly kind: 'plant';
      readonly at: number;
      readonly secret: number;
      readonly quoted: boolean;
    }
  | { readonly kind: 'replace-value'; readonly which: number; readonly secret: number }
  | { readonly kind: 'secret-property'; readonly which: number; readonly secret: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | {
      readonly kind: 'duplicate';
      readonly from: number;
      readonly length: number;
      readonly at: number;
    }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string };

export interface Mutant {
  readonly seed: number;
  readonly ops: readonly Op[];
}

const SYNTAX = [...'{}[]:,"\'\n -!&*|>#\\', 'a', '0', '\t', '\r\n', '\u00e9', '\ud83d\ude00'];

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('plant' as const),
      at: fc.nat(),
      secret: fc.nat(),
      quoted: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('replace-value' as const),
      which: fc.nat(),
      secret: fc.nat(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('secret-property' as const),
      which: fc.nat(),
      secret: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 64 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('duplicate' as const),
      from: fc.nat(),
      length: fc.integer({ min: 1, max: 400 }),
      at: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.string({ unit: fc.constantFrom(...SYNTAX), maxLength: 6 }),
    }),
  },
);

/** A seed and one to four mutations of it. */
export const mutantArbitrary: fc.Arbitrary<Mutant> = fc.record({
  seed: fc.nat(),
  ops: fc.array(opArbitrary, { minLength: 1, maxLength: 4 }),
});

const QUOTED = /"(?:[^"\\\n]|\\.)*"/g;
const PLAIN_VALUE = /(?<=[:-][ \t]+)[A-Za-z0-9*/$][^\n#,{}[\]]*/g;
const JSON_PAIR = /"((?:[^"\\\n]|\\.)*)"(\s*:\s*)"((?:[^"\\\n]|\\.)*)"/g;
const YAML_PAIR = /^([ \t]*(?:- )?)([A-Za-z_][\w.-]*):[ \t]+([^\s#][^\n#]*)$/gm;

/** The text of a mutant: each operation in turn, positions taken modulo the text's length. */
export function mutate(seeds: readonly Seed[], mutant: Mutant): Seed {
  const seed = seeds[mutant.seed % seeds.length];
  if (!seed) throw new Error('no seeds');
  let text = seed.text;
  for (const op of mutant.ops) text = apply(text, op);
  return { name: seed.name, text };
}

function apply(text: string, op: Op): string {
  const at = (n: number) => n % (text.length + 1);
  switch (op.kind) {
    case 'plant': {
      const value = pick(VALUES, op.secret) ?? '';
      const p = at(op.at);
      return text.slice(0, p) + (op.quoted ? JSON.stringify(value) : value) + text.slice(p);
    }
    case 'replace-value': {
      const value = pick(VALUES, op.secret) ?? '';
      const matches = [...text.matchAll(QUOTED), ...text.matchAll(PLAIN_VALUE)];
      const match = pick(matches, op.which);
      if (!match) return text;
      const quoted =
        match[0].startsWith('"') || value.includes('\n') || /^[-{[!&*>|'"]/.test(value);
      return splice(text, match.index, match[0].length, quoted ? JSON.stringify(value) : value);
    }
    case 'secret-property': {
      const named = pick(NAMED, op.secret);
      if (!named) return text;
      const json = pick([...text.matchAll(JSON_PAIR)], op.which);
      if (json) {
        const pair = `"${named.name}"${json[2] ?? ':'}${JSON.stringify(named.value)}`;
        return splice(text, json.index, json[0].length, pair);
      }
      const yaml = pick([...text.matchAll(YAML_PAIR)], op.which);
      if (!yaml) return text;
      return splice(
        text,
        yaml.index,
        yaml[0].length,
        `${yaml[1] ?? ''}${named.name}: ${JSON.stringify(named.value)}`,
      );
    }
    case 'truncate':
      return text.slice(0, at(op.at));
    case 'delete':
      return splice(text, at(op.at), op.length, '');
    case 'duplicate': {
      const from = at(op.from);
      return splice(text, at(op.at), 0, text.slice(from, from + op.length));
    }
    case 'insert':
      return splice(text, at(op.at), 0, op.text);
  }
}

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

function splice(text: string, start: number, length: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(start + length);
}

/** What happened to one mutant. */
export interface Outcome {
  /** An exception that escaped `analyze()` or a formatter. */
  readonly crash?: string;
  /** Rules that failed inside `analyze()` (caught, reported as internal errors). */
  readonly internalErrors: readonly string[];
  /** A report that did not parse. */
  readonly unparsable?: string;
  /** Where a recognised secret showed, and which. */
  readonly leaks: readonly string[];
  /** How many values the engine recognised as secrets. */
  readonly secrets: number;
  /** Analysis, fixes, hover and the three reports, in milliseconds. */
  readonly ms: number;
}

interface JsonOutput {
  files: {
    findings: { message: string; fixes: { title: string; edits: { newText: string }[] }[] }[];
  }[];
}

interface SarifOutput {
  runs: {
    results: {
      message: { text: string };
      fixes?: {
        description: { text: string };
        artifactChanges: { replacements: { insertedContent: { text: string } }[] }[];
      }[];
      properties?: { withheldFixes?: { description: { text: string } }[] };
    }[];
  }[];
}

const RULE_DOCS = new Set(RULES.map((rule) => `**${rule.id}** (`));
/** A frame line of the text report: `> 12 | ...` or `  12 | ...`. */
const FRAME_LINE = /^[> ] +\d+ \|/;

/** Analyses a mutant, prints it every way, and checks every place a secret could show. */
export function examine(catalog: Catalog, name: string, text: string, hoverAt = 0): Outcome {
  const started = performance.now();
  let analysis: Analysis;
  try {
    analysis = analyze(text, { catalog, fileName: name, explicit: true });
  } catch (error) {
    return {
      crash: describe(error),
      internalErrors: [],
      leaks: [],
      secrets: 0,
      ms: elapsed(started),
    };
  }
  const shown: [where: string, text: string][] = [];
  let unparsable: string | undefined;
  try {
    for (const finding of analysis.findings) {
      shown.push([`${finding.rule} message`, finding.message]);
      for (const fix of finding.fixes) shown.push([`${finding.rule} fix title`, fix.title]);
    }
    const file: FileReport = {
      path: name,
      absolutePath: undefined,
      kind: analysis.kind,
      text,
      lines: new LineIndex(text),
      findings: analysis.findings,
      secrets: analysis.secrets,
    };
    const report: Report = { files: [file], fixed: undefined, maxWarnings: undefined };
    const textReport = formatText(report, { color: false });
    for (const line of textReport.split('\n'))
      if (FRAME_LINE.test(line)) shown.push(['frame', line]);
    const json = formatJson(report);
    const sarif = formatSarif(report, { version: '0.0.0', cwd: '/' });
    try {
      for (const found of (JSON.parse(json) as JsonOutput).files.flatMap((f) => f.findings)) {
        shown.push(['JSON message', found.message]);
        for (const fix of found.fixes) {
          shown.push(['JSON fix title', fix.title]);
          for (const edit of fix.edits) shown.push(['JSON fix edit', edit.newText]);
        }
      }
    } catch (error) {
      unparsable = `JSON: ${describe(error)}`;
    }
    try {
      for (const result of (JSON.parse(sarif) as SarifOutput).runs.flatMap((r) => r.results)) {
        shown.push(['SARIF message', result.message.text]);
        for (const fix of result.fixes ?? []) {
          shown.push(['SARIF fix title', fix.description.text]);
          for (const change of fix.artifactChanges)
            for (const r of change.replacements)
              shown.push(['SARIF fix edit', r.insertedContent.text]);
        }
        for (const fix of result.properties?.withheldFixes ?? [])
          shown.push(['SARIF withheld fix', fix.description.text]);
      }
    } catch (error) {
      unparsable ??= `SARIF: ${describe(error)}`;
    }
    const hovered = hover(analysis, catalog, hoverAt % (text.length + 1));
    for (const part of hovered?.contents.split('\n\n---\n\n') ?? []) {
      // The rules' docs are fixed text, not the document's.
      if (![...RULE_DOCS].some((head) => part.startsWith(head))) shown.push(['hover', part]);
    }
  } catch (error) {
    return {
      crash: describe(error),
      internalErrors: analysis.internalErrors,
      leaks: [],
      secrets: analysis.secrets.values.length,
      ms: elapsed(started),
    };
  }
  const leaks: string[] = [];
  for (const secret of analysis.secrets.values) {
    for (const [where, value] of shown) {
      if (value.includes(secret)) leaks.push(`${where} shows "${secret}": ${value.slice(0, 300)}`);
    }
  }
  return {
    internalErrors: analysis.internalErrors,
    ...(unparsable === undefined ? {} : { unparsable }),
    leaks,
    secrets: analysis.secrets.values.length,
    ms: elapsed(started),
  };
}

function elapsed(started: number): number {
  return performance.now() - started;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
