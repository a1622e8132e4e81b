import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { effectiveStar } from '../../server/src/analysis/access/effective-star';
import { reachesEvery, statementAccess } from '../../server/src/analysis/access/statement-access';
import { resolveValue } from '../../server/src/analysis/model';
import { testCatalog } from '../support/catalog';

const BUCKET = 'arn:${Partition}:s3:::${BucketName}';
const OBJECT = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
const TRAIL = 'arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${TrailName}';

const template = (statement: string) => `Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - ${statement}
`;

/** The first statement of a template's first policy, with its access. */
function accessOf(statementYaml: string) {
  const catalog = testCatalog();
  const analysis = analyze(template(statementYaml), { catalog, fileName: 't.yaml' });
  const statement = analysis.model.policies[0]?.statements[0];
  if (!statement) throw new Error('no statement');
  return statementAccess(catalog, analysis.model, statement);
}

describe('effectiveStar', () => {
  const star = (text: string, format: string) => {
    const [resolved] = resolveValue(
      analyze(JSON.stringify(text), { catalog: testCatalog() }).document.root,
    );
    if (!resolved) throw new Error('unresolved');
    return effectiveStar(resolved, format);
  };

  it('is true when every part that names a resource is a wildcard', () => {
    expect(star('arn:aws:s3:::*', BUCKET)).toBe(true);
    expect(star('arn:aws:s3:::*', OBJECT)).toBe(true);
    expect(star('arn:aws:s3:::*/*', OBJECT)).toBe(true);
    expect(star('arn:*:cloudtrail:*:*:trail/*', TRAIL)).toBe(true);
    expect(star('arn:aws-cn:s3:::?*', BUCKET)).toBe(true);
  });

  it('is false for prefixes, fixed accounts, single characters and long minimums', () => {
    expect(star('arn:aws:s3:::logs-*', BUCKET)).toBe(false);
    expect(star('arn:aws:s3:::my-bucket/*', OBJECT)).toBe(false);
    expect(star('arn:aws:cloudtrail:*:111122223333:trail/*', TRAIL)).toBe(false);
    expect(star('arn:aws:s3:::?', BUCKET)).toBe(false);
    expect(star(`arn:aws:s3:::${'*?'.repeat(30)}`, BUCKET)).toBe(false);
    expect(star('arn:aws:s3:::bucket', BUCKET)).toBe(false);
  });
});

describe('statementAccess', () => {
  it('expands every action once, with its entry, resource types and narrowing keys', () => {
    const access = accessOf(
      `{ Effect: Allow, Action: ['s3:GetObject', 's3:Get*Object', 'cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': App, 's3:ExistingObjectTag/team': a, 'aws:SourceIp': 10.0.0.1 } } }`,
    );
    const getObject = access.actions.filter((a) => a.fullName === 's3:GetObject');
    expect(getObject).toHaveLength(1);
    expect(getObject[0]?.entry.value).toBe('s3:GetObject');
    expect(getObject[0]?.types.map((t) => [t.key, t.required])).toEqual([
      ['s3/accesspointobject', false],
      ['s3/object', false],
    ]);
    expect(getObject[0]?.narrowedBy).toEqual(['s3:ExistingObjectTag/team']);
    const metrics = access.actions.find((a) => a.fullName === 'cloudwatch:PutMetricData');
    expect(metrics?.narrowedBy).toEqual(['cloudwatch:namespace']);
    expect(access.partial).toBe(false);
    expect(access.resources.map((r) => r.star)).toEqual([true]);
  });

  it('marks unknown entries and NotAction as partial', () => {
    expect(accessOf(`{ Effect: Allow, Action: [s3:NoSuchThing], Resource: '*' }`).partial).toBe(
      true,
    );
    expect(accessOf(`{ Effect: Allow, NotAction: s3:GetObject, Resource: '*' }`).actions).toEqual(
      [],
    );
  });

  it('reaches every resource through "*" in effect, not through this stack or a resource', () => {
    const reaches = (resource: string) => {
      const access = accessOf(`{ Effect: Allow, Action: s3:PutObject, Resource: ${resource} }`);
      const [action] = access.actions;
      const [entry] = access.resources;
      if (!action || !entry) throw new Error('no action or resource');
      return reachesEvery(entry, action);
    };
    expect(reaches(`'*'`)).toBe(true);
    expect(reaches(`'arn:aws:s3:::*'`)).toBe(true);
    expect(reaches(`!Sub 'arn:\${AWS::Partition}:s3:::*'`)).toBe(true);
    expect(reaches(`!Sub '\${Bucket.Arn}/*'`)).toBe(false);
    expect(reaches(`'arn:aws:s3:::logs-*/*'`)).toBe(false);
  });
});
