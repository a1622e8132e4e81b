/**
 * One located tree for JSON and YAML. Every node knows its UTF-16 range in the source text;
 * features never look at the parser's own AST.
 */

export interface Range {
  /** UTF-16 offset of the first code unit. */
  readonly start: number;
  /** UTF-16 offset one past the last code unit. */
  readonly end: number;
}

interface NodeBase extends Range {
  parent: ObjectNode | ArrayNode | undefined;
  /** The property this node is the value of, when it is one. */
  property: Property | undefined;
}

export interface ObjectNode extends NodeBase {
  readonly kind: 'object';
  readonly properties: Property[];
  /**
   * Set when the object stands for a YAML short-form tag (`!Ref x` is the object `{Ref: x}` whose
   * range starts at the tag); the tag text, such as `!Sub`.
   */
  readonly tag?: string;
}

export interface ArrayNode extends NodeBase {
  readonly kind: 'array';
  readonly items: Node[];
}

export interface StringNode extends NodeBase {
  readonly kind: 'string';
  readonly value: string;
  /** False for YAML plain scalars. */
  readonly quoted: boolean;
}

export interface NumberNode extends NodeBase {
  readonly kind: 'number';
  readonly value: number;
}

export interface BooleanNode extends NodeBase {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export interface NullNode extends NodeBase {
  readonly kind: 'null';
  readonly value: null;
}

export type ScalarNode = StringNode | NumberNode | BooleanNode | NullNode;
export type Node = ObjectNode | ArrayNode | ScalarNode;

export interface Property extends Range {
  readonly key: StringNode;
  /** Missing when the document breaks off after the key. */
  value: Node | undefined;
  readonly parent: ObjectNode;
}

export type ProblemCode = 'parse-error' | 'duplicate-key';

export interface ParseProblem extends Range {
  readonly code: ProblemCode;
  readonly message: string;
}

export type SourceFormat = 'json' | 'yaml';

export interface ParsedDocument {
  readonly text: string;
  readonly format: SourceFormat;
  /** The root value; undefined when nothing parsed. */
  readonly root: Node | undefined;
  readonly problems: readonly ParseProblem[];
}

/** The value of a property of an object, matched exactly (keys are case-sensitive in IAM and CFN). */
export function getProperty(node: Node | undefined, key: string): Property | undefined {
  if (node?.kind !== 'object') return undefined;
  // The last duplicate wins, as in JSON.parse and in AWS's own parsers.
  for (let i = node.properties.length - 1; i >= 0; i--) {
    const property = node.properties[i];
    if (property && property.key.value === key) return property;
  }
  return undefined;
}

export function getValue(node: Node | undefined, key: string): Node | undefined {
  return getProperty(node, key)?.value;
}

/** The value at a path of keys and array indexes, or undefined. */
export function getPath(
  node: Node | undefined,
  path: readonly (string | number)[],
): Node | undefined {
  let current = node;
  for (const segment of path) {
    if (current === undefined) return undefined;
    if (typeof segment === 'number') {
      current = current.kind === 'array' ? current.items[segment] : undefined;
    } else {
      current = getValue(current, segment);
    }
  }
  return current;
}

export function stringValue(node: Node | undefined): string | undefined {
  return node?.kind === 'string' ? node.value : undefined;
}

/** The innermost node (or property key) whose range contains the offset. */
export function nodeAt(root: Node | undefined, offset: number): Node | undefined {
  let current = root;
  let found: Node | undefined;
  while (current && offset >= current.start && offset <= current.end) {
    found = current;
    let next: Node | undefined;
    if (current.kind === 'object') {
      for (const property of current.properties) {
        if (offset < property.start || offset > property.end) continue;
        if (offset >= property.key.start && offset <= property.key.end) return property.key;
        next = property.value;
        break;
      }
    } else if (current.kind === 'array') {
      next = current.items.find((item) => offset >= item.start && offset <= item.end);
    }
    current = next;
  }
  return found;
}

/** Keys and indexes from the root to the node, for messages and SARIF logical locations. */
export function pathOf(node: Node): (string | number)[] {
  const path: (string | number)[] = [];
  let current: Node | undefined = node;
  while (current?.parent) {
    const parent: ObjectNode | ArrayNode = current.parent;
    if (parent.kind === 'array') {
      path.unshift(parent.items.indexOf(current));
    } else if (current.property) {
      path.unshift(current.property.key.value);
    }
    current = parent;
  }
  return path;
}
