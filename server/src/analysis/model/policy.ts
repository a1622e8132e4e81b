import { getProperty, type Node, type ObjectNode, type Property } from '../document';
import type { Template } from './resources';
import { resolvedItems, type ResolvedValue } from './intrinsics';
import { alternatives, intrinsicName } from './values';

/**
 * What a policy is used as; decides which elements it needs and allows. Inside templates it comes
 * from the property that holds the policy; standalone documents are told apart by their content
 * (`standalonePolicyType`) unless the configuration says what they are.
 */
export type PolicyType =
  | 'identity'
  | 'resource'
  | 'trust'
  | 'permissions-boundary'
  /** An AWS Organizations service control policy (SCP); only the configuration can say so. */
  | 'service-control'
  /** An AWS Organizations resource control policy (RCP); only the configuration can say so. */
  | 'resource-control'
  /** An AWS IoT policy: IAM grammar, but its actions are IoT's alone. */
  | 'iot'
  | 'unknown';

/** Every policy type, for validating settings. */
export const POLICY_TYPES: readonly Exclude<PolicyType, 'unknown'>[] = [
  'identity',
  'resource',
  'trust',
  'permissions-boundary',
  'service-control',
  'resource-control',
  'iot',
];

/** The statement elements of the IAM policy grammar. */
export const STATEMENT_ELEMENTS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;
export type StatementElement = (typeof STATEMENT_ELEMENTS)[number];

/** One statement of a policy, with its elements as located nodes. */
export interface Statement {
  readonly node: ObjectNode;
  readonly policy: Policy;
  /** `undefined` when the effect is missing, invalid or not a literal. */
  readonly effect: 'Allow' | 'Deny' | undefined;
  element(name: StatementElement): Property | undefined;
  /**
   * The strings of a string-or-list element; values that are not literals in place have
   * `value: undefined`, and `resolved` says what the intrinsic resolver makes of each.
   */
  values(name: 'Action' | 'NotAction' | 'Resource' | 'NotResource'): readonly ResolvedValue[];
}

/** One policy document, standalone or embedded in a template. */
export interface Policy {
  /** The policy document object (the one holding `Version` and `Statement`). */
  readonly node: ObjectNode;
  readonly type: PolicyType;
  /** For embedded policies: the template resource that holds it. */
  readonly resource?: { readonly name: string; readonly type: string };
  /**
   * True when `type` was inferred from the content of a standalone document (not from where the
   * policy sits, nor from the configuration): the owning service is then unknown.
   */
  readonly typeFromContent?: boolean;
  readonly statements: readonly Statement[];
  /** For embedded policies: the template, to resolve `Ref`, `Fn::Sub`, `Fn::FindInMap`, ... */
  readonly template?: Template;
}

/** Builds the policy model over a policy document object. */
export function readPolicy(
  node: ObjectNode,
  type: PolicyType,
  resource?: { name: string; type: string },
  typeFromContent = false,
  template?: Template,
): Policy {
  const statements: Statement[] = [];
  const policy: Policy = { node, type, resource, typeFromContent, statements, template };
  for (const statementNode of statementNodes(getProperty(node, 'Statement')?.value)) {
    statements.push(readStatement(statementNode, policy));
  }
  return policy;
}

/** `Statement` may be one object or a list, and inside templates any level may be an `Fn::If`. */
function statementNodes(value: Node | undefined): ObjectNode[] {
  const result: ObjectNode[] = [];
  for (const alternative of alternatives(value)) {
    if (alternative.kind === 'array') {
      for (const item of alternative.items) {
        for (const choice of alternatives(item)) if (isStatementObject(choice)) result.push(choice);
      }
    } else if (isStatementObject(alternative)) {
      result.push(alternative);
    }
  }
  return result;
}

/** A statement is a plain object: intrinsics other than `Fn::If` (`Ref`, `Fn::Sub`, ...) are unknown values. */
function isStatementObject(node: Node): node is ObjectNode {
  return node.kind === 'object' && node.tag === undefined && intrinsicName(node) === undefined;
}

function readStatement(node: ObjectNode, policy: Policy): Statement {
  const effectNode = getProperty(node, 'Effect')?.value;
  const effect =
    effectNode?.kind === 'string' && (effectNode.value === 'Allow' || effectNode.value === 'Deny')
      ? effectNode.value
      : undefined;
  const values = new Map<string, ResolvedValue[]>();
  return {
    node,
    policy,
    effect,
    element: (name) => getProperty(node, name),
    // Every rule asks for the same few lists; the tree does not change during an analysis.
    values: (name) => {
      let items = values.get(name);
      if (!items) {
        items = resolvedItems(getProperty(node, name)?.value, { template: policy.template });
        values.set(name, items);
      }
      return items;
    },
  };
}
