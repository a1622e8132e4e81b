import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type AnalyzeOptions } from '../../server/src/analysis';
import { ConfigError, parseConfig } from '../../server/src/node/config';
import { testCatalog } from '../support/catalog';

const structure = (text: string, extra: Partial<AnalyzeOptions> = {}) =>
  analyze(text, { catalog: testCatalog(), fileName: 'policy.json', ...extra })
    .findings.filter((f) => f.rule === 'policy-structure')
    .map((f) => f.message);
const typeOf = (text: string, extra: Partial<AnalyzeOptions> = {}) =>
  analyze(text, { catalog: testCatalog(), fileName: 'policy.json', ...extra }).model.policies[0]
    ?.type;
const policy = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('standalone policy types', () => {
  it('tells identity, resource-based and trust policies apart by content', () => {
    expect(typeOf(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }))).toBe(
      'identity',
    );
    const bucket = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' };
    expect(typeOf(policy(bucket))).toBe('resource');
    const trust = {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    };
    expect(typeOf(policy(trust))).toBe('trust');
    // An identity policy that lets a user assume roles names the roles as resources.
    expect(
      typeOf(
        policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::1:role/r' }),
      ),
    ).toBe('identity');
    expect(typeOf(policy({ Effect: 'Allow', Action: 'sts:AssumeRole' }))).toBe('trust');
  });

  it('takes the type from the options when the host knows it', () => {
    const text = policy({ Effect: 'Deny', Action: 's3:*', Resource: '*' });
    expect(typeOf(text, { policyType: 'service-control' })).toBe('service-control');
    expect(typeOf(text, { policyType: 'permissions-boundary' })).toBe('permissions-boundary');
  });
});

describe('policy-structure by configured type', () => {
  it('forbids principals in SCPs and accepts their full grammar otherwise', () => {
    const scp = policy(
      { Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:iam::*:role/Admin' },
      {
        Effect: 'Allow',
        Action: 's3:Get*',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { Bool: { 'aws:SecureTransport': true } },
      },
      { Effect: 'Deny', Principal: '*', Action: 'ec2:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ec2:RunInstances' },
    );
    expect(structure(scp, { policyType: 'service-control' })).toEqual([
      '"Principal" is not allowed in a service control policy: an SCP applies to every principal of the accounts it is attached to. Remove it.',
    ]);
  });

  it('holds RCPs to "Principal": "*" and Deny', () => {
    const rcp = policy(
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } },
      },
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::1:root' },
        Action: 's3:GetObject',
        Resource: '*',
      },
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: 'arn:aws:iam::1:root' },
        Action: 's3:*',
        Resource: '*',
      },
    );
    expect(structure(rcp, { policyType: 'resource-control' })).toEqual([
      'A resource control policy can only deny: "Allow" is accepted only in the built-in full-access form ("Principal", "Action" and "Resource" all "*"). Use "Deny".',
      'A resource control policy accepts only "Principal": "*"; narrow it with conditions such as aws:PrincipalOrgID or aws:PrincipalAccount.',
      '"NotPrincipal" is not allowed in a resource control policy; use "Principal": "*" with a condition such as aws:PrincipalOrgID.',
    ]);
  });

  it('checks a permissions boundary like an identity policy', () => {
    const boundary = policy({
      Sid: 'max perms',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
    });
    expect(structure(boundary, { policyType: 'permissions-boundary' })).toEqual([
      'The Sid "max perms" has characters a permissions boundary does not accept: IAM allows only letters A-Z, a-z and digits 0-9.',
      '"Principal" is not allowed in a permissions boundary: the policy applies to the identity it is attached to. Remove it.',
    ]);
  });
});

describe('policyTypes setting', () => {
  const file = join('/work', 'repo', '.scopewise.json');
  it('maps globs relative to the config folder to policy types, first match wins', () => {
    const config = parseConfig(
      file,
      JSON.stringify({
        policyTypes: { './org/scps/**': 'service-control', 'org/**': 'resource-control' },
      }),
    );
    expect(config.policyTypeFor(join('/work', 'repo', 'org', 'scps', 'deny.json'))).toBe(
      'service-control',
    );
    expect(config.policyTypeFor(join('/work', 'repo', 'org', 'rcp.json'))).toBe('resource-control');
    expect(config.policyTypeFor(join('/work', 'repo', 'iam', 'role.json'))).toBeUndefined();
  });

  it('rejects unknown types and non-objects with a message naming the problem', () => {
    expect(() => parseConfig(file, '{"policyTypes": {"scps/**": "scp"}}')).toThrow(ConfigError);
    expect(() => parseConfig(file, '{"policyTypes": {"scps/**": "scp"}}')).toThrow(
      /"policyTypes" gives "scps\/\*\*" the type "scp"; use one of identity, resource, trust, permissions-boundary, service-control, resource-control, iot/,
    );
    expect(() => parseConfig(file, '{"policyTypes": ["scps/**"]}')).toThrow(/must be an object/);
  });
});
