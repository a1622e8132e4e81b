import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import {
  compileGlob,
  foldCase,
  Glob,
  globMatches,
  hasWildcard,
} from '../../server/src/analysis/iam/glob';
import { patternCovers } from '../../server/src/analysis/iam/statement';
import { testCatalog } from '../support/catalog';

describe('IAM wildcard matching', () => {
  const matches = (pattern: string, text: string) => globMatches(pattern, text);

  it('matches a run of any characters, none included, with *', () => {
    expect(matches('s3:Get*', 's3:GetObject')).toBe(true);
    expect(matches('s3:Get*', 's3:Get')).toBe(true);
    expect(matches('*Object', 's3:GetObject')).toBe(true);
    expect(matches('s3:*Object*', 's3:GetObjectAcl')).toBe(true);
    expect(matches('s3:Get*', 's3:PutObject')).toBe(false);
    expect(matches('a*b*c', 'abc')).toBe(true);
    expect(matches('a*b*c', 'acb')).toBe(false);
  });

  it('matches exactly one character with ?', () => {
    expect(matches('iam:Pass?ole', 'iam:PassRole')).toBe(true);
    expect(matches('iam:Pass?ole', 'iam:Passole')).toBe(false);
    expect(matches('iam:Pass?ole', 'iam:PassRRole')).toBe(false);
    expect(matches('???', 'abc')).toBe(true);
    expect(matches('???', 'ab')).toBe(false);
    expect(matches('?*', '')).toBe(false);
    expect(matches('?*', 'a')).toBe(true);
  });

  it('folds ASCII case unless asked not to', () => {
    expect(matches('IAM:passrole', 'iam:PassRole')).toBe(true);
    expect(matches('iam:PASS*', 'iam:PassRole')).toBe(true);
    expect(globMatches('iam:PASS*', 'iam:PassRole', false)).toBe(false);
    expect(globMatches('iam:Pass*', 'iam:PassRole', false)).toBe(true);
    // Other characters match only themselves, as with a regular expression's `i` flag: the
    // Kelvin sign is not a `k`, and `é` is not `e`.
    expect(matches('s3:\u212Aey', 's3:key')).toBe(false);
    expect(matches('caf\u00e9', 'cafe')).toBe(false);
    expect(foldCase('GetObject\u212A\u00c9')).toBe('getobject\u212A\u00c9');
    // Texts folded beforehand (the catalog folds its names once) skip the folding.
    expect(compileGlob('S3:GET*').testFolded('s3:getobject')).toBe(true);
  });

  it('handles the empty pattern and patterns of stars only', () => {
    expect(matches('', '')).toBe(true);
    expect(matches('', 'a')).toBe(false);
    expect(matches('*', '')).toBe(true);
    expect(matches('*', 'anything at all')).toBe(true);
    expect(matches('***', '')).toBe(true);
    expect(matches('**a**', 'a')).toBe(true);
    expect(matches('**a**', 'b')).toBe(false);
  });

  it('rejects texts shorter than the pattern needs', () => {
    expect(matches('abcdef', 'abc')).toBe(false);
    expect(matches('a*bcdef', 'abc')).toBe(false);
    expect(matches('*?*?*?*?', 'abc')).toBe(false);
    expect(matches('*?*?*?*?', 'abcd')).toBe(true);
    // The anchored ends must not overlap: "ab" is too short for "ab*ab".
    expect(matches('ab*ab', 'ab')).toBe(false);
    expect(matches('ab*ab', 'abab')).toBe(true);
  });

  it('treats every other character literally, line breaks and regular-expression syntax included', () => {
    expect(matches('a.c', 'abc')).toBe(false);
    expect(matches('a.c', 'a.c')).toBe(true);
    expect(matches('(a|b)+$', '(a|b)+$')).toBe(true);
    expect(matches('[a]\\', '[a]\\')).toBe(true);
    expect(matches('a*c', 'a\nc')).toBe(true);
    expect(matches('a?c', 'a\nc')).toBe(true);
  });

  it('says whether a text holds a wildcard', () => {
    expect(hasWildcard('s3:GetObject')).toBe(false);
    expect(hasWildcard('s3:Get*')).toBe(true);
    expect(hasWildcard('iam:Pass?ole')).toBe(true);
  });

  it('compiles each pattern once', () => {
    expect(compileGlob('s3:Get*')).toBe(compileGlob('s3:Get*'));
    expect(compileGlob('s3:Get*', false)).not.toBe(compileGlob('s3:Get*'));
  });

  /** The definition, tried every way: exponential, so only for short inputs. */
  function reference(pattern: string, text: string): boolean {
    if (pattern === '') return text === '';
    const [head, rest] = [pattern.charAt(0), pattern.slice(1)];
    if (head === '*') {
      for (let k = 0; k <= text.length; k++) if (reference(rest, text.slice(k))) return true;
      return false;
    }
    if (text === '') return false;
    return (head === '?' || head === text.charAt(0)) && reference(rest, text.slice(1));
  }

  const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const pattern = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '*', '?', '.'), maxLength: 9 });
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'B', '.'), maxLength: 9 });

  it('agrees with the definition on small inputs', () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(Glob.compile(p, { ignoreCase: false }).test(t)).toBe(reference(p, t));
        expect(Glob.compile(p, { ignoreCase: true }).test(t)).toBe(reference(lower(p), lower(t)));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the regular expressions it replaces on small inputs', () => {
    const oldRegExp = (glob: string) =>
      new RegExp(
        `^${[...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`,
        'i',
      );
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(globMatches(p, t)).toBe(oldRegExp(p).test(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers hostile patterns without backtracking', () => {
    // Each of these took the regular-expression matcher longer than the test timeout.
    const name = 'iam:AttachRolePolicyToTheRoleOfSomeoneElseEntirely';
    expect(matches(`*${'*?'.repeat(40)}!`, name)).toBe(false);
    expect(matches(`iam:${'*?'.repeat(40)}`, name)).toBe(true);
    expect(matches(`iam:${'*?'.repeat(47)}`, name)).toBe(false);
    expect(matches(`${'*a'.repeat(2000)}*`, 'a'.repeat(1999))).toBe(false);
    expect(matches(`${'*a'.repeat(2000)}*`, 'a'.repeat(2000))).toBe(true);
  });
});

describe('the catalog and statements match through the same matcher', () => {
  const catalog = testCatalog();

  it('expands action patterns, case-insensitively', () => {
    const names = (pattern: string) =>
      catalog.match(pattern).map((a) => `${a.service.prefix}:${a.name}`);
    expect(names('iam:Pass?ole')).toEqual(['iam:PassRole']);
    expect(names('IAM:passrole')).toEqual(['iam:PassRole']);
    expect(names('s*3:GetObjectAc?')).toEqual(['s3:GetObjectAcl']);
    expect(names('*:*?*?*?*?*?!')).toEqual([]);
    expect(names(`*:${'*?'.repeat(30)}!`)).toEqual([]);
    expect(catalog.match('*').length).toBe(catalog.actionCount);
    expect(catalog.match('*:*').length).toBe(catalog.actionCount);
  });

  it('remembers each distinct pattern, whatever its case', () => {
    expect(catalog.match('S3:Get*')).toBe(catalog.match('s3:get*'));
  });

  it('tells whether a pattern covers an action', () => {
    expect(patternCovers('iam:Pass*', 'iam:PassRole')).toBe(true);
    expect(patternCovers('IAM:PASSROLE', 'iam:PassRole')).toBe(true);
    expect(patternCovers(`iam:${'*?'.repeat(30)}!`, 'iam:PassRole')).toBe(false);
  });
});

describe('hostile patterns in policies (issue 13)', () => {
  const catalog = testCatalog();
  const policy = (statement: Record<string, unknown>) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
  const findings = (text: string) =>
    analyze(text, { catalog, fileName: 'hostile.json' }).findings.map((f) => [
      f.rule,
      f.start,
      f.message,
    ]);

  it('analyses the 97-byte policy that froze the CLI', () => {
    const text =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:*?*?*?*?*?!","Resource":"*"}]}';
    expect(text.length).toBe(97);
    expect(findings(text)).toEqual([
      [
        'unknown-action',
        64,
        `"*:*?*?*?*?*?!" matches no action in the IAM catalog of ${catalog.date}.`,
      ],
    ]);
  });

  it('analyses the same policy with 30 wildcard pairs', () => {
    const pattern = `*:${'*?'.repeat(30)}!`;
    expect(findings(policy({ Action: pattern, Resource: '*' }))).toEqual([
      [
        'unknown-action',
        64,
        `"${pattern}" matches no action in the IAM catalog of ${catalog.date}.`,
      ],
    ]);
  });

  it('reads a hostile NotAction through every rule that matches patterns', () => {
    const pattern = `iam:${'*?'.repeat(30)}!`;
    const found = findings(policy({ NotAction: pattern, Resource: '*' }));
    expect(found.map(([rule, start]) => [rule, start])).toEqual([
      ['allow-not-action', 55],
      ['passrole-unscoped', 55],
      ['privilege-escalation', 55],
      ['unknown-action', 67],
    ]);
    expect(found[3]?.[2]).toBe(
      `"${pattern}" matches no action in the IAM catalog of ${catalog.date}.`,
    );
  });

  it('analyses hostile ARN patterns', () => {
    // A bucket and key can hold anything `*?…!` stands for: nothing to report.
    const s3 = `arn:aws:s3:::${'*?'.repeat(12)}!`;
    expect(findings(policy({ Action: 's3:GetObject', Resource: s3 }))).toEqual([]);
    const deep = `arn:aws:s3:::*${'/*'.repeat(300)}`;
    expect(findings(policy({ Action: 's3:GetObject', Resource: deep }))).toEqual([]);
    // A role pattern that needs 30 characters or more is scoped: no escalation path opens.
    const role = `arn:aws:iam::*:role/${'*?'.repeat(30)}`;
    expect(findings(policy({ Action: 'iam:AttachRolePolicy', Resource: role }))).toEqual([]);
    const stars = `arn:aws:iam::111122223333:role/${'*a'.repeat(500)}!`;
    expect(
      findings(policy({ Action: ['iam:PassRole', 'iam:AttachRolePolicy'], Resource: stars })),
    ).toEqual([
      [
        'passrole-unscoped',
        65,
        '"iam:PassRole" names its roles but no "iam:PassedToService" condition limits which services they can be passed to.',
      ],
    ]);
  });
});
