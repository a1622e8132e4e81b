import fc from 'fast-check';
import { visit } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { Composer, isMap, isPair, isSeq, stringify, type CST } from 'yaml';
import { analyze } from '../../server/src/analysis';
import { parseJson, parseYaml } from '../../server/src/analysis/document';
import { checkJsonNesting, parseYamlSyntax } from '../../server/src/analysis/document/limits';
import { testCatalog } from '../support/catalog';

const N = 20000;
const TOO_DEEP = 'Nesting is deeper than 512 levels; the document was not analysed.';

/** The problems of a parse, as [offset, message]. */
const problems = (parsed: { problems: readonly { start: number; message: string }[] }) =>
  parsed.problems.map((p) => [p.start, p.message]);

/** The offset of the `count`th opening bracket (the 513th is the first one too deep). */
const nth = (text: string, count = 513, bracket = '[') => {
  let at = -1;
  for (let k = 0; k < count; k++) at = text.indexOf(bracket, at + 1);
  return at;
};

describe('JSON nesting guard (issue 13 item 2)', () => {
  it('sees through a quote inside a block comment and a line comment', () => {
    const text = '/* " */' + '['.repeat(N) + '// "';
    expect(problems(parseJson(text))).toEqual([[7 + 512, TOO_DEEP]]);
    expect(problems(parseJson(text, { allowComments: true }))).toEqual([[7 + 512, TOO_DEEP]]);
  });

  it('ends a line comment at the line break and a string at a line break, as jsonc-parser does', () => {
    const comment = '// "\n' + '['.repeat(N);
    expect(problems(parseJson(comment))).toEqual([[5 + 512, TOO_DEEP]]);
    const string = '["x\n' + '['.repeat(N);
    expect(problems(parseJson(string))).toEqual([[nth(string), TOO_DEEP]]);
  });

  it('reads comment markers and escapes inside strings as text', () => {
    for (const start of ['["/*", ', '["//", ', '["a\\\\", ', '["\\"/*\\"", ']) {
      const text = start + '['.repeat(N);
      expect(problems(parseJson(text))).toEqual([[nth(text), TOO_DEEP]]);
    }
  });

  it('does not let a closing bracket of the other kind close a level', () => {
    // jsonc-parser skips `}` in an array and `]` in an object as errors, and nests on.
    const arrays = '[},'.repeat(N);
    expect(problems(parseJson(arrays))).toEqual([[nth(arrays), TOO_DEEP]]);
    const objects = '{],"a":'.repeat(N);
    expect(problems(parseJson(objects))).toEqual([[nth(objects, 513, '{'), TOO_DEEP]]);
  });

  it('leaves brackets in strings and comments alone', () => {
    expect(parseJson(`{"a": "${'['.repeat(N)}"}`).problems).toEqual([]);
    const comments = `{"a": 1 /* ${'['.repeat(N)} */ // ${'{'.repeat(N)}\n}`;
    expect(parseJson(comments, { allowComments: true }).problems).toEqual([]);
  });

  it('becomes a parse-error finding of the document', () => {
    const text = '{"Statement": /* " */ ' + '['.repeat(N) + ' // "';
    const analysis = analyze(text, { catalog: testCatalog(), fileName: 'deep.jsonc' });
    expect(analysis.kind).toBe('iam-policy');
    // The object is the first level, so the 512th bracket is one too many.
    expect(analysis.findings.filter((f) => f.rule === 'parse-error').map((f) => f.start)).toEqual([
      nth(text, 512),
    ]);
  });

  /** The deepest nesting jsonc-parser itself reaches, through its visitor. */
  function parserDepth(text: string, disallowComments: boolean): number {
    let depth = 0;
    let max = 0;
    const enter = () => {
      max = Math.max(max, ++depth);
    };
    const leave = () => {
      depth--;
    };
    visit(
      text,
      { onObjectBegin: enter, onArrayBegin: enter, onObjectEnd: leave, onArrayEnd: leave },
      { disallowComments, allowTrailingComma: !disallowComments },
    );
    return max;
  }

  it('never counts fewer levels than the parser reaches, whatever the text', () => {
    const unit = fc.constantFrom('[', ']', '{', '}', '"', '\\', '/', '*', '\n', ',', ':', 'a', ' ');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const depth = Math.max(parserDepth(text, true), parserDepth(text, false));
        if (depth > 0) expect(checkJsonNesting(text, depth - 1)).toBeDefined();
      }),
      { numRuns: 5000 },
    );
  });

  it('counts valid JSON exactly', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large', maxDepth: 12 }), (text) => {
        const depth = parserDepth(text, true);
        expect(checkJsonNesting(text, depth)).toBeUndefined();
        if (depth > 0) expect(checkJsonNesting(text, depth - 1)).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('YAML nesting guard (issue 13 item 2)', () => {
  const tooDeep = (text: string) => {
    const found = problems(parseYaml(text));
    expect(found).toHaveLength(1);
    expect(found[0]?.[1]).toBe(TOO_DEEP);
    return found[0]?.[0];
  };

  it('sees through quotes in comments, in flow style', () => {
    for (const quote of ['"', "'"]) {
      const text = `# ${quote}\n${'['.repeat(N)}\n# ${quote}\n`;
      expect(tooDeep(text)).toBe(nth(text));
    }
  });

  it('reads # and quotes inside plain scalars as text, and quoted scalars over several lines', () => {
    // A `#` after a non-space and a quote inside a word are part of the scalar, not a comment
    // or a string; a double-quoted scalar may span lines.
    for (const start of ['[a#', "[a'b, ", '[a"b, ', '[ "abc\n def", ', "[ 'it''s\n x', "]) {
      const text = start + '['.repeat(N);
      expect(tooDeep(text)).toBe(nth(text));
    }
  });

  it('counts block nesting: compact sequences, explicit keys, and both', () => {
    expect(tooDeep('- '.repeat(N) + 'x')).toBe(2 * 512);
    expect(tooDeep('? '.repeat(N) + 'x')).toBe(2 * 512);
    expect(tooDeep('- ? '.repeat(N) + 'x')).toBe(2 * 512);
    // Closing 20,000 levels at once made the parser itself recurse 20,000 times.
    expect(tooDeep('- '.repeat(N) + 'x\nb: 1\n')).toBe(2 * 512);
  });

  it('counts nesting by indentation', () => {
    const lines = Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}k${i}:`);
    const text = lines.join('\n') + ' x\n';
    // The parser learns at the colon that the 513th key opens a mapping.
    expect(tooDeep(text)).toBe(text.indexOf('k512:') + 'k512'.length);
  });

  it('keeps what parses before the runaway nesting', () => {
    const parsed = parseYaml('Statement: ' + '['.repeat(N));
    expect(parsed.root?.kind).toBe('object');
  });

  it('leaves brackets in block scalars, quoted scalars and comments alone', () => {
    const text = [
      `a: |\n  ${'['.repeat(N)}`,
      `b: "${'['.repeat(N)}"`,
      `c: '${'{'.repeat(N)}'`,
      `# ${'['.repeat(N)}`,
      `d: ${'x['.repeat(N)}`,
      '',
    ].join('\n');
    expect(parseYaml(text).problems).toEqual([]);
  });

  it('accepts 512 levels', () => {
    const flow = `a: ${'['.repeat(511)}${']'.repeat(511)}\n`;
    expect(parseYaml(flow).problems).toEqual([]);
    const block = '- '.repeat(512) + 'x\n';
    expect(parseYaml(block).problems).toEqual([]);
    expect(problems(parseYaml('- '.repeat(513) + 'x\n'))).toEqual([[1024, TOO_DEEP]]);
  });

  /** The deepest collection of a syntax tree, keys included: what parser and composer recurse on. */
  function syntaxDepth(tokens: readonly CST.Token[]): number {
    let max = 0;
    const walk = (token: CST.Token | undefined, depth: number): void => {
      if (!token) return;
      if (token.type === 'document') return walk(token.value, depth);
      if ('props' in token) for (const prop of token.props) walk(prop, depth);
      if (
        token.type === 'block-map' ||
        token.type === 'block-seq' ||
        token.type === 'flow-collection'
      ) {
        max = Math.max(max, depth + 1);
        for (const item of token.items) {
          if ('key' in item) walk(item.key ?? undefined, depth + 1);
          walk(item.value, depth + 1);
        }
      }
    };
    for (const token of tokens) walk(token, 0);
    return max;
  }

  /** The deepest collection of the composed document, keys included. */
  function composedDepth(text: string): number {
    const syntax = parseYamlSyntax(text, Number.MAX_SAFE_INTEGER);
    if (syntax.tooDeep) throw new Error('unreachable');
    let max = 0;
    const walk = (node: unknown, depth: number) => {
      if (isPair(node)) {
        walk(node.key, depth);
        walk(node.value, depth);
      } else if (isMap(node) || isSeq(node)) {
        max = Math.max(max, depth + 1);
        for (const item of node.items) walk(item, depth + 1);
      }
    };
    for (const doc of new Composer().compose(syntax.tokens, true, text.length))
      walk(doc.contents, 0);
    return max;
  }

  it('never counts fewer levels than the syntax tree has, whatever the text', () => {
    const unit = fc.constantFrom(
      ...['-', '?', ':', ' ', ' ', '\n', '[', ']', '{', '}', ',', 'a', '#', "'", '"', '|', '!'],
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const syntax = parseYamlSyntax(text, Number.MAX_SAFE_INTEGER);
        const depth = syntax.tooDeep ? 0 : syntaxDepth(syntax.tokens);
        // A closed flow collection that turns out to be a mapping's key (`[[]]: x`) gets the
        // mapping put beneath it: the tree is one level deeper than the parser's stack was.
        if (depth > 1) expect(parseYamlSyntax(text, depth - 2).tooDeep).toBeDefined();
        // The composer adds a level only for a pair in a flow sequence (`[a: b]`), without
        // recursing for it; the converter stops at its own limit.
        expect(composedDepth(text)).toBeLessThanOrEqual(2 * depth);
      }),
      { numRuns: Number(process.env.RUNS ?? 3000) },
    );
  });

  it('counts well-formed documents exactly, in block and flow style', () => {
    fc.assert(
      fc.property(fc.jsonValue({ depthSize: 'large', maxDepth: 10 }), fc.boolean(), (v, flow) => {
        const text = stringify(v, { collectionStyle: flow ? 'flow' : 'block' });
        const depth = composedDepth(text);
        expect(parseYamlSyntax(text, depth).tooDeep).toBeUndefined();
        // A closed flow collection that turns out to be a mapping's key (`[[]]: x`) gets the
        // mapping put beneath it: the tree is one level deeper than the parser's stack was.
        if (depth > 1) expect(parseYamlSyntax(text, depth - 2).tooDeep).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });
});
