/**
 * Writes the bucket rules' fixes: a statement appended to a policy's list, or a new resource after
 * another, in the document's own format and indentation.
 */
import { getValue, type ObjectNode, type ParsedDocument } from '../document';
import { contentEnd, indentUnit, lineBreakOf } from '../edits';
import type { Template, TemplateResource } from '../model';
import { renderBlock, renderInline, renderYamlItem, yamlScalar, type Value } from '../render';
import { newPolicyName, policyResource } from './bucket-policy';
import type { Fix, TextEdit } from './rule';

/**
 * The bucket rules' fix for a bucket without a policy: a new `AWS::S3::BucketPolicy` holding
 * `statement`, right after the bucket. Unsafe: the deny refuses requests that worked before.
 */
export function newBucketPolicyFix(
  document: ParsedDocument,
  template: Template,
  bucket: TemplateResource,
  statement: Value,
  title: string,
): Fix[] {
  const name = newPolicyName(template, bucket.name);
  const edit = insertResourceAfter(
    document,
    bucket.node,
    name,
    policyResource(bucket.name, statement),
  );
  return edit ? [{ title, safe: false, edits: [edit] }] : [];
}

/** The bucket rules' fix for a bucket policy: `statement` appended to it. Unsafe, as above. */
export function appendStatementFix(
  document: ParsedDocument,
  policy: ObjectNode,
  statement: Value,
  title: string,
): Fix[] {
  const edit = appendStatement(document, policy, statement);
  return edit ? [{ title, safe: false, edits: [edit] }] : [];
}

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
  // YAML block sequence written with the dash alone on its line and the entry below it.
  if (/^[ \t]*$/.test(head)) {
    const lineStart = last.start - head.length;
    const dashLine = text
      .slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)
      .replace(/\r$/, '');
    if (!/^[ \t]*-[ \t]*$/.test(dashLine)) return undefined;
    const item = renderYamlItem(statement, head, unit, eol);
    return { start: at, end: at, newText: `${eol}${dashLine.trimEnd()}${eol}${head}${item}` };
  }
  // YAML block sequence: `- ` then the first entry, the others aligned under it.
  const dash = head.replace(/-\s*$/, '');
  return {
    start: at,
    end: at,
    newText: `${eol}${dash}- ${renderYamlItem(statement, ' '.repeat(head.length), unit, eol)}`,
  };
}

/** Inserts a new resource right after another one, at the same indentation. */
function insertResourceAfter(
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
    newText: `${eol}${indent}${yamlScalar(name)}:${renderBlock(value, 'yaml', indent, unit, eol).replace(/^(?!\r?\n)/, ' ')}`,
  };
}
