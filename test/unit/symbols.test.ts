import { describe, expect, it } from 'vitest';
import { analyze, documentSymbols, type DocumentSymbol } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';

const catalog = testCatalog();

/** The symbol tree with ranges shown as the text they cover, for exact comparison. */
interface Shown {
  name: string;
  detail?: string;
  kind: string;
  selection: string;
  text?: string;
  children?: Shown[];
}

function show(text: string, symbols: readonly DocumentSymbol[], withText = false): Shown[] {
  return symbols.map((symbol) => ({
    name: symbol.name,
    ...(symbol.detail === undefined ? {} : { detail: symbol.detail }),
    kind: symbol.kind,
    selection: text.slice(symbol.selection.start, symbol.selection.end),
    ...(withText ? { text: text.slice(symbol.start, symbol.end) } : {}),
    ...(symbol.children.length > 0 ? { children: show(text, symbol.children, withText) } : {}),
  }));
}

function outline(text: string, fileName: string, withText = false): Shown[] {
  return show(text, documentSymbols(analyze(text, { catalog, fileName })), withText);
}

describe('document symbols', () => {
  it('lists a policy statements by Sid, else by number, with effect and actions', () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetObjectTagging", "s3:GetBucketTagging"], "Resource": "*" },
    { "Effect": "Deny", "NotAction": "iam:*", "Resource": "*" }
  ]
}
`;
    expect(outline(text, 'policy.json', true)).toEqual([
      {
        name: 'Read',
        detail: 'Allow · s3:GetObject, s3:ListBucket, s3:GetObjectTagging +1',
        kind: 'statement',
        selection: '"Read"',
        text: text.split('\n')[3]?.trim().replace(/,$/, ''),
      },
      {
        name: 'Statement 2',
        detail: 'Deny · NotAction iam:*',
        kind: 'statement',
        selection: '"Effect"',
        text: '{ "Effect": "Deny", "NotAction": "iam:*", "Resource": "*" }',
      },
    ]);
  });

  it('lists template resources by logical id with their policies statements as children', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - Sid: ReadBucket
                Effect: Allow
                Action: [s3:GetObject, !Ref Extra]
                Resource: '*'
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Deny
            NotAction: iam:*
            Resource: '*'
`;
    expect(outline(text, 'template.yaml')).toEqual([
      { name: 'Bucket', detail: 'AWS::S3::Bucket', kind: 'resource', selection: 'Bucket' },
      {
        name: 'Role',
        detail: 'AWS::IAM::Role',
        kind: 'resource',
        selection: 'Role',
        children: [
          {
            name: 'AssumeRolePolicyDocument',
            kind: 'policy',
            selection: 'AssumeRolePolicyDocument',
            children: [
              {
                name: 'Statement 1',
                detail: 'Allow · sts:AssumeRole',
                kind: 'statement',
                selection: 'Effect',
              },
            ],
          },
          {
            name: 'read',
            detail: 'Policies[0].PolicyDocument',
            kind: 'policy',
            selection: 'PolicyDocument',
            children: [
              {
                name: 'ReadBucket',
                detail: 'Allow · s3:GetObject, (unresolved)',
                kind: 'statement',
                selection: 'ReadBucket',
              },
            ],
          },
        ],
      },
      {
        name: 'Managed',
        detail: 'AWS::IAM::ManagedPolicy',
        kind: 'resource',
        selection: 'Managed',
        children: [
          {
            name: 'Statement 1',
            detail: 'Deny · NotAction iam:*',
            kind: 'statement',
            selection: 'Effect',
          },
        ],
      },
    ]);
  });

  it('keeps every range inside its parent, and the selection inside the range', () => {
    const text = `{"Resources": {"R": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}}}`;
    const check = (symbols: readonly DocumentSymbol[], parent: { start: number; end: number }) => {
      for (const symbol of symbols) {
        expect(symbol.start).toBeGreaterThanOrEqual(parent.start);
        expect(symbol.end).toBeLessThanOrEqual(parent.end);
        expect(symbol.selection.start).toBeGreaterThanOrEqual(symbol.start);
        expect(symbol.selection.end).toBeLessThanOrEqual(symbol.end);
        check(symbol.children, symbol);
      }
    };
    const symbols = documentSymbols(analyze(text, { catalog, fileName: 't.json' }));
    expect(symbols.map((s) => s.name)).toEqual(['R']);
    check(symbols, { start: 0, end: text.length });
  });

  it('outlines pipelines: stages and actions, under their template resource', () => {
    const text = `Resources:
  Pipe:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Stages:
        - Name: Source
          Actions:
            - Name: Fetch
              ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: '1' }
`;
    expect(outline(text, 'template.yaml')).toEqual([
      {
        name: 'Pipe',
        detail: 'AWS::CodePipeline::Pipeline',
        kind: 'resource',
        selection: 'Pipe',
        children: [
          {
            name: 'Source',
            detail: '',
            kind: 'stage',
            selection: 'Source',
            children: [{ name: 'Fetch', detail: 'Source/S3', kind: 'action', selection: 'Fetch' }],
          },
        ],
      },
    ]);
  });

  it('returns nothing for unknown documents and survives broken ones', () => {
    expect(outline('{"name": "x"}', 'x.json')).toEqual([]);
    expect(outline('Statement:\n  - Effect: [\n', 'p.yaml')).toEqual([
      { name: 'Statement 1', detail: 'Effect?', kind: 'statement', selection: 'Effect' },
    ]);
  });
});
