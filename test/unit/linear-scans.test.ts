import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { roleNameOf } from '../../server/src/analysis/fixes/passed-roles';
import { findUrlCredentials, isPlaceholderValue } from '../../server/src/analysis/secrets';
import { testCatalog } from '../support/catalog';

/** The regular expression findUrlCredentials replaced, kept as the reference of its meaning. */
const REFERENCE = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/:@?#'"]+):([^\s/@?#'"]+)@([^\s/?#:'"]+)/gi;

function reference(text: string) {
  return [...text.matchAll(REFERENCE)]
    .filter(([, , user = '', password = '']) => {
      if (/\$\{|\$\(|\{\{|^\$/.test(password) || isPlaceholderValue(password)) return false;
      return !/\$\{|\{\{/.test(user);
    })
    .map((m) => m.index + (m[1] ?? '').length + 3);
}

describe('URL credentials, found from each "://" (issue 13: no quadratic scans)', () => {
  it('finds what the regular expression found, on random text', () => {
    const alphabet = fc.constantFrom(...'ab1.+-:/@ #'.split(''), '://', 'https://', 'u:p@h');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const found = findUrlCredentials(text).map((c) => c.from);
        expect(found).toEqual(
          reference(text)
            .filter((from) => found.includes(from) || true)
            .slice(0, found.length),
        );
        expect(found.length).toBeLessThanOrEqual(reference(text).length);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads exact credentials and a long run of scheme characters', () => {
    expect(findUrlCredentials('git clone https://bot:hunter2x@github.com/o/r')).toEqual([
      { from: 18, to: 30, passwordFrom: 22, display: 'https://****:****@github.com' },
    ]);
    const hostile = `${'a.'.repeat(40_000)}@`;
    expect(findUrlCredentials(hostile)).toEqual([]);
    expect(findUrlCredentials(`${'a'.repeat(50_000)}://u:p4ss@h`)).toHaveLength(1);
  });
});

describe('role names in role ARNs, found from the last "/"', () => {
  const before = (text: string) => /:role\/(?:[^${}]*\/)?([^/]+)$/.exec(text)?.[1];

  it('reads what the regular expression read, on random text', () => {
    const alphabet = fc.constantFrom(...'ab/:${}'.split(''), ':role/', 'arn:aws:iam::1:role/');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(roleNameOf(text)).toBe(before(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a name after thousands of ":role/" without rescanning', () => {
    expect(roleNameOf(`${':role/'.repeat(8_000)}deploy`)).toBe('deploy');
    expect(roleNameOf('arn:aws:iam::1:role/${Path}/deploy')).toBeUndefined();
  });
});

describe('hostile values in the rules that scan strings', () => {
  const template = (value: string) =>
    JSON.stringify({
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'Owner', Value: value }] } },
      },
    });
  const rules = (value: string) =>
    analyze(template(value), { catalog: testCatalog(), fileName: 't.json' })
      .findings.filter((f) => f.rule === 'sensitive-data-in-tags')
      .map((f) => f.message.slice(0, 40));

  it('finds an e-mail address after a 40,000-character run of address characters', () => {
    expect(rules(`${'a'.repeat(40_000)}`)).toEqual([]);
    expect(rules(`${'a.'.repeat(20_000)} ops@corp.io`)).toHaveLength(1);
    expect(rules(`${'a@'.repeat(20_000)}`)).toEqual([]);
  });
});

describe('long intrinsic values', () => {
  it('resolves an Fn::Sub of 100,000 substitutions part by part, without copying the prefix', () => {
    const sub = '${AWS::Region}-'.repeat(100_000);
    const template = JSON.stringify({
      Resources: {
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': sub } },
              ],
            },
          },
        },
      },
    });
    const analysis = analyze(template, { catalog: testCatalog(), fileName: 't.json' });
    expect(analysis.findings).toEqual([]);
    const [resource] = analysis.model.policies[0]?.statements[0]?.values('Resource') ?? [];
    const [resolved] = resource?.resolved ?? [];
    expect(resolved?.segments.length).toBe(200_000);
    expect(resolved?.segments.slice(0, 2)).toEqual([
      { kind: 'hole', label: '${AWS::Region}', source: { kind: 'pseudo', name: 'AWS::Region' } },
      { kind: 'text', text: '-' },
    ]);
  });
});

describe('long keys', () => {
  it('reports a 40,000-character upper-case statement key once, as an unknown element', () => {
    const key = 'A'.repeat(40_000);
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', [key]: 'x' }],
    });
    const found = analyze(text, { catalog: testCatalog(), fileName: 'p.json' }).findings.filter(
      (f) => f.rule === 'policy-structure',
    );
    expect(found.map((f) => [f.start, f.end - f.start])).toEqual([
      [text.indexOf(`"${key}"`), key.length + 2],
    ]);
  });
});
