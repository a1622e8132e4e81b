import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { parseDocumentText } from '../../server/src/analysis/document';
import { buildModel } from '../../server/src/analysis/model';
import {
  accountOfArn,
  isOtherAccount,
  pipelineAccounts,
  roleAccounts,
} from '../../server/src/analysis/pipeline/role-accounts';
import { testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Rule, severity and message (key spelling folded) of one rule's findings in a fixture. */
function findings(rule: string, path: string): string[] {
  const text = stripMarkers(readFileSync(path, 'utf8'));
  return analyze(text, { catalog: testCatalog(), fileName: path.split('/').pop() ?? path })
    .findings.filter((f) => f.rule === rule)
    .map((f) => `${f.severity}: ${f.message.toLowerCase()}`);
}

describe('one pipeline, three spellings', () => {
  for (const [rule, json, others] of [
    ['github-v1-source', 'pipeline.json', ['template.json', 'template.yaml']],
    ['artifact-store-default-key', 'pipeline.json', ['template.json', 'template.yaml']],
  ] as const) {
    it(`${rule}: get-pipeline JSON, template JSON and template YAML agree`, () => {
      const expected = findings(rule, join(FIXTURES, rule, json));
      expect(expected.length).toBeGreaterThan(0);
      for (const other of others) {
        // The YAML template of github-v1-source adds a second pipeline of intrinsic cases.
        const actual = findings(rule, join(FIXTURES, rule, other));
        expect(actual.slice(0, expected.length)).toEqual(expected);
      }
    });
  }
});

/** The accounts of the first action's `RoleArn` in a one-pipeline template. */
function accountsOf(roleArn: string): unknown {
  const text = `Resources:\n  Role:\n    Type: AWS::IAM::Role\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      Stages:\n        - Name: S\n          Actions:\n            - Name: A\n              RoleArn: ${roleArn}\n`;
  const model = buildModel(parseDocumentText(text, 'template.yaml'));
  const action = model.pipelines[0]?.stages[0]?.actions[0];
  return roleAccounts(model.template, action?.roleArn);
}

describe('role accounts', () => {
  it('reads literal and pseudo-parameter accounts', () => {
    expect(accountOfArn('arn:aws:iam::444455556666:role/deploy')).toEqual({
      kind: 'literal',
      id: '444455556666',
    });
    expect(accountOfArn('arn:aws:iam::${AWS::AccountId}:role/deploy')).toEqual({ kind: 'self' });
    expect(accountOfArn('arn:aws:iam::4444:role/deploy')).toBeUndefined();
    expect(accountOfArn('deploy')).toBeUndefined();
  });

  it('follows Sub, Join, GetAtt and Fn::If in templates', () => {
    expect(accountsOf('!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x')).toEqual([
      { kind: 'self' },
    ]);
    expect(accountsOf("!Join [':', ['arn:aws:iam:', !Ref AWS::AccountId, 'role/x']]")).toEqual([
      { kind: 'self' },
    ]);
    expect(accountsOf('!GetAtt Role.Arn')).toEqual([{ kind: 'self' }]);
    expect(accountsOf("!Sub ['arn:aws:iam::${A}:role/x', { A: '444455556666' }]")).toEqual([
      { kind: 'literal', id: '444455556666' },
    ]);
    expect(accountsOf("!If [C, 'arn:aws:iam::444455556666:role/x', !Ref AWS::NoValue]")).toEqual([
      { kind: 'literal', id: '444455556666' },
    ]);
  });

  it('leaves parameters, imports, dynamic references and other resources unknown', () => {
    expect(accountsOf('!Sub arn:aws:iam::${DeployAccount}:role/x')).toEqual([]);
    expect(accountsOf('!ImportValue deploy-role')).toEqual([]);
    expect(accountsOf('!GetAtt Pipeline.Arn')).toEqual([]);
    expect(accountsOf("'{{resolve:ssm:/roles/deploy}}'")).toEqual([]);
  });

  it('compares with the pipeline account, assuming the stack account in templates', () => {
    const other = { kind: 'literal', id: '444455556666' } as const;
    expect(isOtherAccount(other, ['111122223333'], 'json')).toBe(true);
    expect(isOtherAccount(other, ['444455556666'], 'cfn')).toBe(false);
    expect(isOtherAccount(other, [], 'json')).toBe(false);
    expect(isOtherAccount(other, [], 'cfn')).toBe(true);
    expect(isOtherAccount({ kind: 'self' }, [], 'cfn')).toBe(false);
  });

  it('takes a get-pipeline account from the role, or else the pipeline ARN', () => {
    const text = JSON.stringify({
      pipeline: { name: 'p', stages: [], artifactStore: { type: 'S3', location: 'b' } },
      metadata: { pipelineArn: 'arn:aws:codepipeline:us-east-1:111122223333:p' },
    });
    const model = buildModel(parseDocumentText(text, 'p.json'));
    const pipeline = model.pipelines[0];
    expect(pipeline && pipelineAccounts(pipeline, undefined)).toEqual(['111122223333']);
  });
});
