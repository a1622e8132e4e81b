import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  HoverRequest,
  TextDocumentEdit,
  type CodeAction,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { describe, expect, it } from 'vitest';
import { clientPerTest } from './harness';

const start = clientPerTest();

const TOKEN = 'ghp_4mQxZ8Rt2LkP9wVbN3sYcD7fHjK1qXeA6uT0';
const KEY = 'AKIAQ3XLRHFOPGMFUOZT';

// The token is the Sid (policy-structure offers a fix that derives a new Sid from it) and the key
// is an ARN's resource (the ARN hover shows the resource part).
const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "${TOKEN}",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::${KEY}/*"
    }
  ]
}
`;

/** Every run of five characters of a secret after its first four: none may be shown. */
function expectMasked(shown: string, secret: string): void {
  for (let i = 1; i + 5 <= secret.length; i++) expect(shown).not.toContain(secret.slice(i, i + 5));
}

describe('secrets over the language server', () => {
  it('masks diagnostics, hovers, quick-fix titles and logs; fix edits keep the real text', async () => {
    const client = start({ transport: 'stdio' });
    await client.initialize();
    const uri = client.uriOf('policy.json');
    await client.open(uri, POLICY);

    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'hardcoded-credential',
        'This value contains a GitHub token ("ghp_****"): anyone who can read the file can use it. Revoke it and keep it in Secrets Manager.',
      ],
      [
        'policy-structure',
        'The Sid "ghp_****" has characters an identity-based policy does not accept: IAM allows only letters A-Z, a-z and digits 0-9.',
      ],
      [
        'hardcoded-credential',
        'This value contains an AWS access key id ("AKIA****"): anyone who can read the file can use it. Revoke it and keep it in Secrets Manager.',
      ],
    ]);

    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 7, character: 30 },
    });
    const contents = (hover?.contents as MarkupContent).value;
    expect(contents).toContain('| resource | `AKIA****/*` |');
    expectMasked(contents, KEY);

    const sid = diagnostics[1];
    if (!sid) throw new Error('no policy-structure diagnostic');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: sid.range,
      context: { diagnostics: [sid], only: ['quickfix'] },
    })) as CodeAction[];
    expect(actions.map((action) => action.title)).toEqual(['Change the Sid to "ghp4****"']);
    // The edit goes into the user's own document: it carries the real text, never the mask.
    const change = actions[0]?.edit?.documentChanges?.[0];
    if (!change || !TextDocumentEdit.is(change)) throw new Error('no edit');
    const fixed = TextDocument.applyEdits(
      TextDocument.create(uri, 'json', 1, POLICY),
      change.edits as TextEdit[],
    );
    expect(fixed).toContain(`"Sid": "${TOKEN.replace('_', '')}"`);

    expect(await client.shutdown()).toBe(0);
    const logs = client.logs.join('\n');
    expectMasked(logs, TOKEN);
    expectMasked(logs, KEY);
  });
});
