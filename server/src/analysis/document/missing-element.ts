import type { Node, ObjectNode, ParsedDocument, Range } from './tree';

/**
 * Where to report an element missing from an object: the key that holds the object, or for the
 * document's root, its first token.
 */
export function missingElementRange(document: ParsedDocument, object: ObjectNode): Node | Range {
  if (object.property) return object.property.key;
  if (object.parent === undefined) {
    const first = document.format === 'yaml' ? object.properties[0]?.key : undefined;
    return first ?? { start: object.start, end: object.start + 1 };
  }
  return { start: object.start, end: object.start + 1 };
}
