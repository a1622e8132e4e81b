/**
 * Where the cursor is for completion. Documents being typed rarely parse as meant: in YAML `s3:`
 * at the end of a line is a mapping key, a blank line in a mapping is no node at all, and an
 * unterminated JSON string swallows the rest of the line. So the token under the cursor is read
 * from the text, and when the tree does not hold it as one clean string, the token is replaced by
 * a placeholder and the text parsed again: the placeholder then sits exactly where the user types.
 */
import {
  nodeAt,
  parseJson,
  parseYaml,
  type Node,
  type ParsedDocument,
  type Range,
  type StringNode,
} from '../document';
import { buildModel, type DocumentModel } from '../model';

/** The token under the cursor, as text. */
export interface Token {
  /** Offset of the token's first character (after an opening quote). */
  readonly start: number;
  /** Offset one past its last character (before a closing quote). */
  readonly end: number;
  /** What the user has typed so far: from `start` to the cursor. */
  readonly typed: string;
  /** Inside quotes; false for a YAML plain scalar or an empty spot where a JSON string must go. */
  readonly quoted: boolean;
}

/** The token and the node that stands for it in a tree that holds it as a string. */
export interface CursorContext {
  readonly token: Token;
  readonly format: 'json' | 'yaml';
  /** The string node at the token (the real one, or the placeholder in the reparsed tree). */
  readonly node: StringNode;
  /** Whether `node` is a property key. */
  readonly isKey: boolean;
  /** The model of the tree `node` belongs to. */
  readonly model: DocumentModel;
}

const PLACEHOLDER = 'scopewiseCompletion';
/** Characters that end a token: quotes, whitespace and JSON/YAML flow punctuation. */
const STOP = /["'\s,[\]{}]/;

/**
 * The context at `offset`, or undefined when the cursor is in no place a completion can go
 * (a comment, a number, the middle of punctuation).
 */
export function cursorContext(
  document: ParsedDocument,
  model: DocumentModel,
  offset: number,
): CursorContext | undefined {
  const { text, format } = document;
  if (offset < 0 || offset > text.length) return undefined;
  const region = policyRegion(text, model, offset);
  if (!region) return undefined;
  const token = readToken(text, offset, format);
  if (!token) return undefined;
  const direct = cleanString(document.root, token);
  if (direct) return { token, format, node: direct, isKey: isKeyNode(direct), model };

  // Reparse with a placeholder where the token is, so the tree holds it as a string. JSON
  // parses fast enough whole; YAML is cut to the policy's lines, its first line padded so that
  // columns (and so the block structure) stay as they were.
  const open = token.quoted ? token.start - 1 : token.start;
  const closed = token.quoted && text[token.end] === text[open];
  const close = closed ? token.end + 1 : token.end;
  const quote = token.quoted ? (text[open] ?? '"') : format === 'json' ? '"' : '';
  const placeholder = `${quote}${PLACEHOLDER}${quote}`;
  let reparsed: ParsedDocument;
  let at: number;
  if (format === 'json') {
    reparsed = parseJson(`${text.slice(0, open)}${placeholder}${text.slice(close)}`);
    at = open + quote.length + 1;
  } else {
    const from = text.lastIndexOf('\n', region.start - 1) + 1;
    const to = Math.max(close, lineEndAt(text, Math.max(region.end, offset)));
    const padding = ' '.repeat(region.start - from);
    // A word alone on its line is a key being typed: without a colon YAML would read it and
    // the next line's key as one multi-line key.
    const colon = aloneOnLine(text, open, close) ? ':' : '';
    reparsed = parseYaml(
      `${padding}${text.slice(region.start, open)}${placeholder}${colon}${text.slice(close, to)}`,
    );
    at = open - from + quote.length + 1;
  }
  const node = nodeAt(reparsed.root, at);
  if (node?.kind !== 'string' || node.value !== PLACEHOLDER) return undefined;
  return {
    token,
    format,
    node,
    isKey: isKeyNode(node),
    model: buildModel(reparsed, { policyType: policyTypeOf(model) }),
  };
}

/**
 * The policy whose text holds the offset: inside its node, or on blank space right after it
 * (where YAML puts a new key being typed). Undefined when the cursor is in no policy.
 */
function policyRegion(text: string, model: DocumentModel, offset: number): Range | undefined {
  let best: Range | undefined;
  for (const policy of model.policies) {
    const { start, end } = policy.node;
    if (offset < start) continue;
    if (offset > end && text.slice(end, offset).trim() !== '') continue;
    // The innermost one wins (a policy is never inside another, but be exact anyway).
    if (!best || start >= best.start) best = { start, end };
  }
  return best;
}

/** Whether only whitespace surrounds `[start, end)` on its line. */
function aloneOnLine(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return (
    text.slice(lineStart, start).trim() === '' &&
    text.slice(end, lineEndAt(text, end)).trim() === ''
  );
}

function lineEndAt(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

/** Keeps the policy type the host configured for a standalone policy. */
function policyTypeOf(model: DocumentModel) {
  const policy = model.kind === 'iam-policy' ? model.policies[0] : undefined;
  return policy && !policy.typeFromContent && policy.type !== 'unknown' ? policy.type : undefined;
}

/** Reads the token around the cursor. JSON tokens are always strings; YAML ones may be plain. */
export function readToken(
  text: string,
  offset: number,
  format: 'json' | 'yaml',
): Token | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  if (text[lineEnd - 1] === '\r') lineEnd--;
  if (offset > lineEnd) return undefined;
  const open = openQuote(text, lineStart, offset, format);
  if (open === null) return undefined; // in a comment
  if (open !== undefined) {
    const quote = text[open];
    let end = offset;
    while (end < lineEnd && text[end] !== quote) end += text[end] === '\\' && quote === '"' ? 2 : 1;
    if (end >= lineEnd) {
      // Unterminated: the token is the word at the cursor, not the rest of the line.
      end = offset;
      while (end < lineEnd && !STOP.test(text[end] ?? ' ')) end++;
    }
    return { start: open + 1, end, typed: text.slice(open + 1, offset), quoted: true };
  }
  if (format === 'json') {
    // Outside a string JSON allows no words: the completion must bring its own quotes.
    const before = text[offset - 1];
    if (before !== undefined && !/[\s,[{:]/.test(before)) return undefined;
    return { start: offset, end: offset, typed: '', quoted: false };
  }
  let start = offset;
  while (start > lineStart && !STOP.test(text[start - 1] ?? ' ')) start--;
  let end = offset;
  while (end < lineEnd && !STOP.test(text[end] ?? ' ')) end++;
  const token = text.slice(start, end);
  // `- ` and `key: ` are YAML syntax, not parts of the token; `#` starts a comment.
  if (token.startsWith('#')) return undefined;
  if (token === '-') return undefined;
  return { start, end, typed: text.slice(start, offset), quoted: false };
}

/**
 * The offset of the quote that opens the string the cursor is in, undefined when it is in none,
 * null when it is in a YAML comment.
 */
function openQuote(
  text: string,
  from: number,
  offset: number,
  format: 'json' | 'yaml',
): number | undefined | null {
  let open: number | undefined;
  for (let i = from; i < offset; i++) {
    const c = text[i];
    if (open === undefined) {
      if (c === '"' || (c === "'" && format === 'yaml' && quoteCanOpen(text, i))) open = i;
      else if (c === '#' && format === 'yaml' && (i === from || /\s/.test(text[i - 1] ?? ''))) {
        return null;
      }
    } else if (c === '\\' && text[open] === '"') {
      i++;
    } else if (c === text[open]) {
      // YAML escapes a single quote by doubling it.
      if (c === "'" && text[i + 1] === "'") i++;
      else open = undefined;
    }
  }
  return open;
}

/** In YAML an apostrophe inside a plain word (`don't`) is not a quote. */
function quoteCanOpen(text: string, at: number): boolean {
  return at === 0 || /[\s,[{:-]/.test(text[at - 1] ?? ' ');
}

/** The string node of the tree that is exactly the token, if the tree parsed it cleanly. */
function cleanString(root: Node | undefined, token: Token): StringNode | undefined {
  const node = nodeAt(root, token.start);
  if (node?.kind !== 'string' || node.quoted !== token.quoted) return undefined;
  const inner = token.quoted ? 1 : 0;
  if (node.start + inner !== token.start || node.end - inner !== token.end) return undefined;
  // A YAML plain scalar with an indicator inside (`s3:`) parses as something else.
  if (token.end === token.start && !token.quoted) return undefined;
  return node;
}

function isKeyNode(node: StringNode): boolean {
  const parent = node.parent;
  return (
    parent?.kind === 'object' &&
    node.property === undefined &&
    parent.properties.some((p) => p.key === node)
  );
}
