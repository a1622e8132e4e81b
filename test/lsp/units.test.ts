import { join } from 'node:path';
import { LSPErrorCodes } from 'vscode-languageserver';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisPool, MAX_CACHED_ANALYSES } from '../../server/src/lsp/analysis-pool';
import type { DocumentSnapshot } from '../../server/src/lsp/document-analysis';
import type { DocumentSettings } from '../../server/src/lsp/settings';
import { ensureBuilt, REPO_ROOT } from './harness';
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

describe('analysis pool', () => {
  beforeAll(ensureBuilt);
  const pools: AnalysisPool[] = [];
  afterEach(() => {
    for (const pool of pools.splice(0)) pool.dispose();
  });

  const settings: DocumentSettings = {
    rules: new Map(),
    allowActions: [],
    maxSize: undefined,
    policyType: undefined,
    ignore: new Set(),
  };
  const start = (analysed: string[]) => {
    const pool = new AnalysisPool(
      {
        prepare: (snapshot) => Promise.resolve({ snapshot, settings, explicit: false }),
        analysed: (key) => analysed.push(`${key.uri}@${key.version}`),
        log: () => undefined,
      },
      { script: join(REPO_ROOT, 'dist', 'analysis-worker.js') },
    );
    pools.push(pool);
    return pool;
  };
  const POLICY =
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}';
  const snapshot = (uri: string, version = 1, text = POLICY): DocumentSnapshot => ({
    uri,
    languageId: 'json',
    version,
    text,
  });
  /** 20,000 statements: seconds of work, up to the work budget. */
  const hostile = () =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: Array.from({ length: 20_000 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Allow',
        Action: ['s3:*', 'ec2:Describe*'],
        Resource: '*',
      })),
    });

  it('analyses each version once and keeps only the most recently used documents', async () => {
    const analysed: string[] = [];
    const pool = start(analysed);
    const uris = Array.from({ length: MAX_CACHED_ANALYSES + 1 }, (_, i) => `file:///p${i}.json`);
    for (const uri of uris) await pool.request(snapshot(uri), { kind: 'diagnostics' });
    await pool.request(snapshot(uris[MAX_CACHED_ANALYSES] as string), {
      kind: 'hover',
      position: { line: 0, character: 70 },
    });
    expect(analysed).toHaveLength(MAX_CACHED_ANALYSES + 1);
    expect(pool.heldCount).toBe(MAX_CACHED_ANALYSES);
    // The first document was the least recently used one, so it was dropped and is analysed again.
    await pool.request(snapshot(uris[0] as string), { kind: 'symbols', hierarchical: true });
    expect(analysed.at(-1)).toBe('file:///p0.json@1');
    expect(analysed).toHaveLength(MAX_CACHED_ANALYSES + 2);
    await pool.request(snapshot(uris[0] as string, 2), { kind: 'diagnostics' });
    expect(analysed.at(-1)).toBe('file:///p0.json@2');
    // Ordinary documents never need a second worker.
    expect(pool.workerCount).toBe(1);
  });

  it('answers another document while one is being analysed', async () => {
    const analysed: string[] = [];
    const pool = start(analysed);
    const order: string[] = [];
    const costly = pool
      .request(snapshot('file:///hostile.json', 1, hostile()), { kind: 'diagnostics' })
      .then(() => order.push('hostile'));
    const hover = await pool.request(snapshot('file:///small.json'), {
      kind: 'hover',
      position: { line: 0, character: 70 },
    });
    order.push('small');
    // The first worker said the document was heavy, so a second one answered the hover.
    expect(pool.workerCount).toBe(2);
    await costly;
    expect(order).toEqual(['small', 'hostile']);
    expect(JSON.stringify(hover)).toContain('s3:*');
  });

  it('stops the analysis of a document that is closed, and keeps nothing of it', async () => {
    const analysed: string[] = [];
    const pool = start(analysed);
    const request = pool.request(snapshot('file:///hostile.json', 1, hostile()), {
      kind: 'diagnostics',
    });
    while (!pool.analysing.includes('file:///hostile.json@1')) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    pool.delete('file:///hostile.json');
    await expect(request).rejects.toMatchObject({ code: LSPErrorCodes.ContentModified });
    expect([analysed, pool.heldCount]).toEqual([[], 0]);
  });

  it('stops the running analysis of a version the user has typed past', async () => {
    const analysed: string[] = [];
    const pool = start(analysed);
    const text = hostile();
    const first = pool.request(snapshot('file:///hostile.json', 1, text), { kind: 'diagnostics' });
    while (!pool.analysing.includes('file:///hostile.json@1')) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const second = pool.request(snapshot('file:///hostile.json', 2, POLICY), {
      kind: 'diagnostics',
    });
    await expect(first).rejects.toMatchObject({ code: LSPErrorCodes.ContentModified });
    expect((await second).map((d) => d.code)).toEqual(['wildcard-action', 'wildcard-resource']);
    expect(analysed).toEqual(['file:///hostile.json@2']);
    // An older version asked for after a newer one is stale at once.
    await expect(
      pool.request(snapshot('file:///hostile.json', 1, text), { kind: 'diagnostics' }),
    ).rejects.toMatchObject({ code: LSPErrorCodes.ContentModified });
  });
});
