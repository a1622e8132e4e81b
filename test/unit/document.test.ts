import { describe, expect, it } from 'vitest';
import {
  getPath,
  LineIndex,
  nodeAt,
  parseJson,
  parseYaml,
  pathOf,
  stringSourceRange,
  type Node,
} from '../../server/src/analysis/document';

const slice = (text: string, node: { start: number; end: number } | undefined) =>
  node ? text.slice(node.start, node.end) : undefined;

describe('JSON tree', () => {
  const text = '{\n  "Statement": [{ "Action": ["s3:GetObject", 42, true, null] }]\n}';
  const doc = parseJson(text);

  it('locates keys and values with quotes included', () => {
    const action = getPath(doc.root, ['Statement', 0, 'Action', 0]);
    expect(slice(text, action)).toBe('"s3:GetObject"');
    expect(action?.property).toBeUndefined();
    const statement = getPath(doc.root, ['Statement', 0]);
    expect(statement?.kind).toBe('object');
    if (statement?.kind !== 'object') return;
    expect(slice(text, statement.properties[0]?.key)).toBe('"Action"');
    expect(getPath(doc.root, ['Statement', 0, 'Action'])?.kind).toBe('array');
    expect(doc.problems).toEqual([]);
  });

  it('keeps scalar types', () => {
    const values = [1, 2, 3].map((i) => getPath(doc.root, ['Statement', 0, 'Action', i]));
    expect(values.map((v) => v?.kind)).toEqual(['number', 'boolean', 'null']);
  });

  it('finds the innermost node at an offset and its path', () => {
    const offset = text.indexOf('GetObject');
    const node = nodeAt(doc.root, offset) as Node;
    expect(slice(text, node)).toBe('"s3:GetObject"');
    expect(pathOf(node)).toEqual(['Statement', 0, 'Action', 0]);
    expect(slice(text, nodeAt(doc.root, text.indexOf('Action')))).toBe('"Action"');
  });

  it('maps sub-ranges through escapes', () => {
    const escaped = '{"Action": "\\u0073\\u0033:Get\\"x"}';
    const parsed = parseJson(escaped);
    const node = getPath(parsed.root, ['Action']);
    expect(node?.kind === 'string' && node.value).toBe('s3:Get"x');
    if (node?.kind !== 'string') return;
    expect(slice(escaped, stringSourceRange(escaped, node, 0, 2))).toBe('\\u0073\\u0033');
    expect(slice(escaped, stringSourceRange(escaped, node, 3, 6))).toBe('Get');
    expect(slice(escaped, stringSourceRange(escaped, node, 6, 8))).toBe('\\"x');
  });

  it('accepts a byte-order mark without shifting offsets', () => {
    const withBom = '\uFEFF{"Version": "2012-10-17"}';
    const parsed = parseJson(withBom);
    expect(parsed.problems).toEqual([]);
    expect(slice(withBom, getPath(parsed.root, ['Version']))).toBe('"2012-10-17"');
  });

  it('reports duplicate keys at the repeat, keeping the last value', () => {
    const dup = '{"a": 1, "a": 2}';
    const parsed = parseJson(dup);
    expect(parsed.problems).toEqual([
      {
        code: 'duplicate-key',
        message: 'Key "a" is repeated in this object; only the last value takes effect.',
        start: 9,
        end: 12,
      },
    ]);
    expect(
      getPath(parsed.root, ['a'])?.kind === 'number' && getPath(parsed.root, ['a']),
    ).toMatchObject({ value: 2 });
  });

  it('refuses 20,000-deep nesting with one problem instead of overflowing the stack', () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    const parsed = parseJson(deep);
    // What comes before the runaway nesting is kept: here the 512 arrays that fit.
    expect(parsed.root?.kind).toBe('array');
    expect(parsed.problems).toEqual([
      {
        code: 'parse-error',
        message: 'Nesting is deeper than 512 levels; the document was not analysed.',
        start: 512,
        end: 513,
      },
    ]);
  });

  it('rejects comments in .json but accepts them in .jsonc', () => {
    expect(parseJson('{"a": 1 /* c */}').problems.map((p) => p.message)).toEqual([
      'Comments are not allowed in JSON.',
    ]);
    expect(parseJson('{"a": 1, /* c */}', { allowComments: true }).problems).toEqual([]);
  });
});

describe('YAML tree', () => {
  const text = [
    'Resources:',
    '  Role:',
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      Arn: !GetAtt Bucket.Arn',
    "      Name: !Sub '${AWS::StackName}-role'",
    '      List: !If [IsProd, "a", !Ref AWS::NoValue]',
    '      Plain: 2012-10-17',
    '      Alias: &anchor x',
    '      Ref: *anchor',
    '',
  ].join('\n');
  const doc = parseYaml(text);
  const props = ['Resources', 'Role', 'Properties'];

  it('turns short-form tags into intrinsic objects whose range starts at the tag', () => {
    const arn = getPath(doc.root, [...props, 'Arn']);
    expect(arn?.kind === 'object' && arn.tag).toBe('!GetAtt');
    expect(slice(text, arn)).toBe('!GetAtt Bucket.Arn');
    expect(slice(text, getPath(arn, ['Fn::GetAtt']))).toBe('Bucket.Arn');
    const sub = getPath(doc.root, [...props, 'Name']);
    expect(slice(text, sub)).toBe("!Sub '${AWS::StackName}-role'");
    expect(getPath(sub, ['Fn::Sub'])).toMatchObject({
      kind: 'string',
      value: '${AWS::StackName}-role',
      quoted: true,
    });
    const list = getPath(doc.root, [...props, 'List', 'Fn::If']);
    expect(list?.kind).toBe('array');
    expect(slice(text, getPath(list, [2]))).toBe('!Ref AWS::NoValue');
  });

  it('reads YAML 1.2 scalars: a date-like version stays a string', () => {
    expect(getPath(doc.root, [...props, 'Plain'])).toMatchObject({
      kind: 'string',
      value: '2012-10-17',
      quoted: false,
    });
  });

  it('leaves aliases unresolved as unknown values', () => {
    expect(getPath(doc.root, [...props, 'Ref'])?.kind).toBe('null');
    expect(doc.problems).toEqual([]);
  });

  it('reports duplicate keys and syntax errors with their positions', () => {
    const bad = 'a: 1\na: 2\nb: [1, 2\n';
    const parsed = parseYaml(bad);
    expect(parsed.problems[0]).toEqual({
      code: 'duplicate-key',
      message: 'Key "a" is repeated in this mapping; only the last value takes effect.',
      start: 5,
      end: 6,
    });
    expect(parsed.problems.slice(1).every((p) => p.code === 'parse-error')).toBe(true);
    expect(getPath(parsed.root, ['a'])).toMatchObject({ kind: 'number', value: 2 });
  });

  it('maps sub-ranges into literal block scalars, line by line past the indentation', () => {
    const block = 'Script: |\n  #!/bin/bash\n\n    echo ${Name}\r\n  x=${Other}\nNext: 1\n';
    const parsed = parseYaml(block);
    const node = getPath(parsed.root, ['Script']);
    if (node?.kind !== 'string') throw new Error('no block scalar');
    const at = (part: string) => {
      const from = node.value.indexOf(part);
      return slice(block, stringSourceRange(block, node, from, from + part.length));
    };
    expect(at('${Name}')).toBe('${Name}');
    expect(at('${Other}')).toBe('${Other}');
    // A range across lines cannot be one source range: the whole node.
    expect(at('bash\n')).toBe(slice(block, node));
  });

  it('reports no duplicate-key cascade from lines the parser could not read', () => {
    const broken = [
      'Resources:',
      '  Fn:',
      '    Type: AWS::Lambda::Function',
      '{%- if cookiecutter.tracing %}',
      '    Properties: {}',
      '{%- endif %}',
      '{%- if cookiecutter.arm %}',
      '{%- endif %}',
      '',
    ].join('\n');
    const codes = parseYaml(broken).problems.map((p) => p.code);
    expect(codes).toContain('parse-error');
    expect(codes).not.toContain('duplicate-key');
  });

  it('reports control characters, which YAML forbids', () => {
    expect(parseYaml('a: "x\u0001y"\n').problems).toEqual([
      {
        code: 'parse-error',
        message: 'Control character U+0001 is not allowed in YAML.',
        start: 5,
        end: 6,
      },
    ]);
  });

  it('refuses deep flow nesting', () => {
    const parsed = parseYaml('a: ' + '['.repeat(20000));
    expect(getPath(parsed.root, ['a'])?.kind).toBe('array');
    expect(parsed.problems[0]?.message).toBe(
      'Nesting is deeper than 512 levels; the document was not analysed.',
    );
  });
});

describe('LineIndex', () => {
  it('converts offsets and positions for LF, CRLF and lone CR, in UTF-16 units', () => {
    const text = 'a\r\nb😀c\nd\re';
    const index = new LineIndex(text);
    expect(index.lineCount).toBe(4);
    expect(index.positionAt(text.indexOf('c'))).toEqual({ line: 1, character: 3 });
    expect(index.offsetAt({ line: 1, character: 3 })).toBe(text.indexOf('c'));
    expect(index.lineText(0)).toBe('a');
    expect(index.lineText(2)).toBe('d');
    expect(index.positionAt(text.length)).toEqual({ line: 3, character: 1 });
    expect(index.offsetAt({ line: 9, character: 0 })).toBe(text.length);
  });
});
