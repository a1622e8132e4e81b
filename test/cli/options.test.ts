import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../server/src/analysis';
import packageJson from '../../package.json';
import { ensureBuilt, FIXTURES, rangeOf, ROOT, runCli, temporaryDirectory, write } from './helpers';

const TREE = join(FIXTURES, 'tree');
const USAGE_HINT = 'Run "scopewise --help" for usage.\n';

let work: string;

beforeAll(async () => {
  await ensureBuilt();
  work = temporaryDirectory();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface JsonFinding {
  rule: string;
  severity: string;
  range: ReturnType<typeof rangeOf>;
}
interface JsonReport {
  files: { path: string; kind: string; findings: JsonFinding[] }[];
}

function json(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

/** Per file, its path and its findings' rule ids; severities are the engine's business, not the CLI's. */
function rules(report: JsonReport): string[][] {
  return report.files.map((file) => [file.path, ...file.findings.map((f) => f.rule)]);
}

function severities(report: JsonReport, rule: string): string[] {
  return report.files.flatMap((file) =>
    file.findings.filter((f) => f.rule === rule).map((f) => f.severity),
  );
}

const MISSING_VERSION =
  '{\r\n  "Statement": [\r\n    { "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*" }\r\n  ]\r\n}\r\n';

describe('exit codes', () => {
  it('0 and a one-line summary for a clean file', () => {
    const result = runCli(['policies/readonly.json'], { cwd: TREE });
    expect(result).toEqual({ status: 0, stdout: 'No problems found in 1 file\n', stderr: '' });
  });

  it('1 when a finding is an error', () => {
    expect(runCli(['policies/admin.json'], { cwd: TREE }).status).toBe(1);
  });

  it('0 when only warnings remain', () => {
    const result = runCli(['--format', 'json', 'legacy/old-policy.json'], { cwd: TREE });
    const report = json(result.stdout);
    expect(rules(report)).toEqual([['legacy/old-policy.json', 'wildcard-action']]);
    expect(severities(report, 'wildcard-action')).toEqual(['warning']);
    expect(result.status).toBe(0);
  });

  it('2 for an unknown option', () => {
    const result = runCli(['--frobnicate'], { cwd: TREE });
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: `scopewise: Unknown option '--frobnicate'.\n${USAGE_HINT}`,
    });
  });

  it('2 for an unknown rule id or level in --rule', () => {
    expect(runCli(['--rule', 'no-such-rule=error'], { cwd: TREE })).toEqual({
      status: 2,
      stdout: '',
      stderr: `scopewise: Unknown rule "no-such-rule" in --rule. Run "scopewise --list-rules" to see them.\n${USAGE_HINT}`,
    });
    expect(runCli(['--rule', 'wildcard-action=loud'], { cwd: TREE })).toEqual({
      status: 2,
      stdout: '',
      stderr: `scopewise: Unknown level "loud" for rule "wildcard-action": use off, info, warning or error.\n${USAGE_HINT}`,
    });
    expect(runCli(['--format', 'xml'], { cwd: TREE }).stderr).toBe(
      `scopewise: Unknown format "xml": use text, json or sarif.\n${USAGE_HINT}`,
    );
  });

  it('2 for a path that does not exist', () => {
    const result = runCli(['policies/admin.json', 'no/such/file.json'], { cwd: TREE });
    expect(result).toEqual({
      status: 2,
      stdout: '',
      stderr: 'scopewise: Cannot read "no/such/file.json": no such file or directory.\n',
    });
  });

  it('2 for an invalid --config, naming the file and the problem', () => {
    const dir = join(work, 'bad-config');
    write(dir, 'strict.json', '{ "rules": { "wildcard-action": "fatal" } }');
    write(dir, 'broken.json', '{ "rules": ');
    write(dir, 'policy.json', '{ "Version": "2012-10-17", "Statement": [] }');
    expect(runCli(['--config', 'strict.json', 'policy.json'], { cwd: dir })).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'scopewise: invalid config file strict.json: rule "wildcard-action" has severity "fatal"; use off, info, warning or error\n',
    });
    const broken = runCli(['--config', 'broken.json', 'policy.json'], { cwd: dir });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(
      /^scopewise: invalid config file broken\.json: not valid JSON \(.+\)\n$/,
    );
    expect(runCli(['--config', 'missing.json', 'policy.json'], { cwd: dir })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'scopewise: invalid config file missing.json: cannot be read (ENOENT)\n',
    });
  });

  it('2 for an invalid .scopewise.json found upward from a file', () => {
    const dir = join(work, 'bad-upward');
    write(dir, '.scopewise.json', '{ "exclude": "build" }');
    write(dir, 'nested/policy.json', '{ "Version": "2012-10-17", "Statement": [] }');
    expect(runCli(['nested'], { cwd: dir })).toEqual({
      status: 2,
      stdout: 'No problems found in 0 files\n',
      stderr:
        'scopewise: invalid config file .scopewise.json: "exclude" must be a list of strings; the file it governs was not checked.\n',
    });
  });

  it('checks the files an invalid config does not govern, then reports it once and exits 2', () => {
    const dir = join(work, 'bad-parent');
    // In a parent folder of the one checked, and in a subfolder.
    write(dir, '.scopewise.json', '{ "rules": { "wildcard-action": "loud" } }');
    write(dir, 'repo/a/.scopewise.json', '{ "rules": { "wildcard-action": "error" } }');
    write(dir, 'repo/b/sub/.scopewise.json', '{ "exclude": [1] }');
    const admin = readFileSync(join(TREE, 'policies/admin.json'));
    for (const path of ['a/admin.json', 'b/admin.json', 'b/sub/admin.json', 'b/sub/deeper/x.json'])
      write(join(dir, 'repo'), path, admin);
    const result = runCli(['--format', 'json', '.'], { cwd: join(dir, 'repo') });
    expect(rules(json(result.stdout)).map(([path]) => path)).toEqual(['a/admin.json']);
    expect(result.stderr).toBe(
      [
        `scopewise: invalid config file ${join(dir, '.scopewise.json')}: rule "wildcard-action" has severity "loud"; use off, info, warning or error; the file it governs was not checked.`,
        'scopewise: invalid config file b/sub/.scopewise.json: "exclude" must be a list of strings; the 2 files it governs were not checked.',
        '',
      ].join('\n'),
    );
    expect(result.status).toBe(2);
  });
});

describe('severity options', () => {
  it('--rule overrides the config and the defaults', () => {
    const result = runCli(
      [
        '--format',
        'json',
        '--rule',
        'unknown-action=off',
        '--rule',
        'wildcard-action=error',
        'policies/admin.json',
      ],
      { cwd: TREE },
    );
    const report = json(result.stdout);
    expect(rules(report)).toEqual([
      [
        'policies/admin.json',
        'policy-version',
        'wildcard-action',
        'passrole-unscoped',
        'wildcard-resource',
        'wildcard-action',
      ],
    ]);
    expect(severities(report, 'wildcard-action')).toEqual(['error', 'error']);
  });

  it('--max-warnings counts warnings only', () => {
    const args = ['legacy/old-policy.json', '--max-warnings'];
    expect(runCli([...args, '1'], { cwd: TREE }).status).toBe(0);
    const over = runCli([...args, '0'], { cwd: TREE });
    expect(over.status).toBe(1);
    expect(over.stdout.split('\n').slice(-3)).toEqual([
      '✖ 1 problem (0 errors, 1 warning, 0 info): 1 file checked, 1 with problems',
      'Too many warnings: 1, more than --max-warnings 0.',
      '',
    ]);
    // Lowered to info, the finding no longer counts.
    expect(runCli([...args, '0', '--rule', 'wildcard-action=info'], { cwd: TREE }).status).toBe(0);
    expect(runCli([...args, 'many'], { cwd: TREE }).status).toBe(2);
  });

  it('--quiet reports errors only', () => {
    const levels = [
      'unknown-action=error',
      'wildcard-action=error',
      'passrole-unscoped=warning',
      'policy-version=info',
    ];
    const result = runCli(
      [
        '--quiet',
        '--format',
        'json',
        ...levels.flatMap((l) => ['--rule', l]),
        'policies/admin.json',
      ],
      {
        cwd: TREE,
      },
    );
    expect(rules(json(result.stdout))).toEqual([
      ['policies/admin.json', 'unknown-action', 'wildcard-action', 'wildcard-action'],
    ]);
  });
});

describe('config', () => {
  it('honours exclude (folders and ./ globs), allowActions and ignore; named files are always analysed', () => {
    const dir = join(work, 'config');
    const policy =
      '{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*" }] }\n';
    write(
      dir,
      '.scopewise.json',
      '{ "exclude": ["build", "./out/**/*.json"], "allowActions": ["s3:GetObjekt"] }',
    );
    for (const path of ['build/a.json', 'out/x/b.json', 'keep.json']) write(dir, path, policy);
    write(dir, 'strict/.scopewise.json', '{ "ignore": [{ "path": "*.json" }] }');
    write(dir, 'strict/c.json', policy);
    write(
      dir,
      'strict/d.yaml',
      'Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Action: s3:GetObjekt\n    Resource: "arn:aws:s3:::b/*"\n',
    );
    const walked = json(runCli(['--format', 'json'], { cwd: dir }).stdout);
    expect(rules(walked)).toEqual([
      ['keep.json'],
      ['strict/c.json'],
      // The nearest config applies alone: the root's allowActions do not reach strict/.
      ['strict/d.yaml', 'unknown-action'],
    ]);
    const named = json(runCli(['--format', 'json', 'build/a.json'], { cwd: dir }).stdout);
    expect(rules(named)).toEqual([['build/a.json']]);
  });
});

describe('policy types', () => {
  it('reads standalone policies under policyTypes globs as the configured type', () => {
    const dir = join(work, 'policy-types');
    write(dir, '.scopewise.json', '{ "policyTypes": { "scps/**": "service-control" } }');
    const scp =
      '{ "Version": "2012-10-17", "Statement": [{ "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*" }] }\n';
    write(dir, 'scps/deny.json', scp);
    write(dir, 'bucket/deny.json', scp);
    const report = json(
      runCli(['--format', 'json', '--rule', 'public-principal=off'], { cwd: dir }).stdout,
    );
    // Only the service control policy may not name a principal.
    expect(rules(report)).toEqual([['bucket/deny.json'], ['scps/deny.json', 'policy-structure']]);
  });
});

describe('--fix', () => {
  it('applies safe fixes in place and keeps CRLF line endings', () => {
    const file = write(work, 'fix-safe/policy.json', MISSING_VERSION);
    const result = runCli(['--fix', '--format', 'json', 'policy.json'], {
      cwd: join(work, 'fix-safe'),
    });
    const fixed =
      '{\r\n  "Version": "2012-10-17",\r\n  "Statement": [\r\n    { "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*" }\r\n  ]\r\n}\r\n';
    expect(readFileSync(file, 'utf8')).toBe(fixed);
    // The report describes the file after fixing: the unsafe typo fix was not applied.
    const report = json(result.stdout);
    expect(rules(report)).toEqual([['policy.json', 'unknown-action']]);
    expect(report.files[0]?.findings[0]?.range).toEqual(rangeOf(fixed, '"s3:GetObjekt"'));
    expect(result.status).toBe(1);
  });

  it('--fix-unsafe applies unsafe fixes too', () => {
    const file = write(work, 'fix-unsafe/policy.json', MISSING_VERSION);
    const result = runCli(['--fix-unsafe', 'policy.json'], { cwd: join(work, 'fix-unsafe') });
    expect(readFileSync(file, 'utf8')).toBe(
      '{\r\n  "Version": "2012-10-17",\r\n  "Statement": [\r\n    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }\r\n  ]\r\n}\r\n',
    );
    expect(result).toEqual({
      status: 0,
      stdout: 'Fixed 2 problems in 1 file.\nNo problems found in 1 file\n',
      stderr: '',
    });
  });

  it('keeps a UTF-8 byte-order mark and does not touch files without fixes', () => {
    const bom = write(
      work,
      'fix-bom/a.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MISSING_VERSION)]),
    );
    const clean = write(work, 'fix-bom/b.json', '{"Version":"2012-10-17","Statement":[]}');
    runCli(['--fix', '.'], { cwd: join(work, 'fix-bom') });
    const bytes = readFileSync(bom);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(
      bytes.subarray(3).toString('utf8').startsWith('{\r\n  "Version": "2012-10-17",\r\n'),
    ).toBe(true);
    expect(readFileSync(clean, 'utf8')).toBe('{"Version":"2012-10-17","Statement":[]}');
  });
});

describe('input and output', () => {
  it('--output writes the report to a file', () => {
    const out = join(work, 'report.json');
    const result = runCli(['--format', 'json', '--output', out, 'policies/admin.json'], {
      cwd: TREE,
    });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(
      runCli(['--format', 'json', 'policies/admin.json'], { cwd: TREE }).stdout,
    );
  });

  it('reads stdin, named by --stdin-filename or <stdin>', () => {
    const text = readFileSync(join(TREE, 'templates/app.yaml'), 'utf8');
    const named = json(
      runCli(['-', '--format', 'json', '--stdin-filename', 'infra/app.yaml'], {
        cwd: work,
        input: text,
      }).stdout,
    );
    expect(rules(named)).toEqual([
      [
        'infra/app.yaml',
        'bucket-encryption',
        'bucket-insecure-transport',
        'unknown-action',
        'passrole-unscoped',
        'wildcard-action',
        'wildcard-resource',
      ],
    ]);
    expect(named.files[0]?.kind).toBe('cloudformation');
    const unnamed = json(runCli(['-', '--format', 'json'], { cwd: work, input: text }).stdout);
    expect(unnamed.files.map((f) => f.path)).toEqual(['<stdin>']);
    expect(unnamed.files[0]?.findings).toEqual(named.files[0]?.findings);
  });

  it('with "-" and --fix, writes the fixed text to stdout and the report to stderr', () => {
    const result = runCli(['-', '--fix'], { cwd: work, input: MISSING_VERSION });
    expect(result.stdout).toBe(
      MISSING_VERSION.replace('{\r\n', '{\r\n  "Version": "2012-10-17",\r\n'),
    );
    expect(result.stderr).toMatch(/^<stdin>:4:36 {2}error {2}.+ {2}unknown-action\n/);
    expect(
      result.stderr.endsWith(
        'Fixed 1 problem in 1 file.\n✖ 1 problem (1 error, 0 warnings, 0 info): 1 file checked, 1 with problems\n',
      ),
    ).toBe(true);
    expect(result.status).toBe(1);
  });

  it('decodes UTF-16 files with a byte-order mark', () => {
    const text = readFileSync(join(TREE, 'policies/admin.json'), 'utf8');
    const le = write(
      work,
      'utf16/le.json',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const be = write(
      work,
      'utf16/be.json',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
    );
    const expected = json(runCli(['--format', 'json', 'policies/admin.json'], { cwd: TREE }).stdout)
      .files[0]?.findings;
    for (const file of [le, be]) {
      expect(
        json(runCli(['--format', 'json', file], { cwd: work }).stdout).files[0]?.findings,
      ).toEqual(expected);
    }
  });

  it('reports a binary file named explicitly as a parse error, without crashing', () => {
    const file = write(
      work,
      'binary/blob.json',
      Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x00, 0x01, 0x80, 0x22, 0x1b, 0x5b]),
    );
    const result = runCli(['--format', 'json', file], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const files = json(result.stdout).files;
    expect(files.map((f) => [f.path, f.kind, [...new Set(f.findings.map((x) => x.rule))]])).toEqual(
      [[file, 'unknown', ['parse-error']]],
    );
    expect(files[0]?.findings[0]?.range.start).toEqual({ line: 0, character: 0 });
    // No control character of the file reaches the terminal.
    const text = runCli([file], { cwd: work }).stdout;
    expect([...text].filter((c) => c.charCodeAt(0) < 0x09 || c === '\u001b')).toEqual([]);
  });

  it('reports 20,000-deep nesting as a parse error at the first bracket too deep', () => {
    const file = write(work, 'deep/deep.json', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    const result = runCli(['--format', 'json', file], { cwd: work });
    expect(result.status).toBe(1);
    const findings = json(result.stdout).files[0]?.findings ?? [];
    expect(findings.map((f) => [f.rule, f.range])).toEqual([
      ['parse-error', { start: { line: 0, character: 512 }, end: { line: 0, character: 513 } }],
    ]);
  });

  it('colours only when forced or on a terminal', () => {
    expect(runCli(['policies/admin.json'], { cwd: TREE }).stdout).not.toContain('\x1b[');
    expect(
      runCli(['policies/admin.json'], { cwd: TREE, env: { FORCE_COLOR: '1' } }).stdout,
    ).toContain('\x1b[31merror\x1b[39m');
    expect(
      runCli(['policies/admin.json'], { cwd: TREE, env: { FORCE_COLOR: '0' } }).stdout,
    ).not.toContain('\x1b[');
  });
});

describe('informational commands', () => {
  it('--version names the product, the IAM catalog and the AWS managed policies', () => {
    const read = (path: string) =>
      JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as {
        source: string;
        version: string;
        updatedAt: string;
      };
    const index = read('server/data/iam/index.json');
    const managed = read('server/data/managed-policies/index.json');
    expect(runCli(['--version'], { cwd: work })).toEqual({
      status: 0,
      stdout:
        `scopewise ${packageJson.version}\nIAM catalog: ${index.source} ${index.version} (${index.updatedAt.slice(0, 10)})\n` +
        `AWS managed policies: ${managed.source} ${managed.version} (${managed.updatedAt.slice(0, 10)})\n`,
      stderr: '',
    });
  });

  it('--list-rules lists every rule with its default severity and summary', () => {
    const lines = runCli(['--list-rules'], { cwd: work }).stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/ {2,}/))).toEqual(
      RULES.map((rule) => [rule.id, rule.defaultSeverity, rule.docs.summary]),
    );
  });

  it('--help documents stdin with --fix and the exit codes', () => {
    const help = runCli(['--help'], { cwd: work }).stdout;
    expect(help).toContain(
      'With "-" and --fix, the fixed text is written to stdout and the report to stderr',
    );
    expect(help).toContain('Exit codes: 0 no errors; 1 errors found');
  });
});

describe("the repository's own .scopewise.json", () => {
  it('keeps the test fixtures out of a walk from the root, but not out of a named file', () => {
    const walked = JSON.parse(runCli(['--format', 'json', '.'], { cwd: ROOT }).stdout) as {
      files: { path: string }[];
    };
    expect(walked.files.map((f) => f.path)).toEqual([
      'examples/pipelines/web-app.json',
      'examples/policies/release-engineer.json',
      'examples/templates/pipeline.yaml',
    ]);
    const named = runCli(['--format', 'json', 'test/fixtures/wildcard-action/policy.json'], {
      cwd: ROOT,
    });
    expect(named.status).toBe(1);
    const report = JSON.parse(named.stdout) as { files: { findings: { rule: string }[] }[] };
    expect(report.files[0]?.findings.map((f) => f.rule)).toContain('wildcard-action');
  });

  it('says so when a folder named on the command line holds only excluded files', () => {
    expect(runCli(['test/fixtures/wildcard-action'], { cwd: ROOT })).toEqual({
      status: 0,
      stdout: 'No problems found in 0 files\n',
      stderr:
        'scopewise: every file found is excluded by "exclude" in .scopewise.json; name a file to check it.\n',
    });
  });
});
