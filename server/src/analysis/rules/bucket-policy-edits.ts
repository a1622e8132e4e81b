/**
 * Writes the bucket rules' fixes: a statement appended to a policy's list, an entry added to an
 * object, a new resource after another, all in the document's own format and indentation (lists
 * of maps stay in block style in YAML).
 */
import { getValue, type ObjectNode, type ParsedDocument } from '../document';
import { indentUnit, insertProperty, lineBreakOf } from '../edits';
import { renderBlock, renderInline, yamlScalar, type Value } from '../render';
import type { TextEdit } from './rule';

/** Appends a statement to a policy's `Statement` list, in the list's own layout. */
export function appendStatement(
  document: ParsedDocument,
  policy: ObjectNode,
  statement: Value,
): TextEdit | undefined {
  const list = getValue(policy, 'Statement');
  const last = list?.kind === 'array' ? list.items[list.items.length - 1] : undefined;
  if (list?.kind !== 'array' || last === undefined) return undefined;
  const { text, format } = document;
  const eol = lineBreakOf(text);
  const unit = indentUnit(text);
  const at = contentEnd(text, last.end);
  if (
    !text.slice(list.start, list.end).includes('\n') ||
    (format === 'yaml' && text[list.start] === '[')
  ) {
    return { start: at, end: at, newText: `, ${renderInline(statement, format)}` };
  }
  const head = text.slice(text.lastIndexOf('\n', last.start - 1) + 1, last.start);
  if (format === 'json') {
    const indent = /^\s*$/.test(head) ? head : ' '.repeat(head.length);
    return {
      start: at,
      end: at,
      newText: `,${eol}${indent}${renderBlock(statement, 'json', indent, unit, eol)}`,
    };
  }
  // YAML block sequence: `- ` then the first entry, the others aligned under it.
  const dash = head.replace(/-\s*$/, '');
  return {
    start: at,
    end: at,
    newText: `${eol}${dash}- ${yamlItem(statement, ' '.repeat(head.length), unit, eol)}`,
  };
}

function mapEntries(value: Value): readonly (readonly [string, Value])[] | undefined {
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  return 'map' in (value as object)
    ? (value as { map: readonly (readonly [string, Value])[] }).map
    : undefined;
}

/** A map as the text after `- `: first entry on the dash line, the rest at `column`. */
function yamlItem(value: Value, column: string, unit: string, eol: string): string {
  const entries = mapEntries(value);
  if (entries === undefined) return renderInline(value, 'yaml');
  return entries
    .map(
      ([key, item], i) =>
        `${i === 0 ? '' : `${eol}${column}`}${yamlScalar(key)}:${yamlValue(item, column, unit, eol)}`,
    )
    .join('');
}

/** A value after `key:` in block YAML, with lists of maps in block style. */
export function yamlValue(value: Value, indent: string, unit: string, eol: string): string {
  if (Array.isArray(value)) {
    const inner = indent + unit;
    return (value as readonly Value[])
      .map((item) => `${eol}${inner}- ${yamlItem(item, `${inner}  `, unit, eol)}`)
      .join('');
  }
  const entries = mapEntries(value);
  if (entries !== undefined) {
    const inner = indent + unit;
    return entries
      .map(([key, item]) => `${eol}${inner}${yamlScalar(key)}:${yamlValue(item, inner, unit, eol)}`)
      .join('');
  }
  // A plain 2012-10-17 reads as a date to YAML 1.1 parsers; policy versions stay strings.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return ` '${value}'`;
  return ` ${renderInline(value, 'yaml')}`;
}

/**
 * Adds `key: value` to an object: block YAML gets lists of maps in block style, everything else
 * goes through `insertProperty`.
 */
export function insertEntry(
  document: ParsedDocument,
  object: ObjectNode,
  key: string,
  value: Value,
): TextEdit | undefined {
  const { text } = document;
  const last = object.properties[object.properties.length - 1];
  if (document.format === 'json' || !last || text[object.start] === '{') {
    return insertProperty(document, object, key, value);
  }
  const indent = ' '.repeat(last.key.start - (text.lastIndexOf('\n', last.key.start - 1) + 1));
  const at = contentEnd(text, last.value?.end ?? last.key.end);
  const eol = lineBreakOf(text);
  return {
    start: at,
    end: at,
    newText: `${eol}${indent}${yamlScalar(key)}:${yamlValue(value, indent, indentUnit(text), eol)}`,
  };
}

/** Inserts a new resource right after another one, at the same indentation. */
export function insertResourceAfter(
  document: ParsedDocument,
  after: ObjectNode,
  name: string,
  value: Value,
): TextEdit | undefined {
  const key = after.property?.key;
  if (key === undefined) return undefined;
  const { text, format } = document;
  const eol = lineBreakOf(text);
  const unit = indentUnit(text);
  const lineStart = text.lastIndexOf('\n', key.start - 1) + 1;
  const indent = ' '.repeat(key.start - lineStart);
  const at = contentEnd(text, after.end);
  if (format === 'json') {
    if (
      !text.slice(lineStart, key.start).trim().length &&
      text.slice(after.start, after.end).includes('\n')
    ) {
      const block = renderBlock(value, 'json', indent, unit, eol);
      return {
        start: at,
        end: at,
        newText: `,${eol}${indent}${JSON.stringify(name)}: ${block}`,
      };
    }
    return {
      start: at,
      end: at,
      newText: `, ${JSON.stringify(name)}: ${renderInline(value, 'json')}`,
    };
  }
  if (text.slice(lineStart, key.start).trim().length > 0) return undefined;
  return {
    start: at,
    end: at,
    newText: `${eol}${indent}${yamlScalar(name)}:${yamlValue(value, indent, unit, eol)}`,
  };
}

/** YAML block nodes can end after their line break; new text goes right after the content. */
function contentEnd(text: string, end: number): number {
  let at = end;
  while (at > 0 && /\s/.test(text[at - 1] ?? '')) at--;
  return at;
}
