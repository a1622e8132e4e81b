import {
  CompletionRequest,
  DocumentSymbolRequest,
  InsertTextFormat,
  SymbolKind,
  type ClientCapabilities,
  type CompletionList,
  type DocumentSymbol,
  type SymbolInformation,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { describe, expect, it } from 'vitest';
import { clientPerTest } from './harness';

const start = clientPerTest();

/** A client that takes snippets and hierarchical symbols. */
const RICH: ClientCapabilities = {
  workspace: { configuration: true },
  textDocument: {
    completion: { completionItem: { snippetSupport: true } },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:Get"],
      "Resource": ""
    }
  ]
}
`;

describe('language features over the real server', () => {
  it('advertises completion and document symbols', async () => {
    const client = start({ transport: 'stdio' });
    const result = await client.initialize(RICH);
    expect(result.capabilities.completionProvider).toEqual({
      triggerCharacters: [':', '"', "'"],
      resolveProvider: false,
    });
    expect(result.capabilities.documentSymbolProvider).toEqual({ label: 'Scopewise' });
    expect(await client.shutdown()).toBe(0);
  });

  it('completes actions and ARN snippets in a JSON policy', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize(RICH);
    const uri = client.uriOf('policy.json');
    await client.open(uri, POLICY);

    // Line 6 is `      "Action": ["s3:Get"],`; the cursor sits after `s3:Get`.
    const actions = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line: 6, character: 24 },
    })) as CompletionList;
    expect(actions.isIncomplete).toBe(false);
    const getObject = actions.items.find((item) => item.label === 's3:GetObject');
    expect(getObject).toMatchObject({
      detail: 'Read',
      textEdit: {
        range: { start: { line: 6, character: 18 }, end: { line: 6, character: 24 } },
        newText: 's3:GetObject',
      },
      insertTextFormat: InsertTextFormat.PlainText,
    });
    expect(actions.items[0]?.label).toBe('s3:Get*');
    // Ranked by how many AWS managed policies name each action (the bundled usage data).
    const bySortText = [...actions.items].sort((a, b) =>
      (a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1,
    );
    expect(bySortText.slice(0, 3).map((item) => item.label)).toEqual([
      's3:Get*',
      's3:GetObject',
      's3:GetBucketLocation',
    ]);

    // Line 7 is `      "Resource": ""`: the statement's action is still the unknown `s3:Get`.
    const none = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line: 7, character: 19 },
    })) as CompletionList;
    expect(none.items).toEqual([]);

    const version = await client.change(uri, [
      {
        range: { start: { line: 6, character: 18 }, end: { line: 6, character: 24 } },
        text: 'sqs:SendMessage',
      },
    ]);
    expect(version).toBe(2);
    const arns = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line: 7, character: 19 },
    })) as CompletionList;
    expect(arns.items).toEqual([
      expect.objectContaining({
        label: 'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}',
        filterText: 'arn:aws:sqs:${Region}:${Account}:${QueueName}',
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: {
          range: { start: { line: 7, character: 19 }, end: { line: 7, character: 19 } },
          newText: 'arn:aws:sqs:${1:Region}:${2:Account}:${3:QueueName}',
        } satisfies TextEdit,
      }),
    ]);
    expect(await client.shutdown()).toBe(0);
  });

  it('falls back to plain text and flat symbols for a plain client', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const uri = client.uriOf('policy.json');
    await client.open(uri, POLICY.replace('"s3:Get"', '"sqs:SendMessage"'));
    const arns = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line: 7, character: 19 },
    })) as CompletionList;
    expect(arns.items.map((item) => [item.insertTextFormat, item.textEdit?.newText])).toEqual([
      [InsertTextFormat.PlainText, 'arn:aws:sqs:${Region}:${Account}:${QueueName}'],
    ]);
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri },
    })) as SymbolInformation[];
    expect(symbols).toEqual([
      {
        name: 'Read',
        kind: SymbolKind.Struct,
        location: {
          uri,
          range: { start: { line: 3, character: 4 }, end: { line: 8, character: 5 } },
        },
      },
    ]);
    expect(await client.shutdown()).toBe(0);
  });

  it('outlines a YAML template: resources, then their statements', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize(RICH);
    const uri = client.uriOf('template.yaml');
    const template = `Resources:
  Queue:
    Type: AWS::SQS::Queue
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Sid: Send
            Effect: Allow
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
`;
    await client.open(uri, template);
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri },
    })) as DocumentSymbol[];
    const at = (line: number, start: number, endLine: number, end: number) => ({
      start: { line, character: start },
      end: { line: endLine, character: end },
    });
    expect(symbols).toEqual([
      {
        name: 'Queue',
        detail: 'AWS::SQS::Queue',
        kind: SymbolKind.Class,
        range: at(1, 2, 3, 0),
        selectionRange: at(1, 2, 1, 7),
        children: [],
      },
      {
        name: 'Policy',
        detail: 'AWS::IAM::ManagedPolicy',
        kind: SymbolKind.Class,
        range: at(3, 2, 12, 0),
        selectionRange: at(3, 2, 3, 8),
        children: [
          {
            name: 'Send',
            detail: 'Allow · sqs:SendMessage',
            kind: SymbolKind.Struct,
            range: at(8, 12, 12, 0),
            selectionRange: at(8, 17, 8, 21),
            children: [],
          },
        ],
      },
    ]);
    expect(await client.shutdown()).toBe(0);
  });
});
