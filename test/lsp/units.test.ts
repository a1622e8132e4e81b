import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { AnalysisCache, MAX_CACHED_ANALYSES } from '../../server/src/lsp/analysis-cache';
import type { DocumentAnalysis } from '../../server/src/lsp/document-analysis';
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

describe('analysis cache', () => {
  it('analyses each version once and keeps only the most recently used documents', async () => {
    const computed: string[] = [];
    const cache = new AnalysisCache((snapshot) => {
      computed.push(`${snapshot.uri}@${snapshot.version}`);
      return Promise.resolve({} as DocumentAnalysis);
    });
    const docs = Array.from({ length: MAX_CACHED_ANALYSES + 1 }, (_, i) =>
      TextDocument.create(`file:///p${i}.json`, 'json', 1, '{}'),
    );
    for (const doc of docs) await cache.get(doc);
    await cache.get(docs[MAX_CACHED_ANALYSES] as TextDocument);
    expect(computed).toHaveLength(MAX_CACHED_ANALYSES + 1);
    // The first document was the least recently used one, so it was dropped and is analysed again.
    await cache.get(docs[0] as TextDocument);
    expect(computed.at(-1)).toBe('file:///p0.json@1');
    expect(computed).toHaveLength(MAX_CACHED_ANALYSES + 2);
    const next = TextDocument.update(docs[0] as TextDocument, [{ text: '{ }' }], 2);
    await cache.get(next);
    expect(computed.at(-1)).toBe('file:///p0.json@2');
  });
});
