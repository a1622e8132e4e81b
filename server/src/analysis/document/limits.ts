import { Lexer, Parser, type CST } from 'yaml';
import type { ParseProblem } from './tree';

/**
 * Deeper nesting than this is refused before parsing: both parsers recurse, and no policy,
 * pipeline or template comes anywhere near it.
 */
export const MAX_NESTING = 512;

function tooDeep(start: number, limit: number): ParseProblem {
  return {
    code: 'parse-error',
    message: `Nesting is deeper than ${limit} levels; the document was not analysed.`,
    start,
    end: start + 1,
  };
}

const OPEN_BRACKET = 91; // [
const CLOSE_BRACKET = 93; // ]
const OPEN_BRACE = 123; // {
const CLOSE_BRACE = 125; // }

/**
 * Finds where JSON nesting first exceeds the limit; a problem at that bracket, or undefined.
 *
 * The text is read as jsonc-parser's scanner reads it, so that no bracket the parser will recurse
 * into is missed: a string runs to an unescaped `"` or to a line break (a backslash escapes any
 * next character, a line break included); line and block comments are comments in `.json` files
 * too (the parser reports them, then skips them). A closing bracket closes only an open bracket of its
 * own kind: the parser skips a `}` inside an array (and a `]` inside an object) as an error, so
 * counting it would let `[},[},[},…` nest without limit. The count is therefore never below the
 * parser's depth; it is above only for broken documents (brackets the parser skipped).
 */
export function checkJsonNesting(text: string, limit = MAX_NESTING): ParseProblem | undefined {
  const open = new Uint8Array(limit);
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    switch (code) {
      case 34 /* " */:
        for (i++; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c === 92 /* \ */) i++;
          else if (c === 34 || c === 10 || c === 13) break;
        }
        break;
      case 47 /* / */: {
        const next = text.charCodeAt(i + 1);
        if (next === 47) {
          i += 2;
          while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        } else if (next === 42 /* * */) {
          const close = text.indexOf('*/', i + 2);
          i = close < 0 ? n : close + 1;
        }
        break;
      }
      case OPEN_BRACKET:
      case OPEN_BRACE:
        if (depth === limit) return tooDeep(i, limit);
        open[depth++] = code === OPEN_BRACKET ? 1 : 2;
        break;
      case CLOSE_BRACKET:
      case CLOSE_BRACE:
        if (depth > 0 && open[depth - 1] === (code === CLOSE_BRACKET ? 1 : 2)) depth--;
        break;
    }
  }
  return undefined;
}

export type YamlSyntax =
  | { readonly tokens: readonly CST.Token[]; readonly tooDeep?: undefined }
  | { readonly tooDeep: ParseProblem };

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * Lexes and parses YAML into the `yaml` library's concrete syntax tree, refusing nesting deeper
 * than the limit before anything recurses. YAML nests by indentation (`- - - x`, `? ? x`), by
 * flow brackets and by both, and quotes, comments and block scalars decide what is a bracket: only
 * the library's own lexer reads all of that right. Its lexer and parser keep explicit state (the
 * parser a stack of open nodes), but the parser recurses once per level it closes at a time, and
 * composing the document recurses once per level: both overflow the call stack on a few
 * kilobytes of `- `, and the composer catches the overflow only sometimes. So the parser's stack
 * is watched after every lexical token, and parsing stops at the token that opens one level too
 * many. The tree can end up one level deeper than the stack ever was (a closed flow collection
 * that turns out to be a mapping's key, `[[…]]: x`, gets the mapping put beneath it), which the
 * call stack easily takes. The tokens are composed into a document by the caller.
 */
export function parseYamlSyntax(text: string, limit = MAX_NESTING): YamlSyntax {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    const start = parser.offset;
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The document sits at the bottom of the stack, and a scalar may be on top of the collections.
    const { stack } = parser;
    if (stack.length - 1 > limit) {
      const top = stack[stack.length - 1];
      const depth = stack.length - 1 - (top && COLLECTIONS.has(top.type) ? 0 : 1);
      if (depth > limit) return { tooDeep: tooDeep(start, limit) };
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}
