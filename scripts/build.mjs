// Build: generate the IAM data and the AWS managed policy data, then bundle the client, the
// language server and the CLI with esbuild. tsc only type-checks (npm run typecheck). Runs on
// `npm ci` through `prepare`.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

// The managed policy data is judged against the IAM catalog (which policies grant full access), so
// it comes second; its generator shares that judgement with the engine, hence TypeScript via tsx.
for (const args of [
  [join(root, 'scripts', 'gen-iam-data.mjs')],
  ['--import', 'tsx', join(root, 'scripts', 'gen-managed-policies.ts')],
]) {
  const generated = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (generated.status !== 0) process.exit(generated.status ?? 1);
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's `main` is a UMD build that loads its parts at run time; take its ES modules.
  mainFields: ['module', 'main'],
  sourcemap: true,
  minify: !watch,
  keepNames: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js', bin: true },
  // The server's analysis workers (worker_threads) load this file, found beside server.js.
  { in: 'server/src/lsp/analysis-worker.ts', out: 'dist/analysis-worker.js' },
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js', bin: true },
];

for (const entry of entries) {
  if (!existsSync(join(root, entry.in))) throw new Error(`Missing entry point ${entry.in}`);
  await build({
    ...common,
    entryPoints: [entry.in],
    outfile: entry.out,
    external: entry.external ?? [],
    banner: entry.bin ? { js: '#!/usr/bin/env node' } : undefined,
  });
  if (entry.bin) chmodSync(join(root, entry.out), 0o755);
}
// vscode-languageclient kills a server that does not exit on stop with this script, found beside the bundle.
const require = createRequire(import.meta.url);
copyFileSync(
  join(
    dirname(require.resolve('vscode-languageclient/node')),
    'lib',
    'node',
    'terminateProcess.sh',
  ),
  join(root, 'dist', 'terminateProcess.sh'),
);
console.log(`built ${entries.map((e) => e.out).join(', ')}`);
