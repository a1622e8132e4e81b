/**
 * Where a template attaches AWS managed policies, and which: each entry of a `ManagedPolicyArns`
 * list (roles, users, groups), of an `AWS::SSO::PermissionSet`'s `ManagedPolicies`, and each
 * string of SAM `Policies` (a managed policy by name or ARN). Entries are read through the
 * intrinsic resolver, so `!Sub 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess'` and the
 * `Fn::Join` that CDK writes are recognised as well as literal ARNs in any partition. Permissions
 * boundaries (`PermissionsBoundary`) limit a principal rather than grant to it, and are not read.
 */
import type { Node } from '../document';
import {
  factKind,
  resolveValue,
  stringItems,
  type Resolved,
  type Template,
  type TemplateResource,
} from '../model';
import { getValue } from '../document';
import { parseManagedPolicyArn } from './managed-policies';

/** One AWS managed policy a template resource attaches. */
export interface ManagedPolicyRef {
  /** The entry as written (a `Fn::If` branch on its own): where findings about it go. */
  readonly node: Node;
  readonly resource: TemplateResource;
  /** The policy's name, and its ARN path (`/service-role/`); no path when SAM names it. */
  readonly name: string;
  readonly path: string | undefined;
}

/** The properties that attach managed policies, by resource type. */
const ATTACHING: ReadonlyMap<string, { readonly key: string; readonly names: boolean }> = new Map([
  ['AWS::IAM::Role', { key: 'ManagedPolicyArns', names: false }],
  ['AWS::IAM::User', { key: 'ManagedPolicyArns', names: false }],
  ['AWS::IAM::Group', { key: 'ManagedPolicyArns', names: false }],
  ['AWS::SSO::PermissionSet', { key: 'ManagedPolicies', names: false }],
  ['AWS::Serverless::Function', { key: 'Policies', names: true }],
  ['AWS::Serverless::StateMachine', { key: 'Policies', names: true }],
]);

const NAME = /^[\w+=,.@-]+$/;

/** Every AWS managed policy the template attaches, in document order; computed once per template. */
export function managedPolicyRefs(template: Template): readonly ManagedPolicyRef[] {
  return template.facts.get(REFS, template, () => readRefs(template));
}

const REFS = factKind<Template, readonly ManagedPolicyRef[]>('managed policy references');

function readRefs(template: Template): ManagedPolicyRef[] {
  const refs: ManagedPolicyRef[] = [];
  for (const resource of template.resources.values()) {
    const attaching = ATTACHING.get(resource.type);
    if (!attaching) continue;
    for (const item of stringItems(getValue(resource.properties, attaching.key))) {
      // SAM policy templates and inline documents are objects; intrinsics resolve below.
      const seen = new Set<string>();
      // A parameter's default is not what the deployer must pass: only what the template says.
      for (const resolved of resolveValue(item.node, { template, defaults: false })) {
        const named = managedPolicyOf(resolved, attaching.names);
        if (!named || seen.has(named.name)) continue;
        seen.add(named.name);
        refs.push({ node: item.node, resource, ...named });
      }
    }
  }
  return refs.sort((a, b) => a.node.start - b.node.start);
}

/**
 * The AWS managed policy a resolved value names: an ARN whose only unknown part may be the
 * partition (`${AWS::Partition}`), or, where SAM allows it, a bare policy name.
 */
export function managedPolicyOf(
  resolved: Resolved,
  names: boolean,
): { readonly name: string; readonly path: string | undefined } | undefined {
  let text = '';
  for (const segment of resolved.segments) {
    if (segment.kind === 'text') text += segment.text;
    else if (
      segment.source.kind === 'pseudo' &&
      segment.source.name === 'AWS::Partition' &&
      text === 'arn:'
    )
      text += 'aws';
    else return undefined;
  }
  const arn = parseManagedPolicyArn(text);
  if (arn) return { name: arn.name, path: arn.path };
  return names && NAME.test(text) ? { name: text, path: undefined } : undefined;
}
