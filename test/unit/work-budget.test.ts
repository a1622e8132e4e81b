import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_WORK_BUDGET, type AnalyzeOptions } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';

const options = (extra: Partial<AnalyzeOptions> = {}): AnalyzeOptions => ({
  catalog: testCatalog(),
  ...extra,
});

const policy = (statements: readonly Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 1);

/** 20,000 statements granting `s3:*` and `ec2:Describe*` on `*`: some 46 million units. */
const statementList = () =>
  policy(
    Array.from({ length: 20_000 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow',
      Action: ['s3:*', 'ec2:Describe*'],
      Resource: '*',
    })),
  );

/** One statement testing 100,000 condition keys against every `s3:` action. */
const conditionKeys = () =>
  policy([
    {
      Effect: 'Allow',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::bucket/*',
      Condition: {
        StringEquals: Object.fromEntries(
          Array.from({ length: 100_000 }, (_, i) => [`aws:PrincipalTag/k${i}`, 'v']),
        ),
      },
    },
  ]);

const summary = (text: string, extra: Partial<AnalyzeOptions> = {}) => {
  const analysis = analyze(text, options(extra));
  const counts = new Map<string, number>();
  for (const f of analysis.findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  const limit = analysis.findings.filter((f) => f.rule === 'analysis-limit');
  return { counts: Object.fromEntries(counts), limit, work: analysis.work };
};

describe('work budget', () => {
  it('is 10,000,000 units', () => {
    expect(DEFAULT_WORK_BUDGET).toBe(10_000_000);
  });

  it('cuts a 20,000-statement policy off with one analysis-limit finding naming the skipped rules', () => {
    const { counts, limit, work } = summary(statementList());
    expect(limit).toEqual([
      {
        rule: 'analysis-limit',
        severity: 'warning',
        message:
          "The document is too costly to analyse in full: its work budget of 10,000,000 units ran out, so the 11 rules 'invalid-arn', 'passrole-unscoped', 'placeholder-value', 'policy-structure', 'policy-version', 'privilege-escalation', 'public-principal', 'unknown-action', 'unknown-condition-key', 'wildcard-action', 'wildcard-resource' did not check it. The other rules' findings are complete.",
        start: 0,
        end: 1,
        fixes: [],
      },
    ]);
    expect(counts).toEqual({ 'analysis-limit': 1 });
    expect(work).toBe(10_160_060);
  });

  it('cuts 100,000 condition keys on s3:* off, keeping the findings of the rules that finished', () => {
    const { counts, limit, work } = summary(conditionKeys());
    expect(limit.map((f) => f.message)).toEqual([
      "The document is too costly to analyse in full: its work budget of 10,000,000 units ran out, so the rule 'wildcard-resource' did not check it. The other rules' findings are complete.",
    ]);
    expect(counts).toEqual({ 'analysis-limit': 1, 'wildcard-action': 1 });
    expect(work).toBe(22_401_355);
  });

  const SECRET = 'AKIAQ3EGUXJRT5C3XKZD';
  const small = policy([
    { Sid: 'Keys', Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${SECRET}/*` },
  ]);

  it('is counted in work, so the cut falls at the same place every time', () => {
    const runs = [1, 2, 3].map(() =>
      analyze(small, options({ workBudget: 30_000 })).findings.map((f) => `${f.rule}@${f.start}`),
    );
    expect(runs[0]).toEqual([
      'analysis-limit@0',
      'passrole-unscoped@101',
      'privilege-escalation@101',
      'hardcoded-credential@200',
    ]);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('never skips the rules that find secrets, so masking does not depend on it', () => {
    const analysis = analyze(small, options({ workBudget: 1 }));
    expect(analysis.findings.map((f) => f.rule)).toEqual([
      'analysis-limit',
      'hardcoded-credential',
    ]);
    expect(analysis.secrets.mask(SECRET)).not.toContain(SECRET);
  });

  it('reports nothing when analysis-limit is off, and skips the rules all the same', () => {
    const rules = new Map([['analysis-limit', 'off' as const]]);
    expect(analyze(small, options({ workBudget: 1, rules })).findings.map((f) => f.rule)).toEqual([
      'hardcoded-credential',
    ]);
  });

  it('leaves the corpus-sized documents alone', () => {
    expect(summary(small).limit).toEqual([]);
  });

  it('stops where the host cancels, with nothing to report', () => {
    const before = analyze(small, options({ cancelled: () => true }));
    expect([before.cancelled, before.findings, before.work]).toEqual([true, [], 0]);
    let checks = 0;
    const during = analyze(small, options({ cancelled: () => ++checks > 5 }));
    expect(during.cancelled).toBe(true);
    expect(analyze(small, options({ cancelled: () => false })).cancelled).toBeUndefined();
  });
});
