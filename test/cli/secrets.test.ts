import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, LineIndex, SecretMasker, type Finding } from '../../server/src/analysis';
import { formatJson } from '../../server/src/cli/format-json';
import { formatSarif } from '../../server/src/cli/format-sarif';
import { formatText } from '../../server/src/cli/format-text';
import { WITHHELD, type FileReport, type Report } from '../../server/src/cli/report';
import { testCatalog } from '../support/catalog';
import { ensureBuilt, runCli, temporaryDirectory, write } from './helpers';

const TOKEN = 'ghp_4mQxZ8Rt2LkP9wVbN3sYcD7fHjK1qXeA6uT0';

/** wildcard-resource offers to split this statement: each copy would carry the token. */
const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "sqs:SendMessage"],
      "Resource": "*",
      "Condition": { "StringEquals": { "aws:PrincipalTag/token": "${TOKEN}" } }
    }
  ]
}
`;

function report(text: string, fileName = 'policy.json'): Report {
  const analysis = analyze(text, { catalog: testCatalog(), fileName });
  const file: FileReport = {
    path: fileName,
    absolutePath: undefined,
    kind: analysis.kind,
    text,
    lines: new LineIndex(text),
    findings: analysis.findings,
    secrets: analysis.secrets,
  };
  return { files: [file], fixed: undefined, maxWarnings: undefined };
}

interface JsonFix {
  title: string;
  safe: boolean;
  edits: unknown[];
  withheld?: string;
}

describe('reports never copy a secret through a fix', () => {
  it('JSON lists a fix whose edits carry a secret with its title, no edits, and why', () => {
    const json = formatJson(report(POLICY));
    expect(json).not.toContain(TOKEN.slice(4));
    const parsed = JSON.parse(json) as {
      version: number;
      files: { findings: { rule: string; fixes: JsonFix[] }[] }[];
    };
    expect(parsed.version).toBe(1);
    const wildcard = parsed.files[0]?.findings.find((f) => f.rule === 'wildcard-resource');
    const split = wildcard?.fixes.find((f) => f.title === 'Split the statement per resource type');
    expect(split).toEqual({
      title: 'Split the statement per resource type',
      safe: false,
      edits: [],
      withheld: WITHHELD,
    });
    // The other fixes carry no secret and keep their edits.
    const others = wildcard?.fixes.filter((f) => f !== split) ?? [];
    expect(others.length).toBeGreaterThan(0);
    for (const fix of others) {
      expect(fix.withheld).toBeUndefined();
      expect(fix.edits.length).toBeGreaterThan(0);
    }
  });

  it('SARIF names it under the result properties, since a SARIF fix must carry its changes', () => {
    const sarif = formatSarif(report(POLICY), { version: '0.0.0', cwd: '/' });
    expect(sarif).not.toContain(TOKEN.slice(4));
    const result = (
      JSON.parse(sarif) as {
        runs: {
          results: {
            ruleId: string;
            fixes?: { description: { text: string } }[];
            properties?: { withheldFixes: unknown[] };
          }[];
        }[];
      }
    ).runs[0]?.results.find((r) => r.ruleId === 'wildcard-resource');
    expect(result?.properties?.withheldFixes).toEqual([
      {
        description: { text: 'Split the statement per resource type' },
        safe: false,
        withheld: WITHHELD,
      },
    ]);
    expect(result?.fixes?.map((f) => f.description.text)).not.toContain(
      'Split the statement per resource type',
    );
  });

  describe('over the CLI', () => {
    let root: string;
    beforeAll(async () => {
      await ensureBuilt();
      root = temporaryDirectory();
      write(root, 'policy.json', POLICY);
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('shows no secret in any format, and --fix still writes the real text', () => {
      for (const format of ['text', 'json', 'sarif']) {
        const { stdout, status } = runCli(['--format', format, 'policy.json'], { cwd: root });
        expect(status).toBe(1);
        expect(stdout).not.toContain(TOKEN.slice(4));
      }
      const text = runCli(['policy.json'], { cwd: root }).stdout;
      expect(text).toContain('"aws:PrincipalTag/token": "ghp_****" } }');

      // policy-structure's safe fix derives a Sid from the token: --fix writes the real text.
      const sid = write(
        root,
        'sid.json',
        `{"Version": "2012-10-17", "Statement": [{"Sid": "${TOKEN}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}\n`,
      );
      const fixed = runCli(['--fix', 'sid.json'], { cwd: root });
      expect(fixed.stdout).toContain('Fixed 1 problem in 1 file.');
      expect(fixed.stdout).not.toContain(TOKEN.slice(4));
      expect(readFileSync(sid, 'utf8')).toContain(`"Sid": "${TOKEN.replace('_', '')}"`);
    });
  });
});

describe('formatters on one-line documents with thousands of findings', () => {
  // A minified policy: one line of some 460,000 characters and 8,000 findings. The formatters used
  // to slice, mask and hash the whole line for each finding (quadratic: about 30 s for the text
  // report and 80 s for SARIF here); they now read a window of the line per finding, and each
  // line once.
  const statement = (i: number) =>
    `{"Sid":"S${i}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`;
  const text = `{"Version":"2012-10-17","Statement":[${Array.from({ length: 8000 }, (_, i) => statement(i)).join(',')}]}`;
  const findings: Finding[] = [];
  for (let at = text.indexOf('"*"'); at >= 0; at = text.indexOf('"*"', at + 1)) {
    findings.push({
      rule: 'wildcard-resource',
      severity: 'warning',
      message: 'm',
      start: at,
      end: at + 3,
      fixes: [],
    });
  }
  const file: FileReport = {
    path: 'min.json',
    absolutePath: undefined,
    kind: 'iam-policy',
    text,
    lines: new LineIndex(text),
    findings,
    secrets: new SecretMasker(text, []),
  };
  const generated: Report = { files: [file], fixed: undefined, maxWarnings: undefined };

  it('prints text frames cut to a window', { timeout: 30_000 }, () => {
    const out = formatText(generated, { color: false });
    expect(findings).toHaveLength(8000);
    const frame = out.split('\n').filter((line) => line.startsWith('> 1 |'));
    expect(frame).toHaveLength(8000);
    expect(Math.max(...frame.map((line) => line.length))).toBeLessThanOrEqual(168);
  });

  it(
    'fingerprints SARIF results once per line, with distinct fingerprints',
    { timeout: 30_000 },
    () => {
      const sarif = JSON.parse(formatSarif(generated, { version: '0.0.0', cwd: '/' })) as {
        runs: { results: { partialFingerprints: Record<string, string> }[] }[];
      };
      const prints = sarif.runs[0]?.results.map((r) => Object.values(r.partialFingerprints)[0]);
      expect(prints).toHaveLength(8000);
      expect(new Set(prints).size).toBe(8000);
      expect(prints?.[7999]).toMatch(/:8000$/);
    },
  );
});
