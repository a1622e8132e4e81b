/**
 * `node --import tsx bench/profile.ts FILE [RUNS]`: CPU-profiles the engine on one file (after a
 * warm-up, RUNS warm analyses; the cold first run separately) and prints the functions with the
 * most self time and the most inclusive time. Same data as `node --cpu-prof`, summarised.
 */
import { readFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { relative } from 'node:path';
import { analyze, Catalog } from '../server/src/analysis';
import { fileCatalogSource } from '../server/src/node/catalog-files';

const [file, runsArgument] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/profile.ts FILE [RUNS]');
const runs = Number(runsArgument ?? 30);
const text = readFileSync(file, 'utf8');
const catalog = new Catalog(fileCatalogSource());
const session = new Session();
session.connect();

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) =>
      error ? reject(error) : resolve(result as T),
    );
  });
}

async function profile(label: string, body: () => void): Promise<void> {
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  const start = performance.now();
  body();
  const elapsed = performance.now() - start;
  const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
  process.stdout.write(`\n== ${label}: ${elapsed.toFixed(1)} ms\n${summarise(profile)}\n`);
}

/** Self and inclusive time per function (by name and location), top 25 of each. */
function summarise(profile: Profiler.Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const deltas = profile.timeDeltas ?? [];
  const selfTime = new Map<number, number>();
  (profile.samples ?? []).forEach((id, index) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (deltas[index] ?? 0) / 1000);
  });
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const key = (node: Profiler.ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const path = url ? relative(process.cwd(), url.replace(/^file:\/\//, '')) : '';
    // tsx-transpiled TypeScript has no useful line numbers here: show them for JavaScript only.
    const where = path.endsWith('.js') ? `${path}:${lineNumber + 1}` : path;
    return `${functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfTime) {
    const node = byId.get(id);
    if (!node) continue;
    self.set(key(node), (self.get(key(node)) ?? 0) + ms);
    const seen = new Set<string>();
    for (
      let current: number | undefined = id;
      current !== undefined;
      current = parent.get(current)
    ) {
      const ancestor = byId.get(current);
      if (!ancestor) break;
      const name = key(ancestor);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      seen.add(name);
    }
  }
  const list = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, ms]) =>
          `  ${ms.toFixed(1).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`,
      )
      .join('\n');
  return `self time:\n${list(self)}\ninclusive time:\n${list(inclusive)}`;
}

async function main(): Promise<void> {
  await profile('cold: first analysis', () => analyze(text, { catalog, fileName: file }));
  for (let i = 0; i < 5; i++) analyze(text, { catalog, fileName: file });
  await profile(`warm: ${runs} analyses`, () => {
    for (let i = 0; i < runs; i++) analyze(text, { catalog, fileName: file });
  });
  session.disconnect();
}

void main();
