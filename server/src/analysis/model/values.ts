import { getValue, type Node, type ObjectNode } from '../document';

/** A string the engine knows, or `undefined` when the value is an intrinsic, parameter or other unknown. */
export interface LocatedValue {
  readonly node: Node;
  readonly value: string | undefined;
}

const INTRINSIC = /^(Ref|Condition|Fn::[A-Za-z][A-Za-z0-9]*)$/;

/** The intrinsic function an object stands for (`Ref`, `Fn::Sub`, ...), if it is one. */
export function intrinsicName(node: Node | undefined): string | undefined {
  if (node?.kind !== 'object' || node.properties.length !== 1) return undefined;
  const key = node.properties[0]?.key.value ?? '';
  return INTRINSIC.test(key) ? key : undefined;
}

/** `!Ref AWS::NoValue`: the property is absent. */
export function isNoValue(node: Node | undefined): boolean {
  return refTarget(node) === 'AWS::NoValue';
}

/**
 * Every alternative a value may take once `Fn::If` is chosen: `{"Fn::If": [c, a, b]}` yields the
 * alternatives of `a` and of `b`; `AWS::NoValue` yields nothing; anything else is itself.
 */
export function alternatives(node: Node | undefined): Node[] {
  if (node === undefined || isNoValue(node)) return [];
  if (intrinsicName(node) === 'Fn::If') {
    const args = (node as ObjectNode).properties[0]?.value;
    if (args?.kind === 'array' && args.items.length === 3) {
      return [...alternatives(args.items[1]), ...alternatives(args.items[2])];
    }
    return [];
  }
  return [node];
}

/**
 * The strings of an element that takes a string or a list of strings (`Action`, `Resource`, ...),
 * with every `Fn::If` branch included; an intrinsic or non-string entry is an unknown value.
 */
export function stringItems(node: Node | undefined): LocatedValue[] {
  const items: LocatedValue[] = [];
  for (const alternative of alternatives(node)) {
    if (alternative.kind === 'array') {
      for (const item of alternative.items) {
        for (const choice of alternatives(item)) items.push(located(choice));
      }
    } else {
      items.push(located(alternative));
    }
  }
  return items;
}

function located(node: Node): LocatedValue {
  return { node, value: node.kind === 'string' ? node.value : undefined };
}

/** The logical id (resource, parameter or pseudo parameter) a `Ref` names. */
export function refTarget(node: Node | undefined): string | undefined {
  if (intrinsicName(node) !== 'Ref') return undefined;
  const target = getValue(node, 'Ref');
  return target?.kind === 'string' ? target.value : undefined;
}

/** The resource named by `Fn::GetAtt` (`[Name, Attr]` or the short form's `Name.Attr`). */
export function getAttTarget(node: Node | undefined): string | undefined {
  if (intrinsicName(node) !== 'Fn::GetAtt') return undefined;
  const args = getValue(node, 'Fn::GetAtt');
  if (args?.kind === 'array')
    return args.items[0]?.kind === 'string' ? args.items[0].value : undefined;
  return args?.kind === 'string' ? args.value.split('.')[0] : undefined;
}

/**
 * The `Fn::If` branches a node sits in, outermost first, in words: `when IsSandbox is true`,
 * `when IsProd is false and UseKms is true`. Undefined outside any branch.
 */
export function branchConditions(node: Node): string | undefined {
  const tests: string[] = [];
  let current: Node = node;
  while (current.parent) {
    const parent: Node = current.parent;
    if (parent.kind === 'array' && parent.property?.key.value === 'Fn::If') {
      const [name, ...branches] = parent.items;
      const branch = branches.indexOf(current);
      if (name?.kind === 'string' && branches.length === 2 && branch >= 0)
        tests.unshift(`${name.value} is ${branch === 0 ? 'true' : 'false'}`);
    }
    current = parent;
  }
  return tests.length > 0 ? `when ${tests.join(' and ')}` : undefined;
}
