import { describe, expect, it } from 'vitest';
import { LineIndex, type Finding } from '../../server/src/analysis';
import { codeFrame, formatText } from '../../server/src/cli/format-text';
import { Progress } from '../../server/src/cli/progress';
import type { FileReport } from '../../server/src/cli/report';

function fileReport(text: string, findings: Finding[]): FileReport {
  return {
    path: 'dir/file.yaml',
    absolutePath: undefined,
    kind: 'cloudformation',
    text,
    lines: new LineIndex(text),
    findings,
  };
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

const TEMPLATE = [
  'Resources:',
  '  Fn:',
  '    Properties:',
  '      Environment:',
  '        AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '      Handler: index.handler',
  '',
].join('\n');

describe('text formatter', () => {
  it('prints location, severity, message, rule, a code frame and a summary', () => {
    const found = finding(TEMPLATE, 'index.handler', 'some-rule', 'warning');
    expect(
      formatText(
        { files: [fileReport(TEMPLATE, [found])], fixed: undefined, maxWarnings: undefined },
        { color: false },
      ),
    ).toBe(
      [
        'dir/file.yaml:6:16  warning  A message.  some-rule',
        '  5 |         AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        '> 6 |       Handler: index.handler',
        '    |                ^^^^^^^^^^^^^',
        '',
        '✖ 1 problem (0 errors, 1 warning, 0 info) in 1 file',
        '',
      ].join('\n'),
    );
  });

  it('masks the covered text of secret rules to its first 4 characters', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const frame = codeFrame(
      fileReport(TEMPLATE, []),
      finding(TEMPLATE, secret, 'hardcoded-credential'),
    );
    expect(frame).toEqual([
      '  4 |       Environment:',
      '> 5 |         AWS_SECRET_ACCESS_KEY: wJal****',
      '    |                                ^^^^^^^^',
      '  6 |       Handler: index.handler',
    ]);
    expect(frame.join('\n')).not.toContain('rXUt');
  });

  it('masks a secret spanning lines and never shows its later lines', () => {
    const text = 'Key: |\n  AKIAABCDEFGH\n  SECRETLINE2\nNext: 1\n';
    const start = text.indexOf('AKIA');
    const end = text.indexOf('\nNext');
    const frame = codeFrame(fileReport(text, []), {
      rule: 'hardcoded-credential',
      severity: 'error',
      message: 'm',
      start,
      end,
      fixes: [],
    });
    expect(frame).toEqual([
      '  1 | Key: |',
      '> 2 |   AKIA****',
      '    |   ^^^^^^^^',
      '  3 | Next: 1',
    ]);
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
