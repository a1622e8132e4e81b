import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  lstatSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  ensureBuilt,
  pumpEndlessly,
  runCli,
  startCli,
  startProcess,
  temporaryDirectory,
  write,
} from './helpers';

// Symbolic links, FIFOs, devices and endless inputs, made by each test in a temporary folder.

let work: string;

beforeAll(async () => {
  await ensureBuilt();
  work = temporaryDirectory();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Has a fix (Version is missing) and, once fixed, a finding left (the misspelt action). */
const FIXABLE =
  '{\n  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*" }]\n}\n';
const FIXED = FIXABLE.replace('{\n', '{\n  "Version": "2012-10-17",\n');
const CLEAN =
  '{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }] }\n';

interface JsonReport {
  files: { path: string; findings: { rule: string; message: string }[] }[];
}

function messages(stdout: string): [string, string[]][] {
  return (JSON.parse(stdout) as JsonReport).files.map((file) => [
    file.path,
    file.findings.map((finding) => finding.message),
  ]);
}

function report(stdout: string): [string, string[]][] {
  return (JSON.parse(stdout) as JsonReport).files.map((file) => [
    file.path,
    file.findings.map((finding) => finding.rule),
  ]);
}

const POSIX = process.platform !== 'win32';

describe('symbolic links', () => {
  it('a walk skips links out of the folders given, and --fix writes through none it found', () => {
    const root = join(work, 'links');
    const outside = write(root, 'outside/secret.json', FIXABLE);
    write(root, 'outside/dir/policy.json', FIXABLE);
    const real = write(root, 'tree/real.json', FIXABLE);
    const inner = write(root, 'tree/data/inner.txt', FIXABLE);
    symlinkSync('../outside/secret.json', join(root, 'tree/out-file.json'));
    symlinkSync('../outside/dir', join(root, 'tree/out-dir'));
    // Inside the tree: a link is the only way to the .txt file; the other leads to a walked file.
    symlinkSync('data/inner.txt', join(root, 'tree/in-link.json'));
    symlinkSync('real.json', join(root, 'tree/real-link.json'));
    symlinkSync('data', join(root, 'tree/data-link'));

    const result = runCli(['--fix', '--format', 'json', 'tree'], { cwd: root });
    expect(result.stderr).toBe(
      [
        'scopewise: skipped "tree/out-dir": a symbolic link leading out of the folders given (name it to check it).',
        'scopewise: skipped "tree/out-file.json": a symbolic link leading out of the folders given (name it to check it).',
        'scopewise: not fixed: "tree/in-link.json" is a symbolic link found in a folder; name it on the command line to fix it.',
        '',
      ].join('\n'),
    );
    expect(report(result.stdout)).toEqual([
      ['tree/in-link.json', ['policy-version', 'unknown-action']],
      ['tree/real.json', ['unknown-action']],
    ]);
    expect(result.status).toBe(1);
    expect(readFileSync(outside, 'utf8')).toBe(FIXABLE);
    expect(readFileSync(inner, 'utf8')).toBe(FIXABLE);
    expect(readFileSync(real, 'utf8')).toBe(FIXED);

    // Named on the command line, a link is written through and stays a link.
    const named = runCli(['--fix', 'tree/in-link.json', 'tree/out-file.json'], { cwd: root });
    expect(named.stderr).toBe('');
    expect(readFileSync(inner, 'utf8')).toBe(FIXED);
    expect(readFileSync(outside, 'utf8')).toBe(FIXED);
    expect(lstatSync(join(root, 'tree/in-link.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(root, 'tree/out-file.json')).isSymbolicLink()).toBe(true);
  });

  it('a link between two folders given is followed', () => {
    const root = join(work, 'two-roots');
    write(root, 'a/clean.json', CLEAN);
    write(root, 'b/policy.json', FIXABLE);
    symlinkSync('../b/policy.json', join(root, 'a/link.json'));
    const result = runCli(['--format', 'json', 'a', 'b'], { cwd: root });
    expect(result.stderr).toBe('');
    // The link leads to a file the walk reaches by its own name.
    expect(report(result.stdout).map(([path]) => path)).toEqual(['a/clean.json', 'b/policy.json']);
  });
});

describe('--fix replaces files whole', () => {
  it('keeps the mode, the owner and the group, and leaves no temporary file', () => {
    const dir = join(work, 'mode');
    const file = write(dir, 'policy.json', FIXABLE);
    spawnSync('chmod', ['640', file]);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) spawnSync('chown', ['4242:4343', file]);
    const result = runCli(['--fix', 'policy.json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(FIXED);
    const stats = lstatSync(file);
    if (POSIX) expect(stats.mode & 0o7777).toBe(0o640);
    if (asRoot) expect([stats.uid, stats.gid]).toEqual([4242, 4343]);
    expect(readdirSync(dir)).toEqual(['policy.json']);
  });
});

describe.skipIf(!POSIX)('special files', () => {
  it('a walk reads regular files only: a FIFO in a folder is not waited on', () => {
    const dir = join(work, 'fifo-walk');
    write(dir, 'policy.json', CLEAN);
    expect(spawnSync('mkfifo', [join(dir, 'pipe.json')]).status).toBe(0);
    expect(runCli(['.'], { cwd: dir })).toEqual({
      status: 0,
      stdout: 'No problems found in 1 file\n',
      stderr: '',
    });
  });

  it('a FIFO named on the command line is read until its writer closes it', async () => {
    const dir = join(work, 'fifo-named');
    const fifo = join(dir, 'pipe.json');
    write(dir, 'placeholder', '');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const cli = startCli(['--fix', '--format', 'json', 'pipe.json'], { cwd: dir });
    createWriteStream(fifo).end(FIXABLE);
    const result = await cli.result;
    expect(report(result.stdout)).toEqual([['pipe.json', ['policy-version', 'unknown-action']]]);
    expect(result.stderr).toBe('scopewise: not fixed: "pipe.json" is not a regular file.\n');
    expect(result.status).toBe(1);
  });

  it('an endless FIFO stops at the configured maxFileSize', async () => {
    const dir = join(work, 'fifo-endless');
    const fifo = join(dir, 'pipe.json');
    write(dir, '.scopewise.json', '{ "maxFileSize": 1000 }');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const cli = startCli(['--format', 'json', 'pipe.json'], { cwd: dir });
    pumpEndlessly(createWriteStream(fifo), ' '.repeat(65536), cli.result);
    const result = await cli.result;
    expect(messages(result.stdout)).toEqual([
      [
        'pipe.json',
        [
          'The file has more than 1,000 characters, the limit, so it was not analysed. Raise "maxFileSize" in .scopewise.json to analyse it.',
        ],
      ],
    ]);
    expect(result.status).toBe(0);
  });

  it('/dev/zero stops at the default limit', () => {
    const result = runCli(['--format', 'json', '/dev/zero'], { cwd: work });
    expect(result.stderr).toBe('');
    expect(messages(result.stdout)).toEqual([
      [
        '/dev/zero',
        [
          'The file has more than 10,485,760 characters, the limit, so it was not analysed. Raise "maxFileSize" in .scopewise.json to analyse it.',
        ],
      ],
    ]);
    expect(result.status).toBe(0);
  });

  // Process substitution gives the CLI a pipe as /dev/fd/63 or so, which bash makes; cat fills it
  // from the test's fd 3, leaving stdin to "-".
  const SUBSTITUTE = 'exec "$0" "$1" --format json <(cat <&3) "${@:2}"';

  it('reads /dev/fd/N from process substitution', async () => {
    const cli = startProcess('bash', ['-c', SUBSTITUTE, process.execPath, CLI], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    (cli.child.stdio[3] as NodeJS.WritableStream).end(FIXABLE);
    const result = await cli.result;
    expect(result.stderr).toBe('');
    expect(
      report(result.stdout).map(([path, rules]) => [path.replace(/\d+$/, 'N'), rules]),
    ).toEqual([['/dev/fd/N', ['policy-version', 'unknown-action']]]);
  });

  it('an endless /dev/fd/N and an endless stdin stop at the limit', async () => {
    const dir = join(work, 'endless');
    write(dir, '.scopewise.json', '{ "maxFileSize": 1000 }');
    const cli = startProcess('bash', ['-c', SUBSTITUTE, process.execPath, CLI, '-'], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    pumpEndlessly(cli.child.stdio[3] as NodeJS.WritableStream, ' '.repeat(65536), cli.result);
    pumpEndlessly(cli.child.stdin as NodeJS.WritableStream, ' '.repeat(65536), cli.result);
    const result = await cli.result;
    expect(result.stderr).toBe('');
    expect(
      report(result.stdout).map(([path, rules]) => [path.replace(/\d+$/, 'N'), rules]),
    ).toEqual([
      ['/dev/fd/N', ['file-too-large']],
      ['<stdin>', ['file-too-large']],
    ]);
  });
});
