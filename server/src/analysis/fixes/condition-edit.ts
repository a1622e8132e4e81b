import type { ParsedDocument } from '../document';
import { insertProperty } from '../edits';
import type { TextEdit } from '../finding';
import { intrinsicName, type Statement } from '../model';
import type { Value } from '../render';

/**
 * Adds `key: value` under `StringEquals` to the statement: a new `Condition`, or into the
 * `Condition` (and its `StringEquals`) already there. Undefined when the condition is not a plain
 * object.
 */
export function stringEqualsEdit(
  document: ParsedDocument,
  statement: Statement,
  key: string,
  value: Value,
): TextEdit | undefined {
  const test: Value = { map: [[key, value]] };
  const condition = statement.element('Condition')?.value;
  if (!condition)
    return insertProperty(document, statement.node, 'Condition', { map: [['StringEquals', test]] });
  if (condition.kind !== 'object' || intrinsicName(condition) !== undefined) return undefined;
  const equals = condition.properties.find((p) => p.key.value === 'StringEquals')?.value;
  if (equals?.kind === 'object' && intrinsicName(equals) === undefined)
    return insertProperty(document, equals, key, value);
  return insertProperty(document, condition, 'StringEquals', test);
}
