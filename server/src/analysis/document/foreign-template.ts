import { createScanner, type SyntaxKind } from 'jsonc-parser';
import { CST, Lexer } from 'yaml';
import type { Range, SourceFormat } from './tree';

/** A template engine's tag found where JSON or YAML syntax is expected. */
export interface ForeignMarker extends Range {
  /** The tag as written, `{%- if cookiecutter.tracing %}` or `{{ .Namespace }}`. */
  readonly tag: string;
  /** Which engines write tags of this shape, for the message. */
  readonly engine: string;
}

/** Opening and closing delimiters of template tags (Jinja, Go templates, Handlebars, Mustache). */
const CLOSERS: ReadonlyMap<string, string> = new Map([
  ['{', '}}'],
  ['%', '%}'],
  ['#', '#}'],
]);

/** Lexer tokens that mark a state change and stand for no text of the source. */
const ZERO_WIDTH: ReadonlySet<string> = new Set(['doc-mode', 'flow-error-end', 'scalar']);

/**
 * The first template tag outside strings and comments, when the text is evidently the source of
 * another tool (Jinja, Cookiecutter, Go templates, Handlebars) rather than a document of its own.
 * A tag is `{{`, `{%` or `{#` where JSON or YAML syntax is expected, closed on the same line; in a
 * quoted or block string it is text (CloudFormation's `{{resolve:...}}` dynamic references, code
 * in `ZipFile`), and `{{resolve:` is never taken for a tag.
 */
export function findForeignMarker(text: string, format: SourceFormat): ForeignMarker | undefined {
  // Most documents hold no opener at all: skip the second lexing pass for them.
  if (!/\{[{%#]/.test(text)) return undefined;
  for (const offset of format === 'json' ? jsonBraces(text) : yamlBraces(text)) {
    const marker = markerAt(text, offset);
    if (marker) return marker;
  }
  return undefined;
}

function markerAt(text: string, start: number): ForeignMarker | undefined {
  const closer = CLOSERS.get(text[start + 1] ?? '');
  if (!closer || text.startsWith('{{resolve:', start)) return undefined;
  let lineEnd = text.indexOf('\n', start);
  if (lineEnd < 0) lineEnd = text.length;
  const close = text.indexOf(closer, start + 2);
  if (close < 0 || close >= lineEnd) return undefined;
  const tag = text.slice(start, close + closer.length).replace(/\r$/, '');
  return { start, end: start + tag.length, tag, engine: engineOf(tag) };
}

function engineOf(tag: string): string {
  if (tag.startsWith('{%') || tag.startsWith('{#')) return 'Jinja or Cookiecutter';
  const inner = tag.slice(2).replace(/^-?\s*/, '');
  if (/^[#/>!^]/.test(inner)) return 'Handlebars or Mustache';
  if (/^(\.|\$|(if|else|end|range|with|define|template|block)\b)/.test(inner)) return 'Go';
  return 'Jinja, Go or Handlebars';
}

// jsonc-parser's `SyntaxKind` is a const enum, which isolated modules cannot read.
const OPEN_BRACE = 1 satisfies SyntaxKind.OpenBraceToken;
const EOF = 17 satisfies SyntaxKind.EOF;

/** Offsets of `{` tokens that open an object in JSON (not inside strings or comments). */
function* jsonBraces(text: string): Generator<number> {
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === OPEN_BRACE) yield scanner.getTokenOffset();
  }
}

/** Offsets of `{` flow indicators in YAML, as the `yaml` library's own lexer reads the text. */
function* yamlBraces(text: string): Generator<number> {
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '{') yield offset;
    if (!ZERO_WIDTH.has(CST.tokenType(token) ?? '')) offset += token.length;
  }
}
