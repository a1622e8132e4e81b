import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  DiagnosticSeverity,
  DocumentDiagnosticRequest,
  HoverRequest,
  TextDocumentEdit,
  type CodeAction,
  type Diagnostic,
  type MarkupContent,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { describe, expect, it } from 'vitest';
import { clientPerTest, SERVER, type Transport } from './harness';

const DOCS = 'https://github.com/scopewise/scopewise/blob/main/docs/rules/';

const POLICY = `{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*"
    }
  ]
}
`;

/** The exact diagnostics for POLICY, starting `shift` lines further down. */
function policyDiagnostics(shift: number, version: number): Diagnostic[] {
  const diagnostic = (
    rule: string,
    severity: DiagnosticSeverity,
    range: Range,
    message: RegExp,
  ): Diagnostic =>
    ({
      range,
      severity,
      source: 'scopewise',
      code: rule,
      codeDescription: { href: `${DOCS}${rule}.md` },
      message: expect.stringMatching(message) as unknown as string,
      data: expect.objectContaining({ version }) as unknown,
    }) as Diagnostic;
  const at = (line: number, start: number, end: number): Range => ({
    start: { line, character: start },
    end: { line, character: end },
  });
  return [
    ...(shift === 0
      ? [diagnostic('policy-version', DiagnosticSeverity.Information, at(0, 0, 1), /no "Version"/)]
      : []),
    diagnostic(
      'passrole-unscoped',
      DiagnosticSeverity.Error,
      at(4 + shift, 16, 30),
      /iam:PassRole/,
    ),
    // `iam:PassRole` on "*" is one risk with one finding: wildcard-resource leaves it to this rule.
  ];
}

/** Applies a code action's edit to `text`, as an editor would. */
function applyAction(
  text: string,
  uri: string,
  action: CodeAction,
): { text: string; edits: TextEdit[] } {
  const change = action.edit?.documentChanges?.[0];
  if (!change || !TextDocumentEdit.is(change) || change.textDocument.uri !== uri) {
    throw new Error(`Code action "${action.title}" has no edit for ${uri}`);
  }
  const edits = change.edits as TextEdit[];
  return { text: TextDocument.applyEdits(TextDocument.create(uri, 'json', 0, text), edits), edits };
}

/** The edits as incremental changes: from the last edit backwards, so earlier ranges stay valid. */
function asChanges(edits: TextEdit[]): { range: Range; text: string }[] {
  return [...edits]
    .sort(
      (a, b) =>
        b.range.start.line - a.range.start.line ||
        b.range.start.character - a.range.start.character,
    )
    .map((edit) => ({ range: edit.range, text: edit.newText }));
}

/** The start and end positions of the `occurrence`th `needle` in `text`. */
function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`"${needle}" not found`);
  const document = TextDocument.create('file:///x', 'yaml', 0, text);
  return { start: document.positionAt(index), end: document.positionAt(index + needle.length) };
}

const start = clientPerTest();

describe.each<Transport>(['stdio', 'ipc'])('language server over %s', (transport) => {
  it('advertises its capabilities and exits cleanly after shutdown', async () => {
    const client = start({ transport });
    const result = await client.initialize();
    expect(result.serverInfo).toEqual({ name: 'scopewise', version: expect.any(String) });
    expect(result.capabilities).toMatchObject({
      textDocumentSync: { openClose: true, change: 2 },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.scopewise'] },
      diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false },
    });
    expect(result.capabilities.completionProvider?.triggerCharacters).toContain(':');
    expect(result.capabilities.documentSymbolProvider).toBeTruthy();
    expect(await client.shutdown()).toBe(0);
  });

  it('publishes exact diagnostics and a status, fixes them, and hovers', async () => {
    const client = start({ transport });
    await client.initialize();
    const uri = client.uriOf('policy.json');
    await client.open(uri, POLICY);

    const published = await client.diagnosticsFor(uri, 1);
    expect(published.diagnostics).toEqual(policyDiagnostics(0, 1));
    expect(await client.statusFor(uri, 1)).toEqual({
      uri,
      kind: 'iam-policy',
      version: 1,
      findings: 2,
    });

    const versionDiagnostic = published.diagnostics[0];
    if (!versionDiagnostic) throw new Error('no policy-version diagnostic');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: versionDiagnostic.range,
      context: { diagnostics: [versionDiagnostic], only: ['quickfix'] },
    })) as CodeAction[];
    expect(actions.map((action) => [action.title, action.kind, action.isPreferred])).toEqual([
      ['Add "Version": "2012-10-17"', 'quickfix', true],
    ]);
    const [fix] = actions;
    if (!fix) throw new Error('no fix');
    expect(fix.diagnostics?.[0]?.code).toBe('policy-version');
    const applied = applyAction(POLICY, uri, fix);
    expect(applied.text).toBe(POLICY.replace('{\n', '{\n  "Version": "2012-10-17",\n'));

    const version = await client.change(uri, asChanges(applied.edits));
    const after = await client.diagnosticsFor(uri, version);
    expect(after.diagnostics).toEqual(policyDiagnostics(1, version));

    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 5, character: 20 },
    });
    const contents = hover?.contents as MarkupContent;
    expect(contents.kind).toBe('markdown');
    expect(contents.value).toContain('iam:PassRole');
    expect(contents.value).toContain('Write');
    expect(hover?.range).toEqual({
      start: { line: 5, character: 16 },
      end: { line: 5, character: 30 },
    });
    expect(await client.shutdown()).toBe(0);
  });

  it('reports YAML CloudFormation findings at their nodes, next to short-form tags', async () => {
    const client = start({ transport });
    await client.initialize();
    const uri = client.uriOf('template.yaml');
    const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Bucket:
    Type: String
Resources:
  BuildRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: codebuild.amazonaws.com }
            Action: sts:AssumeRole
  DeployPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: !Sub '\${AWS::StackName}-deploy'
      Roles:
        - !Ref BuildRole
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: iam:PassRole
            Resource: '*'
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Sub 'arn:\${AWS::Partition}:s3:::\${Bucket}/*'
`;
    await client.open(uri, template);
    const published = await client.diagnosticsFor(uri, 1);
    expect(
      published.diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: d.range })),
    ).toEqual([
      {
        code: 'policy-version',
        severity: DiagnosticSeverity.Information,
        range: rangeOf(template, 'PolicyDocument', 1),
      },
      {
        code: 'passrole-unscoped',
        severity: DiagnosticSeverity.Error,
        range: rangeOf(template, 'iam:PassRole'),
      },
    ]);
    expect((await client.statusFor(uri, 1)).kind).toBe('cloudformation');

    // YAML can hold the suppression comment, so "disable for this line" is offered.
    const passRole = published.diagnostics[1];
    if (!passRole) throw new Error('no passrole-unscoped diagnostic');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: passRole.range,
      context: { diagnostics: [passRole], only: ['quickfix'] },
    })) as CodeAction[];
    const disable = actions.find((a) => a.title === 'Disable passrole-unscoped for this line');
    if (!disable) throw new Error(`no disable action in ${actions.map((a) => a.title).join(', ')}`);
    const applied = applyAction(template, uri, disable);
    expect(applied.text).toContain(
      '          - Effect: Allow\n            # scopewise-disable-next-line passrole-unscoped\n            Action: iam:PassRole\n',
    );
    const version = await client.change(uri, asChanges(applied.edits));
    const after = await client.diagnosticsFor(uri, version);
    expect(after.diagnostics.map((d) => d.code)).toEqual(['policy-version']);
    expect(await client.shutdown()).toBe(0);
  });

  it('reports garbage as a parse error in a policy and keeps answering', async () => {
    const client = start({ transport });
    await client.initialize();
    const uri = client.uriOf('broken.json');
    await client.open(uri, POLICY);
    await client.diagnosticsFor(uri, 1);

    const garbage = [
      'PK\u0003\u0004\u0014\u0000\u0008\u0000\u0000\u0000\u00ff\ufffd\ud800',
      '{{{{',
      '['.repeat(20_000),
      POLICY.slice(0, 40),
    ];
    for (const text of garbage) {
      const version = await client.change(uri, [{ text }]);
      const published = await client.diagnosticsFor(uri, version);
      expect(published.diagnostics.map((d) => d.code)).toContain('parse-error');
      for (const d of published.diagnostics) {
        expect(d.range.end.line * 1e6 + d.range.end.character).toBeGreaterThan(
          d.range.start.line * 1e6 + d.range.start.character,
        );
      }
      const hover = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: 0, character: 2 },
      });
      expect(hover === null || typeof hover === 'object').toBe(true);
    }
    const repaired = await client.change(uri, [{ text: POLICY }]);
    expect((await client.diagnosticsFor(uri, repaired)).diagnostics).toEqual(
      policyDiagnostics(0, repaired),
    );
    expect(await client.shutdown()).toBe(0);
  });

  it('stays quiet about garbage that never was one of its documents', async () => {
    const client = start({ transport });
    await client.initialize();
    const texts = ['\u0000\u0001\u0002binary\u00ff', '{{{{', '['.repeat(20_000)];
    for (const [index, text] of texts.entries()) {
      const uri = client.uriOf(`garbage-${index}.json`);
      await client.open(uri, text);
      expect((await client.diagnosticsFor(uri, 1)).diagnostics).toEqual([]);
      expect((await client.statusFor(uri, 1)).kind).toBe('unknown');
    }
    // Partly parsed, recognisably a policy: the parse error is reported from the start.
    const uri = client.uriOf('truncated.json');
    await client.open(uri, '{"Statement": [{{{{');
    const codes = (await client.diagnosticsFor(uri, 1)).diagnostics.map((d) => d.code);
    expect(codes).toContain('parse-error');
    expect(await client.shutdown()).toBe(0);
  });

  it('answers pull diagnostics and does not push to a client that pulls', async () => {
    const client = start({ transport, pull: true });
    await client.initialize();
    const uri = client.uriOf('pulled.json');
    await client.open(uri, POLICY);
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
    });
    if (report.kind !== 'full') throw new Error('expected a full report');
    expect(report.items).toEqual(policyDiagnostics(0, 1));
    expect(await client.statusFor(uri, 1)).toMatchObject({ kind: 'iam-policy', findings: 2 });

    const again = await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
      previousResultId: report.resultId,
    });
    expect(again).toEqual({ kind: 'unchanged', resultId: report.resultId });
    // Every answer above came after any push the open could have caused.
    expect(client.diagnostics.all).toEqual([]);
    expect(await client.shutdown()).toBe(0);
  });
});

describe('language server without a transport flag', () => {
  it('speaks LSP over stdio', async () => {
    const client = start({ transport: 'default' });
    const result = await client.initialize();
    expect(result.serverInfo?.name).toBe('scopewise');
    expect(await client.shutdown()).toBe(0);
  });
});

describe('language server on a stream it cannot read', () => {
  it.each([
    { transport: '--stdio', flags: ['--stdio'] },
    { transport: 'no flag', flags: [] },
  ])('exits with code 1 after a broken Content-Length header ($transport)', async ({ flags }) => {
    const child = spawn(process.execPath, [SERVER, ...flags], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const exited = once(child, 'exit');
    // Stdin stays open: the broken header alone must end the server, so that the client restarts it.
    child.stdin.write('Content-Length: abc\r\n\r\n{}');
    const [code] = (await exited) as [number | null];
    child.stdin.destroy();
    expect(code).toBe(1);
    expect(stderr).toBe(
      "scopewise-language-server: cannot read the client's messages (a broken header or body); exiting.\n",
    );
  });
});
