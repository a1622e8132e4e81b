import { getValue, type Node, type ObjectNode } from '../document';
import { alternatives, intrinsicName, type LocatedValue } from './values';

/** How a pipeline is spelled: the API's camelCase JSON, or a template's PascalCase properties. */
export type PipelineSpelling = 'json' | 'cfn';

/** Reads a key by its camelCase name, spelled PascalCase in templates. */
export function field(
  node: Node | undefined,
  camel: string,
  spelling: PipelineSpelling,
): Node | undefined {
  const key = spelling === 'cfn' ? camel.charAt(0).toUpperCase() + camel.slice(1) : camel;
  return getValue(node, key);
}

/**
 * A scalar as the engine knows it: strings as they are, numbers and booleans as their text (a
 * YAML `Version: 1` means `"1"`), anything else unknown.
 */
export function scalarValue(node: Node | undefined): LocatedValue | undefined {
  if (node === undefined) return undefined;
  switch (node.kind) {
    case 'string':
      return { node, value: node.value };
    case 'number':
    case 'boolean':
      return { node, value: String(node.value) };
    default:
      return { node, value: undefined };
  }
}

/**
 * Calls `read` for every object entry of a list, with its position and whether it sits in an
 * `Fn::If` (each branch is an entry of its own; `AWS::NoValue` branches drop out). Returns false
 * when the list, or some entry, is not a literal object (a `Ref`, `Fn::Split`, ...).
 */
export function eachEntry(
  list: Node | undefined,
  read: (entry: ObjectNode, index: number, conditional: boolean) => void,
): boolean {
  if (list?.kind !== 'array') return false;
  let complete = true;
  list.items.forEach((item, index) => {
    const conditional = intrinsicName(item) === 'Fn::If';
    for (const choice of alternatives(item)) {
      if (choice.kind === 'object' && intrinsicName(choice) === undefined) {
        read(choice, index, conditional);
      } else {
        complete = false;
      }
    }
  });
  return complete;
}

/** A literal number; templates may also write it as a numeric string. */
export function numberOf(node: Node): number | undefined {
  if (node.kind === 'number') return node.value;
  if (node.kind === 'string' && /^-?\d+(\.\d+)?$/.test(node.value.trim()))
    return Number(node.value);
  return undefined;
}
