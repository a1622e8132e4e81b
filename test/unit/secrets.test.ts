import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import {
  findSecrets,
  findUrlCredentials,
  isNotSecretValue,
  isSecretName,
} from '../../server/src/analysis/secrets';
import { testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';

const RULES = ['hardcoded-credential', 'credentials-in-url'];
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
    for (const name of readdirSync(folder).filter((f) => ['.json', '.yaml'].includes(extname(f)))) {
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

describe('secret helpers', () => {
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
  it('tells secret names from names that point at secrets', () => {
    for (const name of [
      'Password',
      'MasterUserPassword',
      'OAuthToken',
      'SecretToken',
      'DB_PASSWORD',
      '/app/api_key',
      'ClientSecret',
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of [
      'SecretArn',
      'PasswordResetRequired',
      'ClientToken',
      'ServiceToken',
      'TokenUrl',
      'ApiKeyRequired',
      'aws:SecretToken',
      'MasterUsername',
    ])
      expect(isSecretName(name), name).toBe(false);
  });
  it('treats placeholders, masks and references as not secret', () => {
    for (const value of [
      '',
      '****',
      '<token>',
      '${Token}',
      '$GITHUB_TOKEN',
      'REPLACE_ME',
      'changeme',
      'your-token-here',
      '{{resolve:secretsmanager:x}}',
      '{{resolve:ssm:/p}}',
      'arn:aws:secretsmanager:us-east-1:1:secret:x',
      'xxxxxxxx',
    ])
      expect(isNotSecretValue(value), value).toBe(true);
    for (const value of ['hunter2', 's3cr3t-Passw0rd', 'foobarbaz'])
      expect(isNotSecretValue(value), value).toBe(false);
  });
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
