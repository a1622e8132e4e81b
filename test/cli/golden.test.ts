import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { ensureBuilt, fixtureTree, GOLDEN, rangeOf, runCli } from './helpers';

// Golden files hold the full reports (messages included); UPDATE_GOLDEN=1 rewrites them after an
// intended change. The assertions in code pin what must not drift: files, rules, ranges, exit codes.

let tree: string;

beforeAll(async () => {
  await ensureBuilt();
  tree = fixtureTree();
});
afterAll(() => rmSync(tree, { recursive: true, force: true }));

function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** The product version changes with every release; the golden SARIF must not. */
function normaliseSarif(text: string): string {
  const log = JSON.parse(text) as {
    runs: { tool: { driver: { version: string; semanticVersion: string } } }[];
  };
  for (const run of log.runs) {
    expect(run.tool.driver.version).toBe(packageJson.version);
    run.tool.driver.version = '<version>';
    run.tool.driver.semanticVersion = '<version>';
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

interface JsonReport {
  version: number;
  files: {
    path: string;
    kind: string;
    findings: {
      rule: string;
      severity: string;
      range: ReturnType<typeof rangeOf>;
      fixes: unknown[];
    }[];
  }[];
}

describe('golden reports over the fixture tree', () => {
  it('text', () => {
    const result = runCli([], { cwd: tree });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expectGolden('tree.txt', result.stdout);
  });

  it('json', () => {
    const result = runCli(['--format', 'json', '.'], { cwd: tree });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expectGolden('tree.json', result.stdout);

    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.version).toBe(1);
    // Ignored, skipped, looping, binary and non-AWS files are absent; clean files are listed.
    expect(report.files.map((f) => [f.path, f.kind, f.findings.map((x) => x.rule)])).toEqual([
      ['legacy/old-policy.json', 'iam-policy', ['wildcard-action']],
      ['pipelines/release.json', 'codepipeline', ['artifact-store-default-key']],
      [
        'policies/admin.json',
        'iam-policy',
        [
          'policy-version',
          'unknown-action',
          'wildcard-action',
          'passrole-unscoped',
          'wildcard-resource',
          'wildcard-action',
        ],
      ],
      ['policies/readonly.json', 'iam-policy', []],
      [
        'templates/app.yaml',
        'cloudformation',
        [
          'bucket-encryption',
          'bucket-insecure-transport',
          'unknown-action',
          'passrole-unscoped',
          'wildcard-action',
          'wildcard-resource',
        ],
      ],
      ['templates/stack.template', 'cloudformation', []],
    ]);

    const admin = readFileSync(join(tree, 'policies/admin.json'), 'utf8');
    const adminFindings = report.files[2]?.findings ?? [];
    expect(adminFindings[0]?.range).toEqual(rangeOf(admin, '{'));
    expect(adminFindings[1]?.range).toEqual(rangeOf(admin, '"s3:GetObjekt"'));
    expect(adminFindings[2]?.range).toEqual(rangeOf(admin, '"s3:*"'));
    expect(adminFindings[3]?.range).toEqual(rangeOf(admin, '"iam:PassRole"'));
    expect(adminFindings[4]?.range).toEqual(rangeOf(admin, '"*"'));
    expect(adminFindings[5]?.range).toEqual(rangeOf(admin, '"*"', 2));

    const app = readFileSync(join(tree, 'templates/app.yaml'), 'utf8');
    const appFindings = report.files[4]?.findings ?? [];
    expect(appFindings.map((f) => f.range)).toEqual([
      // Both bucket findings point at the bucket's logical id.
      rangeOf(app, 'ArtifactBucket'),
      rangeOf(app, 'ArtifactBucket'),
      rangeOf(app, 's3:GetObjects'),
      rangeOf(app, 'iam:PassRole'),
      rangeOf(app, 'ec2:*'),
      rangeOf(app, '"*"'),
    ]);
  });

  it('sarif', () => {
    const result = runCli(['--format', 'sarif'], { cwd: tree });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expectGolden('tree.sarif.json', normaliseSarif(result.stdout));
  });

  it('names files the same way when the tree is given as a relative folder', () => {
    const result = runCli(['--format', 'json', 'policies/', 'legacy'], { cwd: tree });
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.files.map((f) => f.path)).toEqual([
      'legacy/old-policy.json',
      'policies/admin.json',
      'policies/readonly.json',
    ]);
  });
});
