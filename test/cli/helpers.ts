import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const FIXTURES = join(__dirname, 'fixtures');
export const GOLDEN = join(__dirname, 'golden');

/** Builds dist/cli.js when it is missing or older than a source file; atomic, so parallel test files are safe. */
export async function ensureBuilt(): Promise<void> {
  if (!existsSync(join(ROOT, 'server', 'data', 'iam', 'index.json'))) {
    const generated = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gen-iam-data.mjs')], {
      stdio: 'inherit',
    });
    if (generated.status !== 0) throw new Error('gen-iam-data failed');
  }
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(ROOT, 'server', 'src'))) return;
  const temporary = `${CLI}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(ROOT, 'server', 'src', 'cli', 'main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // jsonc-parser's "main" is a UMD build that esbuild cannot follow; its ESM build bundles.
    mainFields: ['module', 'main'],
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  renameSync(temporary, CLI);
}

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI with a clean colour environment. */
export function runCli(
  args: readonly string[],
  options: { cwd: string; input?: string | Buffer; env?: Record<string, string> },
): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'CI']) if (!options.env?.[name]) delete env[name];
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A CLI process started without waiting, for tests that feed it while it runs. */
export interface StartedCli {
  readonly child: ChildProcess;
  /** Resolves when the process has exited and its output is complete. */
  readonly result: Promise<CliResult>;
}

/** Starts the built CLI; `stdio` defaults to no stdin and pipes for stdout and stderr. */
export function startCli(
  args: readonly string[],
  options: { cwd: string; stdio?: StdioOptions },
): StartedCli {
  return startProcess(process.execPath, [CLI, ...args], options);
}

/** Starts a command (a shell running the CLI, say) with a clean colour environment. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; stdio?: StdioOptions },
): StartedCli {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'CI']) delete env[name];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = once(child, 'close').then(([status]) => ({
    status: status as number | null,
    stdout,
    stderr,
  }));
  return { child, result };
}

/**
 * Writes `chunk` to `stream` again and again until the reader goes away (the write fails) or
 * `until` settles: an endless input that only a reader stopping at its limit survives.
 */
export function pumpEndlessly(
  stream: NodeJS.WritableStream,
  chunk: string,
  until: Promise<unknown>,
): void {
  let stopped = false;
  void until.finally(() => (stopped = true));
  stream.on('error', () => (stopped = true));
  const pump = () => {
    while (!stopped && stream.write(chunk)) {
      /* keep writing until the pipe is full */
    }
  };
  stream.on('drain', pump);
  pump();
}

export function temporaryDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'scopewise-cli-'));
}

export function write(root: string, path: string, content: string | Buffer): string {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** A policy that has findings: whatever these files hold must never be reported. */
const HIDDEN_POLICY = '{ "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }] }\n';

/**
 * A copy of fixtures/tree plus what git would not let us commit there: git-ignored files, skipped
 * folders, a symbolic-link loop, a binary `.json` and a `.git` folder marking the repository root.
 */
export function fixtureTree(): string {
  const root = temporaryDirectory();
  cpSync(join(FIXTURES, 'tree'), root, { recursive: true });
  write(root, 'generated/policy.json', HIDDEN_POLICY);
  write(
    root,
    'templates/dev.local.yaml',
    'Statement:\n  - Effect: Allow\n    Action: "*"\n    Resource: "*"\n',
  );
  write(root, 'node_modules/pkg/policy.json', HIDDEN_POLICY);
  write(root, 'cdk.out/policy.json', HIDDEN_POLICY);
  write(root, '.git/policy.json', HIDDEN_POLICY);
  write(root, 'other/binary.json', Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x00, 0x01, 0x80, 0x22]));
  symlinkSync('..', join(root, 'policies', 'loop'));
  symlinkSync('loop', join(root, 'policies', 'self'));
  symlinkSync('admin.json', join(root, 'policies', 'admin-link.json'));
  return root;
}

/** 0-based line and character of the `occurrence`-th appearance of `needle`, and of its end. */
export function rangeOf(text: string, needle: string, occurrence = 1) {
  let offset = -1;
  for (let i = 0; i < occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`"${needle}" not found`);
  }
  const position = (at: number) => {
    const before = text.slice(0, at).split(/\r\n|\r|\n/);
    return { line: before.length - 1, character: before[before.length - 1]?.length ?? 0 };
  };
  return { start: position(offset), end: position(offset + needle.length) };
}
