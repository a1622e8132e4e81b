/**
 * "Split the statement per resource type": one `Allow` statement whose actions act on several
 * resource types (objects, buckets, projects) becomes one statement per type, each naming only
 * that type's resources. Each new statement is a copy of the original text with its `Action` list
 * trimmed, its `Resource` replaced and its `Sid` suffixed, so everything else (the `Condition`,
 * comments, quoting, layout) is carried over exactly.
 */
import {
  contentEnd,
  indentationAt,
  lineBreakOf,
  replace,
  replaceString,
  replaceWithList,
} from '../edits';
import type { Node, ParsedDocument } from '../document';
import type { Statement } from '../model';
import { renderInline, type Value } from '../render';
import type { Fix, TextEdit } from '../finding';

/** The actions of one resource type, with the resources to name for them. */
export interface SplitGroup {
  /** Appended to the statement's `Sid` (letters and digits only). */
  readonly suffix: string;
  /** The `Action` list items that belong to this group. */
  readonly actions: readonly Node[];
  /** The new `Resource` values; undefined keeps `*` (actions that accept only `*`). */
  readonly arns: readonly Value[] | undefined;
  /** More edits of the original statement's text for this copy only (e.g. a new `Condition`). */
  readonly edits?: readonly TextEdit[];
}

/**
 * The split fix, when the statement can be split in place: it is an item of a `Statement` list
 * (not an `Fn::If` branch), its `Action` is a literal list and its only `Resource` is `star`.
 */
export function splitStatementFix(
  document: ParsedDocument,
  statement: Statement,
  star: Node,
  groups: readonly SplitGroup[],
): Fix | undefined {
  const { text } = document;
  const node = statement.node;
  const list = node.parent;
  const actions = statement.element('Action')?.value;
  const resource = statement.element('Resource')?.value;
  if (groups.length < 2 || list?.kind !== 'array' || list.property?.key.value !== 'Statement')
    return undefined;
  if (actions?.kind !== 'array' || actions.items.some((i) => i.kind !== 'string')) return undefined;
  if (
    resource !== star &&
    !(resource?.kind === 'array' && resource.items.length === 1 && resource.items[0] === star)
  )
    return undefined;
  const end = contentEnd(text, node.end);
  const original = text.slice(node.start, end);
  const flow = document.format === 'yaml' && original.startsWith('{');
  const sid = statement.element('Sid')?.value;
  const copies: string[] = [];
  for (const group of groups) {
    const edits: TextEdit[] = [
      ...trimList(text, actions.items, new Set(group.actions)),
      ...(group.edits ?? []),
    ];
    if (group.arns !== undefined) {
      edits.push(
        flow && group.arns.length > 1
          ? replace(star, renderInline(group.arns, 'yaml'))
          : replaceWithList(document, star, group.arns),
      );
    }
    if (sid?.kind === 'string') edits.push(replaceString(document, sid, sid.value + group.suffix));
    const copy = applyWithin(text, node.start, end, edits);
    if (copy === undefined) return undefined;
    copies.push(copy);
  }
  const between = separator(document, node);
  if (between === undefined) return undefined;
  return {
    title: 'Split the statement per resource type',
    // Each new statement names only its type's resources: narrower, but the user picks the ARNs.
    safe: false,
    edits: [{ start: node.start, end, newText: copies.join(between) }],
  };
}

/**
 * The edits that remove the list items not kept, keeping the list's own separators. In a YAML
 * block sequence whole lines go, so the comments of the kept items stay with them.
 */
function trimList(text: string, items: readonly Node[], kept: ReadonlySet<Node>): TextEdit[] {
  if (items.every((i) => /^\s*-\s+$/.test(lineHead(text, i.start)))) {
    return items
      .filter((i) => !kept.has(i))
      .map((i) => {
        // From the line break before the item to the end of its line (comment included).
        const lineStart = i.start - lineHead(text, i.start).length;
        const start = text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1;
        let end = text.indexOf('\n', contentEnd(text, i.end));
        if (end < 0) end = text.length;
        else if (text[end - 1] === '\r') end--;
        return { start, end, newText: '' };
      });
  }
  const first = items.findIndex((i) => kept.has(i));
  const firstKept = items[first];
  if (first < 0 || firstKept === undefined) return [];
  const edits: TextEdit[] = [];
  const head = items[0];
  if (first > 0 && head) edits.push({ start: head.start, end: firstKept.start, newText: '' });
  for (let i = first + 1; i < items.length; i++) {
    const item = items[i];
    const previous = items[i - 1];
    if (!item || !previous || kept.has(item)) continue;
    edits.push({
      start: contentEnd(text, previous.end),
      end: contentEnd(text, item.end),
      newText: '',
    });
  }
  return edits;
}

function lineHead(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}

/** Applies edits to the text between `start` and `end`; undefined if one falls outside. */
function applyWithin(
  text: string,
  start: number,
  end: number,
  edits: readonly TextEdit[],
): string | undefined {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let result = text.slice(start, end);
  let limit = end;
  for (const edit of sorted) {
    if (edit.start < start || edit.end > limit) return undefined;
    result = result.slice(0, edit.start - start) + edit.newText + result.slice(edit.end - start);
    limit = edit.start;
  }
  return result;
}

/**
 * What goes between two statements of the list, in the list's own layout; undefined for a YAML
 * layout this does not know.
 */
function separator(document: ParsedDocument, node: Node): string | undefined {
  const { text } = document;
  const eol = lineBreakOf(text);
  const head = lineHead(text, node.start);
  const list = node.parent;
  if (document.format === 'yaml' && list !== undefined && text[list.start] !== '[') {
    // `- Effect: ...`, or a dash alone on the line above (`-` then the mapping below it).
    if (/^\s*-\s+$/.test(head)) return `${eol}${head}`;
    const lineStart = node.start - head.length;
    const dashLine = lineHead(text, text.lastIndexOf('\n', lineStart - 1)).replace(/\r$/, '');
    if (/^\s*$/.test(head) && /^\s*-\s*$/.test(dashLine)) return `${eol}${dashLine}${eol}${head}`;
    return undefined;
  }
  const multiLine =
    list !== undefined && list.kind === 'array' && list.items.length > 1
      ? text.slice(list.start, list.end).includes('\n')
      : /^\s*$/.test(head);
  return multiLine ? `,${eol}${indentationAt(text, node.start)}` : ', ';
}
