import { describe, expect, it } from 'vitest';
import {
  credentialKind,
  isPlaceholderValue,
  isSecretName,
  masked,
  nameWords,
} from '../../server/src/analysis/secret-names';

describe('secret names', () => {
  it('splits names written in any case style', () => {
    expect(nameWords('dbPassword')).toEqual(['DB', 'PASSWORD']);
    expect(nameWords('APIKey')).toEqual(['API', 'KEY']);
    expect(nameWords('OAuthToken')).toEqual(['O', 'AUTH', 'TOKEN']);
    expect(nameWords('db-pass.word_x')).toEqual(['DB', 'PASS', 'WORD', 'X']);
  });

  it.each([
    'DB_PASSWORD',
    'dbPassword',
    'MasterUserPassword',
    'GITHUB_TOKEN',
    'OAuthToken',
    'SecretToken',
    'SecretString',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'API_KEY',
    'apikey',
    'PRIVATE_KEY',
    'CLIENT_SECRET',
    'GITHUB_PAT',
    'DB_PASS',
    'GITHUBTOKEN',
    'SecretValue',
  ])('%s is a secret name', (name) => expect(isSecretName(name)).toBe(true));

  it.each([
    'TOKEN_URL',
    'SECRET_ARN',
    'DBPasswordSecretArn',
    'PASSWORD_PARAMETER',
    'PasswordLength',
    'KeyName',
    'PUBLIC_KEY',
    'KmsKeyId',
    'ServiceToken',
    'ClientToken',
    'NextToken',
    'PASS',
    'PAT',
    'STAGE',
    'PASS_THROUGH',
  ])('%s is not a secret name', (name) => expect(isSecretName(name)).toBe(false));
});

describe('secret values', () => {
  it.each([
    '',
    '****',
    'abc****',
    '<token>',
    '${Token}',
    '#{Source.Token}',
    '$GITHUB_TOKEN',
    'REPLACE_ME',
    'changeme',
    'your-token-here',
    '{{resolve:secretsmanager:ci/token}}',
    'arn:aws:secretsmanager:us-east-1:111122223333:secret:x',
    '/prod/db/password',
    'true',
    '42',
    'AKIAIOSFODNN7EXAMPLE',
    'String',
  ])('%j is a placeholder or reference', (value) => expect(isPlaceholderValue(value)).toBe(true));

  it.each(['hunter2-Prod', 'Tests', 'ghp_4mQxAAAAAAAAAAAAAAAAAAAAAAAAAAAAaB3d'])(
    '%j is a value',
    (value) => expect(isPlaceholderValue(value)).toBe(false),
  );

  it('recognises credential formats, but not the documented example keys', () => {
    expect(credentialKind('AKIAQ2XLRHFOPGMFUOZT')).toBe('an AWS access key id');
    expect(credentialKind('AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
    expect(credentialKind('AROAQ2XLRHFOPGMFUOZT')).toBeUndefined();
    expect(credentialKind('ghp_4mQxAAAAAAAAAAAAAAAAAAAAAAAAAAAAaB3d')).toBe('a GitHub token');
    expect(credentialKind('glpat-ABCDEFGHIJ0123456789')).toBe('a GitLab token');
    expect(credentialKind('xoxb-123456789012-abcdefghijkl')).toBe('a Slack token');
    expect(credentialKind('-----BEGIN RSA PRIVATE KEY-----\nMIIE')).toBe('a private key');
    expect(credentialKind('-----BEGIN PUBLIC KEY-----')).toBeUndefined();
  });

  it('never shows more than 4 characters, and nothing of a short value', () => {
    expect(masked('ghp_4mQxAAAAAAAAAAAAAAAAAAAAAAAAAAAAaB3d')).toBe('ghp_…');
    expect(masked('hunter2')).toBe('****');
  });
});
