import type { Node, ObjectNode, ParsedDocument, Range, StringNode } from './document';
import { renderBlock, renderInline, yamlScalar, type Value } from './render';
import type { Fix, TextEdit } from './finding';

export function replace(range: Range, newText: string): TextEdit {
  return { start: range.start, end: range.end, newText };
}

/**
 * Applies edits to a text. Edits are applied from the end so offsets stay valid; an edit that
 * overlaps one already applied is skipped and reported, never merged into a corrupt result.
 */
export function applyEdits(
  text: string,
  edits: readonly TextEdit[],
): { text: string; skipped: number } {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  let limit = Infinity;
  let skipped = 0;
  for (const edit of sorted) {
    if (edit.end > limit || edit.start < 0 || edit.end > text.length || edit.start > edit.end) {
      skipped++;
      continue;
    }
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    limit = edit.start;
  }
  return { text: result, skipped };
}

/** The line break the document already uses, so inserted lines match it. */
export function lineBreakOf(text: string): string {
  const index = text.indexOf('\n');
  return index > 0 && text[index - 1] === '\r' ? '\r\n' : '\n';
}

/** The indentation of the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** The document's indentation step, guessed from its first indented line (default two spaces). */
export function indentUnit(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  if (!match?.[1]) return '  ';
  return match[1].startsWith('\t') ? '\t' : ' '.repeat(Math.min(Math.max(match[1].length, 2), 4));
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineHead(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}

/**
 * Replaces a string node's value, keeping its quoting when the new value needs no escaping.
 */
export function replaceString(
  document: ParsedDocument,
  node: StringNode,
  newValue: string,
): TextEdit {
  const raw = document.text.slice(node.start, node.end);
  const quote = raw[0];
  if (document.format === 'json') {
    return replace(node, JSON.stringify(newValue));
  }
  if (quote === "'" && !newValue.includes("'")) return replace(node, `'${newValue}'`);
  if (quote === '"' && !/["\\]/.test(newValue)) return replace(node, `"${newValue}"`);
  return replace(node, yamlScalar(newValue));
}

/**
 * Replaces one value with several: inside a list the new items take its place in the list's own
 * layout; as a property's single value it becomes a list.
 */
export function replaceWithList(
  document: ParsedDocument,
  node: Node,
  values: readonly Value[],
): TextEdit {
  const { text, format } = document;
  const eol = lineBreakOf(text);
  if (values.length === 1 && values[0] !== undefined)
    return replace(node, renderInline(values[0], format));
  if (node.parent?.kind === 'array') {
    const head = lineHead(text, node.start);
    let separator: string;
    if (format === 'yaml' && /^\s*-\s+$/.test(head)) {
      separator = `${eol}${head.replace(/-\s+$/, '')}- `;
    } else {
      const multiLine =
        node.parent.items.length > 1
          ? text.slice(node.parent.start, node.parent.end).includes('\n')
          : /^\s*$/.test(head);
      separator = multiLine ? `,${eol}${indentationAt(text, node.start)}` : ', ';
    }
    return replace(node, values.map((v) => renderInline(v, format)).join(separator));
  }
  const property = node.property;
  const unit = indentUnit(text);
  const keyIndent = property
    ? ' '.repeat(columnOf(text, property.key.start))
    : indentationAt(text, node.start);
  if (format === 'json') {
    const oneLine =
      node.parent !== undefined && !text.slice(node.parent.start, node.parent.end).includes('\n');
    return replace(
      node,
      oneLine ? renderInline(values, format) : renderBlock(values, format, keyIndent, unit, eol),
    );
  }
  // Inside a YAML flow mapping (`{ Resource: '*' }`) a block sequence cannot follow: stay inline.
  if (!property || text[property.parent.start] === '{')
    return replace(node, renderInline(values, format));
  // `Key: value` becomes `Key:` followed by a block sequence, keeping any comment after the value.
  const colon = text.indexOf(':', property.key.end);
  const items = values.map((v) => `${eol}${keyIndent}${unit}- ${renderInline(v, format)}`).join('');
  return { start: colon + 1, end: node.end, newText: items };
}

/** Adds `key: value` as the last property of an object, in the object's own layout. */
export function insertProperty(
  document: ParsedDocument,
  object: ObjectNode,
  key: string,
  value: Value,
): TextEdit | undefined {
  const { text, format } = document;
  const last = object.properties[object.properties.length - 1];
  if (!last) return undefined;
  const eol = lineBreakOf(text);
  const unit = indentUnit(text);
  const column = columnOf(text, last.key.start);
  const sameLine = !text.slice(object.start, last.key.start).includes('\n');
  const end = contentEnd(text, last.value?.end ?? last.key.end);
  if (format === 'json') {
    if (sameLine)
      return {
        start: end,
        end,
        newText: `, ${JSON.stringify(key)}: ${renderInline(value, format)}`,
      };
    const indent = ' '.repeat(column);
    return {
      start: end,
      end,
      newText: `,${eol}${indent}${JSON.stringify(key)}: ${renderBlock(value, format, indent, unit, eol)}`,
    };
  }
  if (object.tag === undefined && text[object.start] === '{') {
    return { start: end, end, newText: `, ${yamlScalar(key)}: ${renderInline(value, format)}` };
  }
  const indent = ' '.repeat(column);
  const block = renderBlock(value, format, indent, unit, eol);
  return {
    start: end,
    end,
    newText: `${eol}${indent}${yamlScalar(key)}:${block.startsWith(eol) ? '' : ' '}${block}`,
  };
}

/**
 * Where a value's own text ends: YAML block collections end after their last line break (and any
 * blank lines), but an insertion belongs right after the last character.
 */
export function contentEnd(text: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(text[i - 1] ?? '')) i--;
  return i;
}

/** The safe fix for a key written in the wrong case: rename it to the one IAM knows. */
export function renameKeyFix(document: ParsedDocument, key: StringNode, intended: string): Fix {
  return {
    title: `Rename "${key.value}" to "${intended}"`,
    safe: true,
    edits: [replaceString(document, key, intended)],
  };
}
