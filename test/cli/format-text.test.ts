import { describe, expect, it } from 'vitest';
import { analyze, LineIndex, SecretMasker, type Finding } from '../../server/src/analysis';
import { codeFrame, formatText, SCOPE_NOTE } from '../../server/src/cli/format-text';
import { Progress } from '../../server/src/cli/progress';
import type { FileReport } from '../../server/src/cli/report';
import { testCatalog } from '../support/catalog';

function fileReport(
  text: string,
  findings: Finding[],
  secrets = new SecretMasker(text, []),
): FileReport {
  return {
    path: 'dir/file.yaml',
    absolutePath: undefined,
    kind: 'cloudformation',
    text,
    lines: new LineIndex(text),
    findings,
    secrets,
  };
}

/** The report of a real analysis: its findings and its secrets. */
function analysed(text: string, fileName = 'file.yaml'): FileReport {
  const analysis = analyze(text, { catalog: testCatalog(), fileName });
  return { ...fileReport(text, [...analysis.findings], analysis.secrets), path: fileName };
}

function finding(
  text: string,
  covered: string,
  rule: string,
  severity: Finding['severity'] = 'error',
): Finding {
  const start = text.indexOf(covered);
  return { rule, severity, message: 'A message.', start, end: start + covered.length, fixes: [] };
}

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9Xk2Lm8R';

const TEMPLATE = [
  'Resources:',
  '  Fn:',
  '    Type: AWS::Lambda::Function',
  '    Properties:',
  '      Environment:',
  '        Variables:',
  `          AWS_SECRET_ACCESS_KEY: ${SECRET_KEY}`,
  '      Handler: index.handler',
  '',
].join('\n');

describe('text formatter', () => {
  it('prints location, severity, message, rule, a code frame and a summary', () => {
    const found = finding(TEMPLATE, 'index.handler', 'some-rule', 'warning');
    const file = { ...analysed(TEMPLATE), path: 'dir/file.yaml', findings: [found] };
    expect(
      formatText({ files: [file], fixed: undefined, maxWarnings: undefined }, { color: false }),
    ).toBe(
      [
        'dir/file.yaml:8:16  warning  A message.  some-rule',
        // The context line above holds a secret: it is masked like the finding's own lines.
        '  7 |           AWS_SECRET_ACCESS_KEY: wJal****',
        '> 8 |       Handler: index.handler',
        '    |                ^^^^^^^^^^^^^',
        '',
        '✖ 1 problem (0 errors, 1 warning, 0 info): 1 file checked, 1 with problems',
        SCOPE_NOTE,
        '',
      ].join('\n'),
    );
  });

  it('says what it checks when a template was checked, and only then', () => {
    const template = { ...analysed(TEMPLATE), findings: [] };
    const policy = { ...template, kind: 'iam-policy' as const };
    const text = (file: FileReport) =>
      formatText({ files: [file], fixed: undefined, maxWarnings: undefined }, { color: false });
    expect(text(template)).toBe(`No problems found in 1 file\n${SCOPE_NOTE}\n`);
    expect(text(policy)).toBe('No problems found in 1 file\n');
    expect(SCOPE_NOTE).toContain('cfn-lint');
  });

  it('masks every secret of the document in every frame, whichever rule reported', () => {
    const file = analysed(TEMPLATE);
    expect(file.findings.map((f) => f.rule)).toEqual(['hardcoded-credential']);
    const [credential] = file.findings;
    if (!credential) throw new Error('no finding');
    expect(codeFrame(file, credential)).toEqual([
      '  6 |         Variables:',
      '> 7 |           AWS_SECRET_ACCESS_KEY: wJal****',
      '    |                                  ^^^^^^^^',
      '  8 |       Handler: index.handler',
    ]);
    // Any other finding on the secret's line shows it masked too.
    const other = finding(TEMPLATE, 'AWS_SECRET_ACCESS_KEY', 'some-rule');
    expect(codeFrame(file, other)[1]).toBe('> 7 |           AWS_SECRET_ACCESS_KEY: wJal****');
    expect(
      formatText({ files: [file], fixed: undefined, maxWarnings: undefined }, { color: false }),
    ).not.toContain('rXUt');
  });

  it('masks the secret in the plaintext-secret-env frame under the hardcoded-credential one', () => {
    const text = [
      'Resources:',
      '  Build:',
      '    Type: AWS::CodeBuild::Project',
      '    Properties:',
      '      Environment:',
      '        EnvironmentVariables:',
      '          - Name: GITHUB_TOKEN',
      '            Value: ghp_4mQxZ8Rt2LkP9wVbN3sYcD7fHjK1qXeA6uT0',
      '          - Name: DB_PASSWORD',
      '            Value: s3cr3t-Passw0rd',
      '',
    ].join('\n');
    const file = analysed(text);
    const report = formatText(
      { files: [file], fixed: undefined, maxWarnings: undefined },
      { color: false },
    );
    expect(file.findings.map((f) => f.rule)).toEqual([
      'hardcoded-credential',
      'plaintext-secret-env',
      'plaintext-secret-env',
    ]);
    expect(report).toContain(
      [
        'file.yaml:8:20  warning  CodeBuild environment variable "GITHUB_TOKEN" has no Type (so it is PLAINTEXT) but its value looks like a GitHub token ("ghp_****"): anyone who can read the build definition sees it. Keep it in Secrets Manager or Parameter Store and set Type to SECRETS_MANAGER or PARAMETER_STORE.  plaintext-secret-env',
        '  7 |           - Name: GITHUB_TOKEN',
        '> 8 |             Value: ghp_****',
        '    |                    ^^^^^^^^',
        '  9 |           - Name: DB_PASSWORD',
      ].join('\n'),
    );
    expect(report).toContain('> 10 |             Value: s3cr****');
    expect(report).not.toContain('4mQx');
    expect(report).not.toContain('s3cr3t');
  });

  it('masks a secret spanning lines and keeps the true line numbers', () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA7bq3Zk9Qw2Lm8Rt'.repeat(2)}\n-----END RSA PRIVATE KEY-----`;
    const text = [
      'Resources:',
      '  Key:',
      '    Type: AWS::SecretsManager::Secret',
      '    Properties:',
      '      SecretString: |',
      ...key.split('\n').map((line) => `        ${line}`),
      '      Name: k',
      '',
    ].join('\n');
    const file = analysed(text);
    const frames = file.findings.map((f) => codeFrame(file, f).join('\n')).join('\n');
    expect(file.findings.map((f) => f.rule)).toContain('hardcoded-credential');
    expect(frames).not.toContain('MIIE');
    expect(frames).not.toContain('BEGIN RSA');
    const other = finding(text, 'Name: k', 'some-rule');
    expect(codeFrame(file, other)).toEqual(['  8 |', '> 9 |       Name: k', '    |       ^^^^^^^']);
  });

  it('underlines each line of a multi-line range', () => {
    const text = 'a:\n  b: [1,\n    2]\nc: 3\n';
    const start = text.indexOf('[');
    const frame = codeFrame(fileReport(text, []), {
      rule: 'r',
      severity: 'info',
      message: 'm',
      start,
      end: text.indexOf(']') + 1,
      fixes: [],
    });
    expect(frame).toEqual([
      '  1 | a:',
      '> 2 |   b: [1,',
      '    |      ^^^',
      '> 3 |     2]',
      '    |     ^^',
      '  4 | c: 3',
    ]);
  });

  it('cuts a long context line beside a short finding line', () => {
    const text = `a: 1\nb: ${'x'.repeat(100_000)}\n`;
    const frame = codeFrame(fileReport(text, []), finding(text, 'a', 'r'));
    expect(frame).toEqual(['> 1 | a: 1', '    | ^', `  2 | b: ${'x'.repeat(157)}…`]);
  });

  it('cuts long lines to a window around the finding', () => {
    const text = `{"a":"${'x'.repeat(300)}","Action":"*","b":"${'y'.repeat(300)}"}`;
    const [line, carets] = codeFrame(fileReport(text, []), finding(text, '"*"', 'r'));
    expect(line).toBe(`> 1 | …${'x'.repeat(29)}","Action":"*","b":"${'y'.repeat(111)}…`);
    expect(carets).toBe(`    | ${' '.repeat(41)}^^^`);
  });
});

describe('progress bar', () => {
  function stream() {
    const writes: string[] = [];
    return { writes, isTTY: true, columns: 60, write: (chunk: string) => writes.push(chunk) > 0 };
  }

  it('stays hidden for short scans and off a terminal', () => {
    let time = 0;
    const out = stream();
    const progress = new Progress(out, 10, true, () => time);
    progress.update(5);
    time = 500;
    progress.update(10);
    progress.clear();
    expect(out.writes).toEqual([]);
    expect(Progress.allowed({ isTTY: false, write: () => true }, {})).toBe(false);
    expect(Progress.allowed({ isTTY: true, write: () => true }, { CI: 'true' })).toBe(false);
    expect(Progress.allowed({ isTTY: true, write: () => true }, {})).toBe(true);
  });

  it('redraws at most ten times a second on long scans and clears its line', () => {
    let time = 0;
    const out = stream();
    const progress = new Progress(out, 100, true, () => time);
    progress.update(1);
    time = 50;
    progress.update(2);
    time = 120;
    progress.update(3);
    progress.clear();
    expect(out.writes).toEqual([
      `\r\x1b[2K${'░'.repeat(30)} 1/100 files`,
      `\r\x1b[2K${'█'.repeat(1)}${'░'.repeat(29)} 3/100 files`,
      '\r\x1b[2K',
    ]);
  });
});
