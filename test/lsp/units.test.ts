import { describe, expect, it } from 'vitest';
import { engineFileName, filePathOf } from '../../server/src/lsp/document-path';
import { describeError, describeInternalError } from '../../server/src/lsp/guard';

describe('log redaction', () => {
  it('keeps the error class and frames but never the message, which may quote a document', () => {
    const error = new TypeError('Unexpected token in "AKIAABCDEFGHIJKLMNOP"');
    const described = describeError(error);
    expect(described).toMatch(/^TypeError\n\s+at /);
    expect(described).not.toContain('AKIA');
    expect(describeError('a secret string')).toBe('string');
  });

  it('keeps the rule id of an engine internal error', () => {
    const entry = `wildcard-action: ${new RangeError('secret ghp_abcdefghijklmnop').stack ?? ''}`;
    const described = describeInternalError(entry);
    expect(described).toMatch(/^wildcard-action: RangeError\n\s+at /);
    expect(described).not.toContain('ghp_');
  });
});

describe('document names', () => {
  it('reads file URIs as paths and gives untitled documents an extension from the language', () => {
    expect(filePathOf('file:///work/a%20b/policy.json')).toBe('/work/a b/policy.json');
    expect(filePathOf('untitled:Untitled-1')).toBeUndefined();
    expect(engineFileName('untitled:Untitled-1', 'yaml')).toBe('Untitled-1.yaml');
    expect(engineFileName('file:///work/template.yml', 'yaml')).toBe('/work/template.yml');
    expect(engineFileName('file:///work/Jenkinsfile', 'plaintext')).toBe('/work/Jenkinsfile');
  });
});
