import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  analyze,
  applyEdits,
  hover,
  RULES_BY_ID,
  SecretMasker,
  type AnalyzeOptions,
} from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';

const KEY = 'AKIAQ3XLRHFOPGMFUOZT';
const TOKEN = 'ghp_4mQxZ8Rt2LkP9wVbN3sYcD7fHjK1qXeA6uT0';

const analysis = (text: string, extra: Partial<AnalyzeOptions> = {}) =>
  analyze(text, { catalog: testCatalog(), fileName: 'policy.json', ...extra });

/** Every finding's rule and message, but hardcoded-credential's (which always masked). */
const echoes = (text: string, extra: Partial<AnalyzeOptions> = {}) =>
  analysis(text, extra)
    .findings.filter((f) => f.rule !== 'hardcoded-credential')
    .map((f) => [f.rule, f.message]);

const policy = (statement: string, version = '"2012-10-17"') =>
  `{"Version": ${version}, "Statement": [{${statement}}]}`;

describe('every message masks the secrets of its document', () => {
  it('invalid-arn: a key written as a resource', () => {
    expect(
      echoes(policy(`"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${KEY}"`)),
    ).toEqual([
      [
        'invalid-arn',
        '`AKIA****` is not an ARN: a resource is `*` or an ARN (`arn:partition:service:region:account:resource`).',
      ],
    ]);
    expect(
      echoes(
        policy(`"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:${KEY}::b/*"`),
      ),
    ).toEqual([['invalid-arn', '`AKIA****` is not a Region code (such as `us-east-1`).']]);
  });

  it('unknown-action: a key written as an action or a service prefix', () => {
    expect(
      echoes(policy(`"Effect": "Allow", "Action": "${KEY}", "Resource": "arn:aws:s3:::b/*"`)),
    ).toEqual([
      [
        'unknown-action',
        '"AKIA****" is not an action: write it as service:Action, for example "s3:GetObject".',
      ],
    ]);
    expect(
      echoes(
        policy(`"Effect": "Allow", "Action": "${KEY}:GetObject", "Resource": "arn:aws:s3:::b/*"`),
      ),
    ).toEqual([
      [
        'unknown-action',
        'Unknown service prefix "AKIA****" in "AKIA****:GetObject" (IAM catalog of 2026-09-26). If the service is newer than the catalog, add the action to "allowActions" in .scopewise.json.',
      ],
    ]);
  });

  it('policy-structure: a key as an Effect, as an element name, and a token as a Sid', () => {
    expect(
      echoes(
        policy(`"Effect": "${KEY}", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"`),
      ),
    ).toEqual([['policy-structure', '"AKIA****" is not a valid "Effect"; use "Allow" or "Deny".']]);
    expect(
      echoes(
        policy(
          `"Effect": "Allow", "${KEY}": 1, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"`,
        ),
      ),
    ).toEqual([
      [
        'policy-structure',
        '"AKIA****" is not a statement element; a statement takes "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource" and "Condition".',
      ],
    ]);
    const sid = analysis(
      policy(
        `"Sid": "${TOKEN}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"`,
      ),
    ).findings.find((f) => f.rule === 'policy-structure');
    expect(sid?.message).toBe(
      'The Sid "ghp_****" has characters an identity-based policy does not accept: IAM allows only letters A-Z, a-z and digits 0-9.',
    );
    // The fix's title derives the new Sid from the token: masked too (letters and digits of a
    // secret are as secret as the secret).
    expect(sid?.fixes.map((f) => f.title)).toEqual(['Change the Sid to "ghp4****"']);
  });

  it('policy-version: a key as the version', () => {
    expect(
      echoes(
        policy(
          `"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"`,
          `"${KEY}"`,
        ),
      ),
    ).toEqual([
      ['policy-version', '"AKIA****" is not a policy version IAM accepts; use "2012-10-17".'],
    ]);
  });

  it('duplicate-key, unknown-condition-key and condition-operator-mismatch', () => {
    const text = `{"Version": "2012-10-17", "${KEY}": 1, "${KEY}": 2, "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"${KEY}": "x"}, "IpAddress": {"aws:SourceIp": "${KEY}"}}}]}`;
    expect(echoes(text)).toEqual([
      [
        'policy-structure',
        '"AKIA****" is not a policy element; a policy has only "Version", "Id" and "Statement".',
      ],
      [
        'duplicate-key',
        'Key "AKIA****" is repeated in this object; only the last value takes effect.',
      ],
      [
        'policy-structure',
        '"AKIA****" is not a policy element; a policy has only "Version", "Id" and "Statement".',
      ],
      [
        'unknown-condition-key',
        '"AKIA****" is not a condition key: keys are written prefix:name, such as "aws:SourceIp".',
      ],
      [
        'condition-operator-mismatch',
        '"AKIA****" is not a value "IpAddress" can compare: it takes an IPv4 or IPv6 address or CIDR range such as "203.0.113.0/24".',
      ],
    ]);
  });

  it('a secret known only by its name, echoed by another rule elsewhere in the document', () => {
    const template = `Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: s3cr3t-Passw0rd
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: s3cr3t-Passw0rd
`;
    const found = analysis(template, { fileName: 'template.yaml' });
    expect(found.secrets.values).toContain('s3cr3t-Passw0rd');
    expect(found.findings.find((f) => f.rule === 'invalid-arn')?.message).toBe(
      '`s3cr****` is not an ARN: a resource is `*` or an ARN (`arn:partition:service:region:account:resource`).',
    );
    for (const f of found.findings) expect(f.message).not.toContain('s3cr3t');
  });

  it('masks whatever the settings: secrets rules off, ignored or suppressed still recognise', () => {
    const text = policy(
      `"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${TOKEN.slice(0, 4)}x${TOKEN.slice(4)}"`,
    );
    expect(text).toContain('ghp_x');
    const template = `Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      # scopewise-disable-next-line hardcoded-credential
      MasterUserPassword: s3cr3t-Passw0rd
  Queue:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: sqs:SendMessage
            Resource: s3cr3t-Passw0rd
`;
    for (const extra of [
      { rules: new Map([['hardcoded-credential', 'off' as const]]) },
      { ignore: new Set(['hardcoded-credential']) },
      {},
    ]) {
      const found = analysis(template, { fileName: 'template.yaml', ...extra });
      expect(found.findings.map((f) => f.rule)).not.toContain('hardcoded-credential');
      const messages = found.findings.map((f) => f.message).join('\n');
      expect(messages).toContain('`s3cr****` is not an ARN');
      expect(messages).not.toContain('s3cr3t');
    }
  });
});

describe('fixes, hovers and internal errors', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps the real text in the edits of a fix whose title is masked', () => {
    const text = policy(
      `"Sid": "${TOKEN}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"`,
    );
    const found = analysis(text);
    const fix = found.findings.find((f) => f.rule === 'policy-structure')?.fixes[0];
    if (!fix) throw new Error('no fix');
    expect(fix.title).toBe('Change the Sid to "ghp4****"');
    expect(applyEdits(text, fix.edits).text).toContain(`"Sid": "${TOKEN.replace('_', '')}"`);
    expect(fix.edits.some((e) => found.secrets.contains(e.newText))).toBe(true);
  });

  it('masks a hover that quotes the value under the cursor', () => {
    const text = policy(
      `"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${KEY}/*"`,
    );
    const found = analysis(text);
    const contents = hover(found, testCatalog(), text.indexOf(KEY))?.contents ?? '';
    expect(contents).toContain('| resource | `AKIA****/*` |');
    expect(contents).not.toContain(KEY);
  });

  it('masks the internal error of a rule that fails on a secret', () => {
    const rule = RULES_BY_ID.get('invalid-arn');
    if (!rule) throw new Error('no rule');
    vi.spyOn(rule, 'check').mockImplementation(() => {
      throw new Error(`cannot read "${KEY}"`);
    });
    const found = analysis(
      policy(`"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${KEY}"`),
    );
    expect(found.internalErrors).toHaveLength(1);
    expect(found.internalErrors[0]).toMatch(/^invalid-arn: Error: cannot read "AKIA\*\*\*\*"/);
    expect(found.internalErrors.join('\n')).not.toContain(KEY);
  });
});

describe('SecretMasker', () => {
  it('masks each occurrence, escaped forms and credential shapes, nothing of short values', () => {
    const text = 'password: hunter2-hunter2\nkey: "wJalr\\/XUtnFEMI"\n';
    const start = text.indexOf('hunter2');
    const escaped = text.indexOf('wJalr');
    const masker = new SecretMasker(text, [
      { value: 'hunter2-hunter2', start, end: start + 15 },
      { value: 'wJalr/XUtnFEMI', start: escaped, end: escaped + 15 },
      { value: 'abc', start: 0, end: 3 },
    ]);
    expect(masker.mask('a hunter2-hunter2, hunter2-hunter2.')).toBe('a hunt****, hunt****.');
    expect(masker.mask('copied: wJalr\\/XUtnFEMI and wJalr/XUtnFEMI')).toBe(
      'copied: wJal**** and wJal****',
    );
    expect(masker.mask(`shape ${KEY} abc`)).toBe('shape AKIA**** abc');
    expect(masker.contains('nothing here')).toBe(false);
    expect(masker.contains(`{"Sid": "${KEY}"}`)).toBe(true);
    // Line breaks and line numbers are kept; ranges mask even short values.
    expect(masker.maskDocument().text).toBe('****sword: hunt****\nkey: "wJal****"\n');
  });

  it('keeps every line break of a secret spanning lines, and maps offsets around it', () => {
    const text = 'a: |\n  line-one-secret\n  line-two-secret\nb: 1\n';
    const start = text.indexOf('line-one');
    const end = text.indexOf('\nb:');
    const masker = new SecretMasker(text, [
      { value: 'line-one-secret\nline-two-secret', start, end },
    ]);
    const masked = masker.maskDocument();
    expect(masked.text).toBe('a: |\n  line****\n\nb: 1\n');
    expect(masked.text.split('\n')).toHaveLength(text.split('\n').length);
    expect(masked.map(text.indexOf('b: 1'), 'start')).toBe(masked.text.indexOf('b: 1'));
    expect(masked.map(start + 3, 'start')).toBe(start);
    expect(masked.map(start + 3, 'end')).toBe(start + 'line****'.length);
  });
});
