import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analyze,
  applyEdits,
  fixAll,
  hover,
  selectFixes,
  type AnalyzeOptions,
  type Finding,
  type Fix,
} from '../../server/src/analysis';
import { conflicts } from '../../server/src/analysis/fix-all';
import { testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';

const FIXTURES = join(__dirname, '..', 'fixtures');
const options = (extra: Partial<AnalyzeOptions> = {}): AnalyzeOptions => ({
  catalog: testCatalog(),
  ...extra,
});

const WILDCARD = `{
  "Statement": [
    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }
  ]
}
`;

function finding(rule: string, start: number, fixes: Fix[]): Finding {
  return { rule, severity: 'warning', message: rule, start, end: start + 1, fixes };
}
const fix = (title: string, safe: boolean, ...edits: [number, number, string][]): Fix => ({
  title,
  safe,
  edits: edits.map(([start, end, newText]) => ({ start, end, newText })),
});

describe('conflicts', () => {
  it('is true for overlapping ranges and for two edits starting at one offset', () => {
    const edit = (start: number, end: number) => ({ start, end, newText: 'x' });
    expect(conflicts(edit(0, 5), edit(4, 8))).toBe(true);
    expect(conflicts(edit(2, 2), edit(2, 2))).toBe(true);
    expect(conflicts(edit(2, 2), edit(2, 6))).toBe(true);
    expect(conflicts(edit(0, 5), edit(5, 8))).toBe(false);
    expect(conflicts(edit(5, 5), edit(0, 5))).toBe(false);
  });
});

describe('selectFixes', () => {
  const findings = [
    finding('a', 0, [fix('a unsafe', false, [0, 1, 'A']), fix('a safe', true, [0, 2, 'AA'])]),
    finding('b', 1, [fix('b safe', true, [1, 3, 'B'])]),
    finding('c', 5, [fix('c self-overlapping', true, [5, 7, 'C'], [6, 8, 'D'])]),
    finding('d', 9, [fix('d safe', true, [9, 9, 'E'])]),
    finding('e', 10, []),
  ];

  it('takes each finding first safe fix in order, skipping conflicts and self-overlapping fixes', () => {
    expect(selectFixes(findings, 'safe').fixes.map((f) => f.title)).toEqual(['a safe', 'd safe']);
  });

  it('takes each finding first fix in unsafe mode', () => {
    expect(selectFixes(findings, 'unsafe').fixes.map((f) => f.title)).toEqual([
      'a unsafe',
      'b safe',
      'd safe',
    ]);
  });
});

describe('fixAll', () => {
  it('applies the safe fixes and returns the analysis of the fixed text', () => {
    const result = fixAll(analyze(WILDCARD, options({ fileName: 'p.json' })), 'safe');
    expect(result).toMatchObject({ applied: 1, passes: 1 });
    expect(result.text).toBe(WILDCARD.replace('{\n', '{\n  "Version": "2012-10-17",\n'));
    expect(result.analysis.findings.map((f) => f.rule)).toEqual(['wildcard-resource']);
    expect(applyEdits(WILDCARD, result.edits).text).toBe(result.text);
  });

  it('runs passes until nothing applies; its edits on the original give the same text', () => {
    const path = join(FIXTURES, 'passrole-unscoped', 'pipeline.json');
    const text = stripMarkers(readFileSync(path, 'utf8'));
    const result = fixAll(analyze(text, options({ fileName: 'pipeline.json' })), 'unsafe');
    expect(result.passes).toBe(4);
    expect(result.applied).toBe(9);
    expect(result.edits).toHaveLength(1);
    expect(applyEdits(text, result.edits).text).toBe(result.text);
    expect(selectFixes(result.analysis.findings, 'unsafe').fixes).toEqual([]);
  });

  it('keeps the ignores it was given on every pass', () => {
    const analysis = analyze(
      WILDCARD,
      options({ fileName: 'p.json', ignore: new Set(['policy-version']) }),
    );
    const result = fixAll(analysis, 'unsafe');
    expect(result.text).not.toContain('"Version"');
    // The scoping fix wrote placeholders, which stay findings until they are filled in.
    expect(result.analysis.findings.map((f) => f.rule)).toEqual(['placeholder-value']);
  });
});

describe('ignored rules', () => {
  it('leave the one list of findings that hover and fixes read', () => {
    const ignore = new Set(['wildcard-resource', 'policy-version']);
    const analysis = analyze(WILDCARD, options({ fileName: 'p.json', ignore }));
    expect(analysis.findings).toEqual([]);
    const star = WILDCARD.indexOf('"*"') + 1;
    expect(hover(analysis, testCatalog(), star)?.contents ?? '').not.toContain('wildcard-resource');
    expect(
      hover(analyze(WILDCARD, options({ fileName: 'p.json' })), testCatalog(), star)?.contents,
    ).toContain('wildcard-resource');
    expect(fixAll(analysis, 'unsafe').applied).toBe(0);
  });

  it('all: no findings at all, like an excluded file', () => {
    expect(analyze(WILDCARD, options({ fileName: 'p.json', ignore: 'all' })).findings).toEqual([]);
  });
});
