import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import {
  credentialKind,
  findSecrets,
  findUrlCredentials,
  isPlaceholderValue,
  isSecretName,
  mask,
  nameWords,
} from '../../server/src/analysis/secrets';
import { testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';

const RULES = [
  'hardcoded-credential',
  'credentials-in-url',
  'plaintext-secret-env',
  'sensitive-data-in-tags',
];
const FIXTURES = join(__dirname, '..', 'fixtures');

/**
 * Every run of five or more characters of a reported secret, so that a message or fix title that
 * repeats more than the first four characters of one is caught.
 */
function secretsOf(text: string, start: number, end: number): string[] {
  const value = text.slice(start, end).replace(/^['"]|['"]$/g, '');
  const parts: string[] = [];
  for (const s of findSecrets(value)) parts.push(value.slice(s.from, s.to));
  for (const c of findUrlCredentials(value)) parts.push(value.slice(c.from, c.to));
  if (parts.length === 0) parts.push(value);
  return parts.filter((p) => p.length > 4);
}

describe('secret findings never show more than four characters of the secret', () => {
  for (const rule of RULES) {
    const folder = join(FIXTURES, rule);
    // A docs-good example is the case the rule stays silent on: it has no finding to check.
    const cases = readdirSync(folder).filter(
      (f) => ['.json', '.yaml'].includes(extname(f)) && !f.startsWith('docs-good.'),
    );
    for (const name of cases) {
      it(`${rule}/${name}`, () => {
        const text = stripMarkers(readFileSync(join(folder, name), 'utf8'));
        const findings = analyze(text, { catalog: testCatalog(), fileName: name }).findings.filter(
          (f) => f.rule === rule,
        );
        expect(findings.length).toBeGreaterThan(0);
        for (const finding of findings) {
          const shown = [finding.message, ...finding.fixes.map((f) => f.title)].join('\n');
          for (const secret of secretsOf(text, finding.start, finding.end)) {
            // Quoted names that are no part of the secret (the property, the parameter) may share
            // a few letters with it ("MasterUserPassword" and "s3cr3t-Passw0rd"); leave them out.
            const visible = shown.replace(/"([^"]*)"/g, (quoted, inner: string) =>
              secret.includes(inner) ? quoted : '""',
            );
            for (let i = 0; i + 5 <= secret.length; i++) {
              const window = secret.slice(i, i + 5);
              expect(visible, `leaks "${window}" of a secret`).not.toContain(window);
            }
          }
        }
      });
    }
  }
});

describe('masking', () => {
  it('shows at most the first four characters, and nothing of a short value', () => {
    expect(mask('ghp_4mQxAAAAAAAAAAAAAAAAAAAAAAAAAAAAaB3d')).toBe('ghp_****');
    expect(mask('s3cr3t-Passw0rd')).toBe('s3cr****');
    expect(mask('hunter2-Prd')).toBe('****');
    expect(mask('')).toBe('****');
  });
});

describe('credential shapes', () => {
  it('knows the shapes and leaves out documented examples and identifiers', () => {
    expect(findSecrets('key AKIAZDOCIS2JHTLGMXGE here').map((s) => s.masked)).toEqual(['AKIA****']);
    expect(findSecrets('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(findSecrets('AROAZDOCIS2JHTLGMXGE AIDAZDOCIS2JHTLGMXGE AGPAZDOCIS2JHTLGMXGE')).toEqual(
      [],
    );
    expect(findSecrets('AKIAAAAAAAAAAAAAAAAA')).toEqual([]);
    expect(findSecrets('ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toEqual([]);
    expect(findSecrets('-----BEGIN RSA PRIVATE KEY-----')).toEqual([]);
  });

  it('names the kind of credential a value contains', () => {
    expect(credentialKind('AKIAQ2XLRHFOPGMFUOZT')).toBe('an AWS access key id');
    expect(credentialKind('AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
    expect(credentialKind('AROAQ2XLRHFOPGMFUOZT')).toBeUndefined();
    expect(credentialKind('ghp_4mQxAAAAAAAAAAAAAAAAAAAAAAAAAAAAaB3d')).toBe('a GitHub token');
    expect(credentialKind('glpat-ABCDEFGHIJ0123456789')).toBe('a GitLab token');
    expect(credentialKind('xoxb-123456789012-abcdefghijkl')).toBe('a Slack token');
    expect(
      credentialKind(
        `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq3${'Zk9Qw2Lm8Rt'.repeat(4)}`,
      ),
    ).toBe('a private key');
    expect(credentialKind('-----BEGIN PUBLIC KEY-----')).toBeUndefined();
  });

  it('needs key material after a private key header, and a real Slack prefix', () => {
    // Both were credentials to the old `credentialKind`; a header alone is documentation.
    expect(credentialKind('-----BEGIN RSA PRIVATE KEY-----\nMIIE')).toBeUndefined();
    expect(credentialKind('xoxo-123456789012-abcdefghijkl')).toBeUndefined();
  });
});

describe('secret names', () => {
  it('splits names written in any case style', () => {
    expect(nameWords('dbPassword')).toEqual(['DB', 'PASSWORD']);
    expect(nameWords('APIKey')).toEqual(['API', 'KEY']);
    expect(nameWords('OAuthToken')).toEqual(['O', 'AUTH', 'TOKEN']);
    expect(nameWords('db-pass.word_x')).toEqual(['DB', 'PASS', 'WORD', 'X']);
  });

  it.each([
    'Password',
    'MasterUserPassword',
    'OAuthToken',
    'SecretToken',
    'DB_PASSWORD',
    'dbPassword',
    '/app/api_key',
    '/prod/db/password',
    'ClientSecret',
    'CLIENT_SECRET',
    'GITHUB_TOKEN',
    'SecretString',
    'SecretValue',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'API_KEY',
    'apikey',
    'x-api-key',
    'PRIVATE_KEY',
    'AuthKey',
    'dbauthkey',
    'GITHUB_PAT',
    'DB_PASS',
    'GITHUBTOKEN',
    'apitoken',
    'KeyPassphrase',
    'PassPhrase',
    'PassWord',
  ])('%s is a secret name', (name) => expect(isSecretName(name)).toBe(true));

  it.each([
    'SecretArn',
    'SECRET_ARN',
    'DBPasswordSecretArn',
    'PasswordResetRequired',
    'PASSWORD_PARAMETER',
    'PasswordLength',
    'TokenUrl',
    'TOKEN_URL',
    'ApiKeyRequired',
    'SessionTokenRequired',
    'ClientToken',
    'ServiceToken',
    'NextToken',
    'IdempotencyToken',
    'idempotencytoken',
    'servicetoken',
    'aws:SecretToken',
    'MasterUsername',
    'KeyName',
    'PUBLIC_KEY',
    'KmsKeyId',
    'PASS',
    'PAT',
    'STAGE',
    'PASS_THROUGH',
    'TOKEN1',
  ])('%s is not a secret name', (name) => expect(isSecretName(name)).toBe(false));
});

describe('placeholders', () => {
  it.each([
    '',
    '****',
    'abc****',
    '<token>',
    '${Token}',
    '#{Source.Token}',
    '$GITHUB_TOKEN',
    '$(TOKEN)',
    '{{ token }}',
    'REPLACE_ME',
    'changeme',
    'CHANGE_ME',
    'your-token-here',
    'my-token',
    'TODO',
    'xxxxxxxx',
    '...',
    '{{resolve:secretsmanager:ci/token}}',
    '{{resolve:ssm:/p}}',
    'arn:aws:secretsmanager:us-east-1:111122223333:secret:x',
    '/prod/db/password',
    'true',
    'off',
    '42',
    'AKIAIOSFODNN7EXAMPLE',
    'example-password',
    'sample',
    'set this to the token',
  ])('%j is a placeholder or reference', (value) => expect(isPlaceholderValue(value)).toBe(true));

  it.each([
    'hunter2',
    'hunter2-Prod',
    's3cr3t-Passw0rd',
    'foobarbaz',
    'Tests',
    'Password!',
    // The bare words are values: the corpus counts `username:password@` in a URL and a
    // `Default: String` fed to MasterUserPassword as stored secrets.
    'password',
    'String',
    'ghp_4mQxAAAAAAAAAAAAAAAAAAAAAAAAAAAAaB3d',
  ])('%j is a value', (value) => expect(isPlaceholderValue(value)).toBe(false));
});

describe('URL credentials', () => {
  it('finds user-and-password URLs only', () => {
    expect(findUrlCredentials('https://u:p4ss@github.com/x').map((c) => c.display)).toEqual([
      'https://****:****@github.com',
    ]);
    expect(findUrlCredentials('https://${Token}@github.com/x')).toEqual([]);
    expect(findUrlCredentials('https://x-access-token:${Token}@github.com/x')).toEqual([]);
    expect(findUrlCredentials('https://user@bitbucket.org/x')).toEqual([]);
    expect(findUrlCredentials('ssh://git@github.com/x')).toEqual([]);
  });
});
