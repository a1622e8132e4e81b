/**
 * The service role of a pipeline declared in a template: which `AWS::IAM::Role` its `RoleArn`
 * names, which identity policies of the template grant to that role, and whether those are all
 * the role can have. The two service-role rules compare that with what the pipeline's actions
 * need (`action-types.ts`). Everything here is a judgement over the template alone: a role from a
 * parameter, an import or a literal ARN is never resolved, and any way the role could receive
 * permissions the template does not show makes it incomplete.
 */
import { getValue, type Node, type ObjectNode } from '../document';
import {
  alternatives,
  getAttTarget,
  intrinsicName,
  refTarget,
  resolveValue,
  stringItems,
  type Policy,
  type Statement,
  type Template,
  type TemplateResource,
  factKind,
} from '../model';
import { patternCovers } from '../iam/statement';

/** Policy resources that attach a document to roles, and the property that names the roles. */
const ATTACHING: ReadonlyMap<string, { readonly key: string; readonly list: boolean }> = new Map([
  ['AWS::IAM::Policy', { key: 'Roles', list: true }],
  ['AWS::IAM::ManagedPolicy', { key: 'Roles', list: true }],
  ['AWS::IAM::RolePolicy', { key: 'RoleName', list: false }],
]);

/** One identity policy that grants to the role. */
export interface RolePolicy {
  readonly policy: Policy;
  /** The resource holding the document: the role itself (inline) or a policy resource. */
  readonly holder: TemplateResource;
  /**
   * The document also grants to other roles, users or groups (or may: an unknown entry), so
   * removing a permission from it may take it from someone else.
   */
  readonly shared: boolean;
}

export interface ServiceRole {
  readonly resource: TemplateResource;
  readonly policies: readonly RolePolicy[];
  /**
   * False when the role may hold permissions the template does not show: a managed policy that
   * is not a template resource (AWS managed, a parameter, an import), a policy attached through
   * an unknown value, a policy document or statement that is not literal. A permissions boundary
   * does not matter here: it only narrows what the policies grant, never adds to it.
   */
  readonly complete: boolean;
}

/** A name a role ARN value is built from, and whether the ARN is in the stack's own account. */
export interface RoleReference {
  /** The logical id: a template resource, or a parameter holding the role's name. */
  readonly name: string;
  /** `${Role.Arn}`, or `${AWS::AccountId}` as the account; a literal account may be another one. */
  readonly ownAccount: boolean;
}

/** An own-account role ARN up to the name, pseudo parameters written as `${AWS::...}`. */
const OWN_ROLE_PREFIX =
  /^arn:(?:\$\{AWS::Partition\}|aws[a-z-]*):iam::\$\{AWS::AccountId\}:role\/$/;

/**
 * The role each alternative of a role ARN value names, `undefined` where it names none:
 * `!GetAtt Role.Arn`, `!Sub '${Role.Arn}'`, or an ARN ending in `:role/` and the role's name
 * (`!Ref Role`, or a parameter), built by `Fn::Sub` or `Fn::Join`. Read through the intrinsic
 * resolver, so every `Fn::If` branch counts; parameter defaults do not (the deployer may pass
 * another role). With `names`, a template resource's name on its own (`!Ref Role`) counts too:
 * some role properties take the name instead of the ARN.
 */
export function roleReferences(
  template: Template,
  node: Node | undefined,
  { names = false }: { readonly names?: boolean } = {},
): (RoleReference | undefined)[] {
  return resolveValue(node, { template, defaults: false }).map((resolved) => {
    // Whitespace around a `Fn::Sub` text (a YAML block scalar's newline) is not part of the ARN.
    const segments = resolved.segments.filter(
      (s, i, all) =>
        !(s.kind === 'text' && s.text.trim() === '' && (i === 0 || i === all.length - 1)),
    );
    const last = segments[segments.length - 1];
    if (last?.kind !== 'hole') return undefined;
    const source = last.source;
    if (segments.length === 1)
      return source.kind === 'resource' &&
        (source.attribute === 'Arn' || (names && source.attribute === undefined))
        ? { name: source.name, ownAccount: true }
        : undefined;
    const named =
      (source.kind === 'resource' && source.attribute === undefined) || source.kind === 'parameter';
    const prefix = segments
      .slice(0, -1)
      .map((s) =>
        s.kind === 'text' ? s.text : s.source.kind === 'pseudo' ? `\${${s.source.name}}` : '\0',
      )
      .join('')
      .trimStart();
    if (!named || !prefix.endsWith(':role/')) return undefined;
    return { name: source.name, ownAccount: OWN_ROLE_PREFIX.test(prefix) };
  });
}

/**
 * The template role a pipeline's `RoleArn` names (see `roleReferences`), in the stack's own
 * account. Anything else (a parameter, an import, a literal ARN, an `Fn::If` between roles) is
 * unresolved.
 */
export function resolveRole(
  template: Template,
  roleArn: Node | undefined,
): TemplateResource | undefined {
  const references = roleReferences(template, roleArn);
  const only = references.length === 1 ? references[0] : undefined;
  const resource = only?.ownAccount ? template.resources.get(only.name) : undefined;
  return resource?.type === 'AWS::IAM::Role' ? resource : undefined;
}

/**
 * The role's identity policies: its inline `Policies`, and `AWS::IAM::Policy`, `ManagedPolicy`
 * and `RolePolicy` resources attached to it by `Roles`/`RoleName` or by the role's
 * `ManagedPolicyArns`. `policies` are the template's embedded policies (the document model's).
 * Policies attached from outside the template (another stack attaching a policy to the role's
 * name) cannot be seen at all; the rules accept that, as every template-local check must.
 */
export function serviceRole(
  template: Template,
  policies: readonly Policy[],
  role: TemplateResource,
): ServiceRole {
  // Both service-role rules ask for the same roles: read each once per document.
  return template.facts.get(SERVICE_ROLES, role, () => readServiceRole(template, policies, role));
}

const SERVICE_ROLES = factKind<TemplateResource, ServiceRole>('service roles');

function readServiceRole(
  template: Template,
  policies: readonly Policy[],
  role: TemplateResource,
): ServiceRole {
  let complete = true;
  const unknown = () => (complete = false);
  const properties = role.properties;
  if (properties !== undefined && (properties.kind !== 'object' || intrinsicName(properties)))
    complete = false;

  // Inline policies: each item must be a literal object whose document is a literal object.
  for (const entry of listEntries(getValue(properties, 'Policies'), unknown)) {
    const documents = alternativesOrUnknown(getValue(entry, 'PolicyDocument'), unknown);
    if (!isPlainObject(entry) || documents.some((d) => !isPlainObject(d))) complete = false;
  }
  // Managed policies named by the role: only template ManagedPolicy resources are known.
  for (const entry of listEntries(getValue(properties, 'ManagedPolicyArns'), unknown)) {
    const target = refTarget(entry);
    if (target === undefined || template.resources.get(target)?.type !== 'AWS::IAM::ManagedPolicy')
      complete = false;
  }

  const attached = new Map<string, boolean>();
  for (const resource of template.resources.values()) {
    const names = policyRoles(template, resource);
    if (!names) continue;
    if (!names.known.includes(role.name)) {
      // An unknown role name may be this role's.
      if (names.unknown) complete = false;
      continue;
    }
    const others =
      names.unknown ||
      names.known.some((n) => n !== role.name) ||
      getValue(resource.properties, 'Users') !== undefined ||
      getValue(resource.properties, 'Groups') !== undefined ||
      // A managed policy may also be named by any other resource (a user's `ManagedPolicyArns`).
      (resource.type === 'AWS::IAM::ManagedPolicy' &&
        [...template.resources.values()].some(
          (other) =>
            other !== role &&
            other !== resource &&
            referencesIn(other.node, resource.name, undefined),
        ));
    attached.set(resource.name, others);
    const document = getValue(resource.properties, 'PolicyDocument');
    if (alternativesOrUnknown(document, unknown).some((d) => !isPlainObject(d))) complete = false;
  }

  const rolePolicies: RolePolicy[] = [];
  for (const policy of policies) {
    if (policy.type !== 'identity' || policy.resource === undefined) continue;
    const holder = template.resources.get(policy.resource.name);
    if (holder === undefined) continue;
    if (holder === role) {
      rolePolicies.push({ policy, holder, shared: false });
    } else if (attached.has(holder.name)) {
      rolePolicies.push({ policy, holder, shared: attached.get(holder.name) === true });
    } else {
      continue;
    }
    if (!statementsKnown(policy)) complete = false;
  }
  return { resource: role, policies: rolePolicies, complete };
}

/** The roles a policy resource grants to; see `policyRoles`. */
export interface PolicyRoles {
  /**
   * Logical ids of template roles, and of parameters holding a role's name; a literal name that
   * no template role has stands as itself behind a NUL, naming a role outside the template.
   */
  readonly known: readonly string[];
  /** Some entry could name any role (a parameter, an import, an intrinsic). */
  readonly unknown: boolean;
}

/**
 * The roles an `AWS::IAM::Policy`, `ManagedPolicy` or `RolePolicy` attaches its document to: by
 * its `Roles`/`RoleName` (`!Ref Role`, or a literal equal to a template role's literal
 * `RoleName`), and for a managed policy also by the roles whose `ManagedPolicyArns` name it.
 * `undefined` for other resources.
 */
export function policyRoles(
  template: Template,
  resource: TemplateResource,
): PolicyRoles | undefined {
  const attaching = ATTACHING.get(resource.type);
  if (!attaching) return undefined;
  const known: string[] = [];
  let unknown = false;
  const setUnknown = () => (unknown = true);
  const value = getValue(resource.properties, attaching.key);
  const items = attaching.list
    ? listEntries(value, setUnknown)
    : alternativesOrUnknown(value, setUnknown);
  for (const item of items) {
    const target = refTarget(item);
    if (target !== undefined && template.resources.has(target)) known.push(target);
    else if (item.kind === 'string')
      known.push(roleByName(template, item.value) ?? `\u0000${item.value}`);
    else {
      // A parameter may hold this role's name, or any other.
      if (target !== undefined && template.parameters.has(target)) known.push(target);
      unknown = true;
    }
  }
  if (resource.type === 'AWS::IAM::ManagedPolicy') {
    for (const role of template.resources.values()) {
      if (role.type !== 'AWS::IAM::Role') continue;
      const arns = listEntries(getValue(role.properties, 'ManagedPolicyArns'), () => undefined);
      if (arns.some((entry) => refTarget(entry) === resource.name)) known.push(role.name);
    }
  }
  return { known, unknown };
}

/**
 * The template roles a policy belongs to: its own role (and the parameter its `RoleName` comes
 * from, which an ARN may be built from), or the roles it is attached to (`policyRoles`).
 */
export function rolesOfPolicy(template: Template, policy: Policy): Set<string> {
  const owner = policy.resource && template.resources.get(policy.resource.name);
  if (!owner) return new Set();
  if (owner.type !== 'AWS::IAM::Role') return new Set(policyRoles(template, owner)?.known);
  const name = refTarget(getValue(owner.properties, 'RoleName'));
  return new Set(name === undefined ? [owner.name] : [owner.name, name]);
}

/** The template role whose literal `RoleName` is this name. */
function roleByName(template: Template, name: string): string | undefined {
  for (const resource of template.resources.values()) {
    if (resource.type !== 'AWS::IAM::Role') continue;
    const roleName = getValue(resource.properties, 'RoleName');
    if (roleName?.kind === 'string' && roleName.value === name) return resource.name;
  }
  return undefined;
}

function isPlainObject(node: Node | undefined): node is ObjectNode {
  return node?.kind === 'object' && node.tag === undefined && intrinsicName(node) === undefined;
}

/**
 * `alternatives`, but an intrinsic other than `Fn::If` (a `Ref` to a list parameter, an
 * `Fn::Split`, ...) is reported as unknown instead of being returned as a value.
 */
function alternativesOrUnknown(node: Node | undefined, unknown: () => void): Node[] {
  const result: Node[] = [];
  for (const choice of alternatives(node)) {
    const name = intrinsicName(choice);
    if (name !== undefined && name !== 'Ref') unknown();
    else result.push(choice);
  }
  return result;
}

/**
 * The entries of a list property (every `Fn::If` branch of the list and of each item), calling
 * `unknown` for what is not a written list or entry.
 */
function listEntries(value: Node | undefined, unknown: () => void): Node[] {
  const entries: Node[] = [];
  for (const list of alternativesOrUnknown(value, unknown)) {
    if (list.kind !== 'array') unknown();
    else for (const item of list.items) entries.push(...alternativesOrUnknown(item, unknown));
  }
  return entries;
}

/** Every statement of the document is a literal object (the policy model skips the others). */
function statementsKnown(policy: Policy): boolean {
  const value = getValue(policy.node, 'Statement');
  for (const choice of alternatives(value)) {
    const items = choice.kind === 'array' ? choice.items : [choice];
    for (const item of items) {
      for (const statement of alternatives(item)) if (!isPlainObject(statement)) return false;
    }
  }
  return true;
}

/**
 * Whether a statement may allow an action. Deliberately generous, because a missing-permission
 * finding must be certain: an unknown effect may be Allow, an unknown action entry may be the
 * action, a `NotAction` allows everything it does not name, and conditions and resources are
 * ignored (a grant on any resource counts).
 */
export function mayAllow(statement: Statement, action: string): boolean {
  if (statement.effect === 'Deny') return false;
  if (statement.effect === undefined && statement.element('Effect')?.value?.kind === 'string')
    return false;
  if (statement.element('NotAction')) {
    return !statement
      .values('NotAction')
      .some((entry) => entry.value !== undefined && patternCovers(entry.value, action));
  }
  return statement
    .values('Action')
    .some((entry) => entry.value === undefined || patternCovers(entry.value, action));
}

/** Whether any policy of the role may allow an action. */
export function roleMayAllow(role: ServiceRole, action: string): boolean {
  return role.policies.some((p) => p.policy.statements.some((s) => mayAllow(s, action)));
}

/** What a role's trust policies (`AssumeRolePolicyDocument`) say about services; see `roleTrust`. */
export interface RoleTrust {
  /** The literal service principals of its Allow statements, each once, in the order first seen. */
  readonly services: readonly string[];
  /**
   * It trusts services alone: it has a trust policy, every statement is literal, and every Allow
   * statement (there is one) names only literal services (`Principal: {Service: ...}`).
   */
  readonly servicesOnly: boolean;
}

/**
 * The one reading of a template role's trust policies, from the document model's `policies`;
 * remembered per role in the template's facts, since rules ask for each role often.
 */
export function roleTrust(
  template: Template,
  roleName: string,
  policies: readonly Policy[],
): RoleTrust {
  return template.facts.get(ROLE_TRUST, roleName, () => readTrust(roleName, policies));
}

const ROLE_TRUST = factKind<string, RoleTrust>('role trust');

function readTrust(roleName: string, policies: readonly Policy[]): RoleTrust {
  const trust = policies.filter((p) => p.type === 'trust' && p.resource?.name === roleName);
  const services: string[] = [];
  let servicesOnly = trust.length > 0;
  let allows = false;
  for (const policy of trust) {
    if (!statementsKnown(policy)) servicesOnly = false;
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow') continue;
      allows = true;
      const principal = statement.element('Principal')?.value;
      const names = stringItems(getValue(principal, 'Service'));
      for (const name of names) {
        if (!name.value) servicesOnly = false;
        else if (!services.includes(name.value)) services.push(name.value);
      }
      if (!isPlainObject(principal) || principal.properties.length !== 1 || names.length === 0)
        servicesOnly = false;
    }
  }
  return { services, servicesOnly: servicesOnly && allows };
}

/** Whether the role's trust policies trust `codepipeline.amazonaws.com` alone. */
export function trustsOnlyCodePipeline(
  template: Template,
  role: TemplateResource,
  policies: readonly Policy[],
): boolean {
  const trust = roleTrust(template, role.name, policies);
  return trust.servicesOnly && trust.services.every((s) => s === 'codepipeline.amazonaws.com');
}

/**
 * Whether every reference to the role inside `Resources` comes from the pipelines that use it,
 * from the policy resources that attach to it, or from a `Principal` (a bucket or key policy
 * granting the role access is not another user of the role). Anything else (a CodeBuild
 * project's `ServiceRole`, a Lambda function's `Role`, a `PassRole` grant) means the role serves
 * something else too, whose needs are unknown here.
 */
export function usedOnlyByPipelines(
  template: Template,
  role: TemplateResource,
  pipelines: readonly TemplateResource[],
): boolean {
  for (const resource of template.resources.values()) {
    if (resource === role || pipelines.includes(resource)) continue;
    const attaching = ATTACHING.get(resource.type);
    if (referencesIn(resource.node, role.name, attaching?.key)) return false;
  }
  return true;
}

/** Whether a node mentions a resource by `Ref`, `Fn::GetAtt` or `Fn::Sub` (outside `Principal`). */
export function referencesRole(node: Node | undefined, name: string): boolean {
  return referencesIn(node, name, undefined);
}

function referencesIn(
  node: Node | undefined,
  name: string,
  attachKey: string | undefined,
): boolean {
  if (node === undefined) return false;
  if (node.kind === 'object') {
    if (refTarget(node) === name || getAttTarget(node) === name) return true;
    const sub = intrinsicName(node) === 'Fn::Sub' ? getValue(node, 'Fn::Sub') : undefined;
    const subText = sub?.kind === 'array' ? sub.items[0] : sub;
    if (
      subText?.kind === 'string' &&
      (subText.value.includes(`\${${name}}`) || subText.value.includes(`\${${name}.`))
    )
      return true;
    return node.properties.some((p) => {
      if (p.key.value === 'Principal' || p.key.value === 'DependsOn') return false;
      if (
        attachKey !== undefined &&
        p.key.value === attachKey &&
        p.parent.property?.key.value === 'Properties'
      )
        return false;
      return referencesIn(p.value, name, attachKey);
    });
  }
  if (node.kind === 'array') return node.items.some((item) => referencesIn(item, name, attachKey));
  return false;
}
