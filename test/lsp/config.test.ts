import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidCloseTextDocumentNotification,
  FileChangeType,
  HoverRequest,
  MessageType,
  TextDocumentEdit,
  type CodeAction,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers';
import { clientPerTest } from './harness';

const POLICY = `{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["iam:PassRole", "s3:PutObject"],
      "Resource": "*"
    }
  ]
}
`;

const start = clientPerTest();

function codes(diagnostics: { code?: number | string }[]): (number | string | undefined)[] {
  return diagnostics.map((d) => d.code);
}

describe('language server configuration', () => {
  it('applies the nearest .scopewise.json and re-reads it when it changes', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const configFile = join(client.workspace, '.scopewise.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        rules: { 'wildcard-resource': 'off', 'policy-version': 'error' },
        ignore: [{ path: 'legacy/*.json', rule: 'passrole-unscoped' }],
      }),
    );
    mkdirSync(join(client.workspace, 'legacy'));
    const legacy = client.uriOf('legacy/old.json');
    const current = client.uriOf('current.json');
    await client.open(legacy, POLICY);
    await client.open(current, POLICY);
    const legacyDiagnostics = (await client.diagnosticsFor(legacy, 1)).diagnostics;
    expect(codes(legacyDiagnostics)).toEqual(['policy-version']);
    expect(legacyDiagnostics[0]?.severity).toBe(DiagnosticSeverity.Error);
    expect(codes((await client.diagnosticsFor(current, 1)).diagnostics)).toEqual([
      'policy-version',
      'passrole-unscoped',
    ]);

    writeFileSync(configFile, JSON.stringify({ rules: { 'passrole-unscoped': 'off' } }));
    const since = client.diagnostics.mark();
    await client.fileChanged(client.uriOf('.scopewise.json'), FileChangeType.Changed);
    const updated = await client.diagnosticsFor(current, 1, since);
    expect(codes(updated.diagnostics)).toEqual(['policy-version', 'wildcard-resource']);
    expect(updated.diagnostics[0]?.severity).toBe(DiagnosticSeverity.Information);
    expect(await client.shutdown()).toBe(0);
  });

  it('leaves an ignored rule out of diagnostics, hover, quick fixes and fix all, as --fix does', async () => {
    const client = start({ transport: 'stdio' });
    const defaults = client.defaultCapabilities();
    await client.initialize({
      ...defaults,
      textDocument: {
        ...defaults.textDocument,
        codeAction: {
          ...defaults.textDocument?.codeAction,
          resolveSupport: { properties: ['edit'] },
        },
      },
    });
    writeFileSync(
      join(client.workspace, '.scopewise.json'),
      JSON.stringify({ ignore: [{ path: 'p.json', rule: 'wildcard-resource' }] }),
    );
    const text =
      '{\n  "Statement": [\n    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }\n  ]\n}\n';
    writeFileSync(join(client.workspace, 'p.json'), text);
    const uri = client.uriOf('p.json');
    await client.open(uri, text);
    expect(codes((await client.diagnosticsFor(uri, 1)).diagnostics)).toEqual(['policy-version']);

    const star = { line: 2, character: text.split('\n')[2]?.indexOf('"*"') ?? 0 };
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: star.line, character: star.character + 1 },
    });
    expect((hover?.contents as MarkupContent | undefined)?.value ?? '').not.toContain(
      'wildcard-resource',
    );
    const atStar = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: star, end: { line: star.line, character: star.character + 3 } },
      context: { diagnostics: [], only: ['quickfix'] },
    })) as CodeAction[];
    expect(atStar).toEqual([]);

    const [fixAll, ...others] = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    expect(others).toEqual([]);
    expect(fixAll?.title).toBe('Fix all safe Scopewise problems (1)');
    expect(fixAll?.edit).toBeUndefined();
    const resolved = await client.connection.sendRequest(CodeActionResolveRequest.type, fixAll!);
    const change = resolved.edit?.documentChanges?.[0];
    if (!change || !TextDocumentEdit.is(change)) throw new Error('no document edit');
    const fixedInEditor = TextDocument.applyEdits(
      TextDocument.create(uri, 'json', 1, text),
      change.edits,
    );

    expect(runCli(['--fix', 'p.json'], { cwd: client.workspace }).status).toBe(0);
    expect(readFileSync(join(client.workspace, 'p.json'), 'utf8')).toBe(fixedInEditor);
    expect(fixedInEditor).toBe(text.replace('{\n', '{\n  "Version": "2012-10-17",\n'));
    // The ignored rule's unsafe fixes (scoping "*") are not applied either.
    writeFileSync(join(client.workspace, 'p.json'), text);
    runCli(['--fix-unsafe', 'p.json'], { cwd: client.workspace });
    expect(readFileSync(join(client.workspace, 'p.json'), 'utf8')).toBe(fixedInEditor);
    expect(await client.shutdown()).toBe(0);
  });

  it('shows an invalid config once and falls back to the defaults', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    writeFileSync(
      join(client.workspace, '.scopewise.json'),
      JSON.stringify({ rules: { 'no-such-rule': 'error' } }),
    );
    const first = client.uriOf('one.json');
    const second = client.uriOf('two.json');
    await client.open(first, POLICY);
    await client.open(second, POLICY);
    expect((await client.diagnosticsFor(first, 1)).diagnostics).toHaveLength(3);
    expect((await client.diagnosticsFor(second, 1)).diagnostics).toHaveLength(3);
    const message = await client.messages.next('a showMessage', () => true);
    expect(message.type).toBe(MessageType.Error);
    expect(message.message).toContain('.scopewise.json');
    expect(message.message).toContain('no-such-rule');
    expect(client.messages.all).toHaveLength(1);
    expect(client.logs.some((line) => line.includes('no-such-rule'))).toBe(true);
    expect(await client.shutdown()).toBe(0);
  });

  it('layers the client settings on top and re-analyses when they change', async () => {
    let severity = 'error';
    const client = start({
      transport: 'stdio',
      settings: () => ({ rules: { 'wildcard-resource': severity, 'not-a-rule': 'off' } }),
    });
    await client.initialize();
    const uri = client.uriOf('policy.json');
    await client.open(uri, POLICY);
    const before = (await client.diagnosticsFor(uri, 1)).diagnostics;
    expect(before.find((d) => d.code === 'wildcard-resource')?.severity).toBe(
      DiagnosticSeverity.Error,
    );

    severity = 'off';
    const since = client.diagnostics.mark();
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: null,
    });
    const after = await client.diagnosticsFor(uri, 1, since);
    expect(codes(after.diagnostics)).toEqual(['policy-version', 'passrole-unscoped']);
    expect(client.logs.some((line) => line.includes('not-a-rule'))).toBe(true);
    expect(await client.shutdown()).toBe(0);
  });
});

describe('language server editing behaviour', () => {
  it('publishes only the latest of several quick changes, and clears closed documents', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const uri = client.uriOf('typing.json');
    await client.open(uri, POLICY);
    await client.diagnosticsFor(uri, 1);
    const since = client.diagnostics.mark();
    // Sent in one go, like fast typing: the server sees them well within its debounce.
    const typing = client;
    const versions = await Promise.all(
      [...' \n\n \n'].map((character) =>
        typing.change(uri, [
          {
            range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } },
            text: character,
          },
        ]),
      ),
    );
    const version = Math.max(...versions);
    expect(version).toBe(6);
    await client.diagnosticsFor(uri, version, since);
    expect(client.diagnostics.all.slice(since).map((p) => p.version)).toEqual([version]);

    await client.connection.sendNotification(DidCloseTextDocumentNotification.type, {
      textDocument: { uri },
    });
    const cleared = await client.diagnostics.next(
      'cleared diagnostics',
      (p) => p.uri === uri && p.diagnostics.length === 0,
      since,
    );
    expect(cleared.version).toBeUndefined();
    expect(await client.shutdown()).toBe(0);
  });

  it('offers a fix-all action that applies the safe fixes only', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const uri = client.uriOf('fix-all.json');
    await client.open(uri, POLICY);
    await client.diagnosticsFor(uri, 1);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    expect(actions.map((a) => [a.title, a.kind])).toEqual([
      ['Fix all safe Scopewise problems (1)', 'source.fixAll.scopewise'],
    ]);
    const change = actions[0]?.edit?.documentChanges?.[0];
    if (!change || !TextDocumentEdit.is(change)) throw new Error('no document edit');
    expect(change.textDocument).toEqual({ uri, version: 1 });
    expect(change.edits.map((e) => e.newText)).toEqual(['"Version": "2012-10-17",\n  ']);
    expect(await client.shutdown()).toBe(0);
  });
});
