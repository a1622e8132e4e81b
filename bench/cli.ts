/**
 * The CLI over every CloudFormation template of the shared corpus, against cfn-lint on the same
 * files. Both get the files as arguments (in as few calls as the argument limit allows) from the
 * corpus folder, and both write JSON.
 */
import { execFile } from 'node:child_process';
import { median } from './stats';

/** Keeps each command line well below Linux's limit (2 MB total, 128 kB per argument). */
const MAX_ARGUMENT_CHARS = 500_000;
const SCOPEWISE_RUNS = 3;
const CFN_LINT_TIMEOUT_MS = 25 * 60_000;

export interface CommandRun {
  readonly wallMs: number;
  readonly calls: number;
  readonly exitCodes: readonly (number | null)[];
}

export interface CliComparison {
  readonly files: number;
  readonly scopewise: {
    readonly medianMs: number;
    readonly samplesMs: readonly number[];
    /** Files listed in the JSON report (every analysed file of a known kind). */
    readonly reportedFiles: number;
    readonly findings: number;
  };
  readonly cfnLint:
    | { readonly skipped: string }
    | {
        readonly version: string;
        readonly wallMs: number;
        readonly exitCodes: readonly (number | null)[];
        /** Files cfn-lint was run on; fewer than `files` when sampled (see `sample`). */
        readonly files: number;
        readonly sample?: string;
        /** cfn-lint time scaled to all files when sampled, else equal to wallMs. */
        readonly estimatedFullMs: number;
      };
  /** cfn-lint time / Scopewise time over the same files. */
  readonly speedRatio?: number;
}

interface Output {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeout = 0): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, timeout, maxBuffer: 1 << 30, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${command} failed: ${error.message}\n${stderr.slice(-2000)}`));
        } else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

export function batches(files: readonly string[], maxChars = MAX_ARGUMENT_CHARS): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const file of files) {
    if (current.length > 0 && size + file.length + 1 > maxChars) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(file);
    size += file.length + 1;
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** Runs the command once per batch, one after the other, and times the whole. */
async function timeBatches(
  command: string,
  fixedArgs: readonly string[],
  files: readonly string[],
  cwd: string,
  timeout = 0,
): Promise<CommandRun & { outputs: Output[] }> {
  const outputs: Output[] = [];
  const start = performance.now();
  for (const batch of batches(files))
    outputs.push(await run(command, [...fixedArgs, ...batch], cwd, timeout));
  const wallMs = performance.now() - start;
  return { wallMs, calls: outputs.length, exitCodes: outputs.map((o) => o.code), outputs };
}

async function cfnLintVersion(): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run('cfn-lint', ['--version'], process.cwd());
    return (stdout || stderr).trim();
  } catch {
    return undefined;
  }
}

/**
 * Every `step`-th file (from the first), a deterministic sample for when the full cfn-lint run
 * would take too long. `step` 1 is the full set.
 */
export function sample(files: readonly string[], step: number): string[] {
  return files.filter((_, index) => index % step === 0);
}

export async function compareCli(
  cliPath: string,
  corpusDirectory: string,
  files: readonly string[],
  options: { cfnLintStep: number; log: (line: string) => void },
): Promise<CliComparison> {
  const samples: number[] = [];
  let reportedFiles = 0;
  let findings = 0;
  for (let i = 0; i < SCOPEWISE_RUNS; i++) {
    const result = await timeBatches(
      process.execPath,
      [cliPath, '--format', 'json'],
      files,
      corpusDirectory,
    );
    const usage = result.outputs.find((o) => o.code !== 0 && o.code !== 1);
    if (usage) throw new Error(`scopewise exited with ${usage.code}: ${usage.stderr.slice(-2000)}`);
    samples.push(result.wallMs);
    reportedFiles = 0;
    findings = 0;
    for (const output of result.outputs) {
      const report = JSON.parse(output.stdout) as { files: { findings: unknown[] }[] };
      reportedFiles += report.files.length;
      for (const file of report.files) findings += file.findings.length;
    }
    options.log(`  scopewise CLI run ${i + 1}/${SCOPEWISE_RUNS}: ${Math.round(result.wallMs)} ms`);
  }
  const scopewise = { medianMs: median(samples), samplesMs: samples, reportedFiles, findings };

  const version = await cfnLintVersion();
  if (!version)
    return { files: files.length, scopewise, cfnLint: { skipped: 'cfn-lint is not on PATH' } };

  const linted = sample(files, options.cfnLintStep);
  options.log(`  cfn-lint (${version}) on ${linted.length} files, once; this takes minutes...`);
  const result = await timeBatches(
    'cfn-lint',
    ['--format', 'json'],
    linted,
    corpusDirectory,
    CFN_LINT_TIMEOUT_MS,
  );
  const crashed = result.exitCodes.find((code) => code === null || code === 1 || code > 31);
  if (crashed !== undefined) {
    return {
      files: files.length,
      scopewise,
      cfnLint: { skipped: `cfn-lint failed (exit ${crashed})` },
    };
  }
  const sampled = linted.length < files.length;
  let ratio: number;
  if (sampled) {
    // Same files on both sides: time Scopewise on the sample too.
    const own = await timeBatches(
      process.execPath,
      [cliPath, '--format', 'json'],
      linted,
      corpusDirectory,
    );
    ratio = result.wallMs / own.wallMs;
  } else ratio = result.wallMs / scopewise.medianMs;
  return {
    files: files.length,
    scopewise,
    cfnLint: {
      version,
      wallMs: result.wallMs,
      exitCodes: result.exitCodes,
      files: linted.length,
      ...(sampled
        ? {
            sample: `every ${options.cfnLintStep}th file (sorted by path), ${linted.length} of ${files.length}`,
          }
        : {}),
      estimatedFullMs: sampled ? (result.wallMs * files.length) / linted.length : result.wallMs,
    },
    speedRatio: ratio,
  };
}
