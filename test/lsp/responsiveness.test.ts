/**
 * One costly document must not hold up the others (issue 13.7): the engine runs in analysis
 * workers. Tested by the order in which the server answers, never by time.
 */
import {
  HoverRequest,
  type Hover,
  type MarkupContent,
  type ResponseError,
} from 'vscode-languageserver-protocol/node';
import { describe, expect, it } from 'vitest';
import { clientPerTest, type TestClient } from './harness';

const start = clientPerTest();

const SMALL = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*" }
  ]
}
`;
/** Where `s3:PutObject` is in {@link SMALL}. */
const ON_ACTION = { line: 3, character: 40 };

/** 20,000 statements: seconds of analysis, until the work budget cuts it off. */
function hostile(): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: Array.from({ length: 20_000 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Allow',
        Action: ['s3:*', 'ec2:Describe*'],
        Resource: '*',
      })),
    },
    null,
    1,
  );
}

function hoverText(hover: Hover | null): string {
  return (hover?.contents as MarkupContent | undefined)?.value ?? '';
}

async function hoverOn(
  client: TestClient,
  uri: string,
  position = ON_ACTION,
): Promise<Hover | null> {
  return client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
}

describe('a costly document', () => {
  it('does not hold up a hover on another document while it is analysed', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const costly = client.uriOf('costly.json');
    const small = client.uriOf('small.json');
    await client.open(costly, hostile());
    await client.open(small, SMALL);
    const hover = await hoverOn(client, small);
    // Answered while the costly document's analysis is still running: nothing of it is out yet.
    const costlyOut = () =>
      client.diagnostics.all.some((p) => p.uri === costly) ||
      client.statuses.all.some((s) => s.uri === costly);
    expect(costlyOut()).toBe(false);
    expect(hoverText(hover)).toContain('PutObject');
    const published = await client.diagnosticsFor(costly, 1);
    expect(published.diagnostics.map((d) => [d.code, d.severity, d.range.start])).toEqual([
      ['analysis-limit', 2, { line: 0, character: 0 }],
    ]);
    expect(await client.shutdown()).toBe(0);
  });

  it('of 50 MB gets its one finding and leaves the server answering', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const huge = client.uriOf('huge.json');
    const small = client.uriOf('small.json');
    await client.open(huge, `{"Statement": [${' '.repeat(50 * 1024 * 1024)}]}`);
    await client.open(small, SMALL);
    expect(hoverText(await hoverOn(client, small))).toContain('PutObject');
    const published = await client.diagnosticsFor(huge, 1);
    expect(published.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'file-too-large',
        'The file has 52,428,817 characters, over the limit of 10,485,760, so it was not analysed. Raise "maxFileSize" in .scopewise.json to analyse it.',
      ],
    ]);
    expect(hoverText(await hoverOn(client, huge, { line: 0, character: 3 }))).toBe('');
    expect(await client.shutdown()).toBe(0);
  });

  it('10,000 rapid edits leave the server answering, about the last version only', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const uri = client.uriOf('typing.json');
    await client.open(uri, SMALL);
    await client.diagnosticsFor(uri, 1);
    const since = client.diagnostics.mark();
    const end = { line: 6, character: 0 };
    const edits: Promise<number>[] = [];
    const hovers: Promise<Hover | null | ResponseError>[] = [];
    for (let i = 0; i < 10_000; i++) {
      edits.push(client.change(uri, [{ range: { start: end, end }, text: ' ' }]));
      // A hover now and then, as a user would move the mouse: answered, or refused as outdated.
      if (i % 1000 === 0) {
        hovers.push(hoverOn(client, uri).catch((error: ResponseError) => error));
      }
    }
    const version = Math.max(...(await Promise.all(edits)));
    expect(version).toBe(10_001);
    for (const answer of await Promise.all(hovers)) {
      if (answer && 'code' in answer)
        expect(answer.code).toBe(-32801); // ContentModified
      else expect(hoverText(answer)).toContain('PutObject');
    }
    expect(hoverText(await hoverOn(client, uri))).toContain('PutObject');
    const published = await client.diagnosticsFor(uri, version, since);
    expect(published.diagnostics).toEqual([]);
    expect(client.diagnostics.all.slice(since).map((p) => p.version)).toEqual([version]);
    expect(await client.shutdown()).toBe(0);
  });
});
