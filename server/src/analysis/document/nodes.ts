/**
 * Node constructors shared by the JSON and YAML converters. Every node is built here with the same
 * property order, so the engine's hot paths see one object shape per kind.
 */
import type {
  ArrayNode,
  Node,
  ObjectNode,
  ParseProblem,
  Property,
  ScalarNode,
  StringNode,
} from './tree';

type Parent = ObjectNode | ArrayNode | undefined;

export function objectNode(start: number, end: number, parent: Parent, tag?: string): ObjectNode {
  return { kind: 'object', start, end, parent, property: undefined, properties: [], tag };
}

export function arrayNode(start: number, end: number, parent: Parent): ArrayNode {
  return { kind: 'array', start, end, parent, property: undefined, items: [] };
}

export function stringNode(
  start: number,
  end: number,
  parent: Parent,
  value: string,
  quoted: boolean,
): StringNode {
  return { kind: 'string', start, end, parent, property: undefined, value, quoted };
}

/** A number, boolean or null; strings go through {@link stringNode}. */
export function scalarNode(
  start: number,
  end: number,
  parent: Parent,
  value: number | boolean | null,
): ScalarNode {
  if (typeof value === 'number')
    return { kind: 'number', start, end, parent, property: undefined, value };
  if (typeof value === 'boolean')
    return { kind: 'boolean', start, end, parent, property: undefined, value };
  return { kind: 'null', start, end, parent, property: undefined, value: null };
}

/** Adds `key: value` to an object, linking the value back to its property. */
export function addProperty(
  object: ObjectNode,
  key: StringNode,
  value: Node | undefined,
  start: number,
  end: number,
): void {
  const property: Property = { key, value, parent: object, start, end };
  if (value) value.property = property;
  object.properties.push(property);
}

/** Tracks the keys of one object and reports repeats at the later key. */
export class KeyTracker {
  private readonly seen = new Set<string>();

  constructor(
    private readonly problems: ParseProblem[],
    private readonly container: 'object' | 'mapping',
  ) {}

  add(key: StringNode): void {
    if (this.seen.has(key.value)) {
      this.problems.push({
        code: 'duplicate-key',
        message: `Key "${key.value}" is repeated in this ${this.container}; only the last value takes effect.`,
        start: key.start,
        end: Math.max(key.end, key.start + 1),
      });
    }
    this.seen.add(key.value);
  }
}
