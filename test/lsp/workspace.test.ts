import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CancellationTokenSource,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  FileChangeType,
  WorkDoneProgress,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { describe, expect, it } from 'vitest';
import { clientPerTest } from './harness';

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }]
}
`;
const CLEAN = `{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k" }]
}
`;

const start = clientPerTest();

function write(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('config file diagnostics', () => {
  it('puts the problem on the bad value of a config that is not open, and clears it when fixed', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const config = client.uriOf('.scopewise.json');
    const text = '{\n  "rules": {\n    "wildcard-resource": "loud"\n  }\n}\n';
    writeFileSync(join(client.workspace, '.scopewise.json'), text);
    await client.fileChanged(config, FileChangeType.Created);
    const published = await client.diagnostics.next(
      'a diagnostic on .scopewise.json',
      (p) => p.uri === config && p.diagnostics.length > 0,
    );
    expect(published.diagnostics).toHaveLength(1);
    const [diagnostic] = published.diagnostics;
    expect(diagnostic).toMatchObject({
      source: 'scopewise',
      code: 'config',
      severity: 1,
      range: { start: { line: 2, character: 25 }, end: { line: 2, character: 31 } },
    });
    expect(diagnostic?.message).toContain('"wildcard-resource" has severity "loud"');
    const message = await client.messages.next('a showMessage', () => true);
    expect(message.message).toContain('.scopewise.json');

    // Documents analysed with the broken config report it again: no second message.
    const policy = client.uriOf('policy.json');
    await client.open(policy, POLICY);
    await client.diagnosticsFor(policy, 1);
    expect(client.messages.all).toHaveLength(1);

    const since = client.diagnostics.mark();
    writeFileSync(
      join(client.workspace, '.scopewise.json'),
      '{ "rules": { "policy-version": "off" } }',
    );
    await client.fileChanged(config, FileChangeType.Changed);
    const cleared = await client.diagnostics.next(
      'the config diagnostic to clear',
      (p) => p.uri === config,
      since,
    );
    expect(cleared.diagnostics).toEqual([]);
    expect(await client.shutdown()).toBe(0);
  });

  it('puts the problem of an oversized config at its start, reading no more than the limit', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const config = client.uriOf('.scopewise.json');
    writeFileSync(
      join(client.workspace, '.scopewise.json'),
      `{ "exclude": [${' '.repeat(2 * 1024 * 1024)}] }`,
    );
    await client.fileChanged(config, FileChangeType.Created);
    const published = await client.diagnostics.next(
      'a diagnostic on .scopewise.json',
      (p) => p.uri === config && p.diagnostics.length > 0,
    );
    expect(published.diagnostics.map((d) => [d.code, d.range.start, d.range.end])).toEqual([
      ['config', { line: 0, character: 0 }, { line: 0, character: 0 }],
    ]);
    expect(published.diagnostics[0]?.message).toContain('is larger than 1,048,576 bytes (1 MiB)');
    expect(await client.shutdown()).toBe(0);
  });

  it('marks unknown keys and syntax errors, also in a config found through a document', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    write(client.workspace, 'nested/.scopewise.json', '{ "rulez": {} }');
    const policy = client.uriOf('nested/policy.json');
    await client.open(policy, POLICY);
    const config = client.uriOf('nested/.scopewise.json');
    const unknownKey = await client.diagnostics.next('the unknown key', (p) => p.uri === config);
    expect(unknownKey.diagnostics[0]?.range).toEqual({
      start: { line: 0, character: 2 },
      end: { line: 0, character: 9 },
    });

    // Saved with a syntax error, while open in the editor: still the config's own diagnostic.
    write(client.workspace, 'nested/.scopewise.json', '{\n  "rules": {,}\n}');
    await client.open(config, '{\n  "rules": {,}\n}');
    const since = client.diagnostics.mark();
    await client.connection.sendNotification('textDocument/didSave', {
      textDocument: { uri: config },
    });
    const syntax = await client.diagnostics.next(
      'the syntax error',
      (p) => p.uri === config,
      since,
    );
    expect(syntax.diagnostics[0]?.message).toContain('not valid JSON');
    expect(syntax.diagnostics[0]?.range.start).toEqual({ line: 1, character: 12 });
    expect(
      client.diagnostics.all.filter((p) => p.uri === config && p.diagnostics.length === 0),
    ).toEqual([]);

    const deleted = client.diagnostics.mark();
    unlinkSync(join(client.workspace, 'nested/.scopewise.json'));
    await client.fileChanged(config, FileChangeType.Deleted);
    const gone = await client.diagnostics.next(
      'a cleared config',
      (p) => p.uri === config,
      deleted,
    );
    expect(gone.diagnostics).toEqual([]);
    expect(await client.shutdown()).toBe(0);
  });
});

describe('scopewise.scanWorkspace', () => {
  it('publishes the problems of closed files, with progress, honouring .gitignore and exclusions', async () => {
    const client = start({
      transport: 'stdio',
      settings: () => ({ files: { exclude: ['skipped/**'] } }),
    });
    await client.initialize();
    const root = client.workspace;
    mkdirSync(join(root, '.git'));
    write(root, '.gitignore', 'ignored/\n');
    write(root, '.scopewise.json', '{ "exclude": ["vendor"] }');
    for (const path of ['a/policy.json', 'ignored/p.json', 'vendor/p.json', 'skipped/p.json']) {
      write(root, path, POLICY);
    }
    write(root, 'a/clean.json', CLEAN);
    write(root, 'b/template.yaml', 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    // Open with unsaved problems: the summary counts the editor's text, not the file's.
    write(root, 'open.json', CLEAN);
    const open = client.uriOf('open.json');
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: open, languageId: 'json', version: 1, text: POLICY },
    });
    await client.diagnosticsFor(open, 1);

    const token = 'scan-1';
    const progress: (WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd)[] = [];
    client.connection.onProgress(WorkDoneProgress.type, token, (value) => progress.push(value));
    const since = client.diagnostics.mark();
    const summary: unknown = await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: 'scopewise.scanWorkspace',
      workDoneToken: token,
    });
    expect(summary).toEqual({ files: 4, filesWithProblems: 2, problems: 2, cancelled: false });
    const pushed = client.diagnostics.all.slice(since);
    expect(pushed.map((p) => p.uri)).toEqual([client.uriOf('a/policy.json')]);
    expect(pushed[0]?.diagnostics.map((d) => d.code)).toEqual(['passrole-unscoped']);
    expect(pushed[0]?.diagnostics[0]?.data).toBeUndefined();
    expect(progress[0]).toMatchObject({ kind: 'begin', cancellable: true, percentage: 0 });
    expect(progress.at(-1)).toEqual({ kind: 'end' });
    expect(progress.filter((p) => p.kind === 'report').map((p) => p.percentage)).toEqual([
      0, 25, 50, 75,
    ]);

    // Fixed on disk and scanned again: the file's problems are cleared.
    write(root, 'a/policy.json', CLEAN);
    const again = client.diagnostics.mark();
    await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: 'scopewise.scanWorkspace',
      arguments: [{ include: ['a/**'] }],
    });
    const cleared = client.diagnostics.all.slice(again);
    expect(cleared).toEqual([{ uri: client.uriOf('a/policy.json'), diagnostics: [] }]);
    expect(await client.shutdown()).toBe(0);
  });

  it('reads each file only up to the size limit, and says "more than" of one it cut', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    write(client.workspace, '.scopewise.json', '{ "maxFileSize": 1000 }');
    write(client.workspace, 'big.json', `${POLICY}${' '.repeat(5000)}`);
    const since = client.diagnostics.mark();
    const summary: unknown = await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: 'scopewise.scanWorkspace',
    });
    expect(summary).toEqual({ files: 1, filesWithProblems: 1, problems: 1, cancelled: false });
    expect(
      client.diagnostics.all.slice(since).map((p) => p.diagnostics.map((d) => [d.code, d.message])),
    ).toEqual([
      [
        [
          'file-too-large',
          'The file has more than 1,000 characters, the limit, so it was not analysed. Raise "maxFileSize" in .scopewise.json to analyse it.',
        ],
      ],
    ]);
    expect(await client.shutdown()).toBe(0);
  });

  it('stops when the request is cancelled, publishing nothing more', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    for (const name of ['one', 'two', 'three']) write(client.workspace, `${name}.json`, POLICY);
    const since = client.diagnostics.mark();
    const source = new CancellationTokenSource();
    const request = client.connection.sendRequest(
      ExecuteCommandRequest.type,
      { command: 'scopewise.scanWorkspace' },
      source.token,
    );
    // Cancelled at once: the server sees it while it asks for the folder's settings.
    source.cancel();
    const outcome: unknown = await request.then(
      (summary: unknown) => summary,
      (error: { code?: number }) => error.code,
    );
    // Either the partial summary, or the protocol's RequestCancelled error.
    if (typeof outcome === 'number') expect(outcome).toBe(-32800);
    else expect(outcome).toMatchObject({ files: 0, cancelled: true });
    expect(client.diagnostics.all.slice(since)).toEqual([]);
    expect(await client.shutdown()).toBe(0);
  });
});
