import { describe, expect, it } from 'vitest';
import { addedAccess, analyze, documentGrants } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';

const policy = (...statements: string[]) =>
  `{"Version": "2012-10-17", "Statement": [${statements.join(', ')}]}`;

const template = (...statements: string[]) => `Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
${statements.map((s) => `              - ${s}`).join('\n')}
`;

/** What `head` grants that `base` does not, as `kind action resource` lines. */
function added(base: string, head: string, fileName = 'p.json'): string[] {
  const catalog = testCatalog();
  const grants = (text: string) =>
    documentGrants(catalog, analyze(text, { catalog, fileName }).model);
  return addedAccess(catalog, grants(base), grants(head)).map(
    (a) => `${a.kind} ${a.action} ${a.resource}`,
  );
}

const allow = (action: string, resource: string, condition = '') =>
  `{"Effect": "Allow", "Action": ${JSON.stringify(action)}, "Resource": ${JSON.stringify(resource)}${condition}}`;

describe('addedAccess', () => {
  it('a narrower resource, fewer actions or a split statement add nothing', () => {
    const base = policy(allow('s3:*', '*'));
    expect(added(base, policy(allow('s3:GetObject', 'arn:aws:s3:::b/*')))).toEqual([]);
    expect(
      added(
        policy(allow('s3:GetObject', '*'), allow('s3:ListBucket', '*')),
        policy(`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}`),
      ),
    ).toEqual([]);
  });

  it('a pattern is covered when every action it matches is', () => {
    expect(added(policy(allow('s3:*', '*')), policy(allow('s3:Get*', '*')))).toEqual([]);
    expect(added(policy(allow('s3:GetObject', '*')), policy(allow('s3:Get*', '*')))).toContain(
      'grant s3:get* *',
    );
  });

  it('a broader resource, another action or a dropped condition is new access', () => {
    const base = policy(
      allow(
        's3:GetObject',
        'arn:aws:s3:::b/*',
        ', "Condition": {"Bool": {"aws:SecureTransport": "true"}}',
      ),
    );
    expect(added(base, policy(allow('s3:GetObject', '*')))).toEqual(['grant s3:getobject *']);
    expect(added(base, policy(allow('s3:GetObject', 'arn:aws:s3:::b/*')))).toEqual([
      'grant s3:getobject arn:${AWS::Partition}:s3:::b/*',
    ]);
  });

  it('a condition added, or its values narrowed, adds nothing', () => {
    const base = policy(
      allow(
        's3:GetObject',
        '*',
        ', "Condition": {"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}}',
      ),
    );
    const head = policy(
      allow(
        's3:GetObject',
        '*',
        ', "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:PrincipalAccount": "111122223333"}}',
      ),
    );
    expect(added(base, head)).toEqual([]);
    expect(added(head, base)).toEqual(['grant s3:getobject *']);
  });

  it('a Deny removed or narrowed is new access', () => {
    const deny = `{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}`;
    const base = policy(allow('s3:*', '*'), deny);
    expect(added(base, policy(allow('s3:*', '*')))).toEqual(['denial s3:deleteobject *']);
    expect(
      added(base, policy(allow('s3:*', '*'), deny.replace('"*"', '"arn:aws:s3:::b/*"'))),
    ).toEqual(['denial s3:deleteobject *']);
  });

  it("a template resource's ARN is its ARN format, in the template's partition", () => {
    const base = template(`{Effect: Allow, Action: s3:GetObject, Resource: 'arn:aws:s3:::*/*'}`);
    const head = template(
      `{Effect: Allow, Action: s3:GetObject, Resource: !Sub '\${Bucket.Arn}/*'}`,
    );
    expect(added(base, head, 't.yaml')).toEqual([]);
    expect(added(head, base, 't.yaml')).toEqual([
      'grant s3:getobject arn:${AWS::Partition}:s3:::*/*',
    ]);
  });
});
