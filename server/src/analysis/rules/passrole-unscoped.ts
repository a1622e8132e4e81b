import type { Node, ParsedDocument } from '../document';
import { insertProperty, replaceWithList } from '../edits';
import {
  pipelinePassTargets,
  rawText,
  referencedRoles,
  roleServices,
  roleTarget,
  templateRoleOf,
  type PassTarget,
} from '../fixes/passed-roles';
import { conditionBranches } from '../iam/principal-conditions';
import { conditionHasKey, patternCovers, starResources } from '../iam/statement';
import {
  intrinsicName,
  type DocumentModel,
  type ResolvedValue,
  type Statement,
  type Template,
} from '../model';
import type { Value } from '../render';
import { defineRule, type Fix, type TextEdit } from './rule';

const PASS_ROLE = 'iam:PassRole';
/** Quick-fixes offer at most this many of the template's roles. */
const MAX_ROLE_FIXES = 5;

export default defineRule({
  id: 'passrole-unscoped',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary:
      'An Allow statement grants `iam:PassRole` (directly or through a wildcard such as `*`, `iam:*` or `iam:Pass*`) on `"Resource": "*"` or with `NotResource`; a warning when the roles are named but no `iam:PassedToService` condition limits where they go.',
    why: 'Passing a role hands its permissions to a service: whoever may pass any role can start a build, a function or a stack that runs as the most privileged role in the account, which is a direct path to privilege escalation. Scope `iam:PassRole` to the roles the workload really passes, and limit the services they are passed to with `iam:PassedToService`. Deny statements never fire this rule.',
    bad: {
      language: 'json',
      code: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }\n  ]\n}\n',
    },
    good: {
      language: 'json',
      code: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "iam:PassRole",\n      "Resource": "arn:aws:iam::111122223333:role/build-role",\n      "Condition": { "StringEquals": { "iam:PassedToService": "codebuild.amazonaws.com" } }\n    }\n  ]\n}\n',
    },
    fix: "Name the roles and add `iam:PassedToService`. Inside a template the quick-fixes replace `*` with the roles actually passed. In a CodePipeline service role these are the roles its actions hand over (CloudFormation `RoleArn`, ...): one fix names them all, limited to the services that receive them, then one fix per role; a role written as a literal ARN or a parameter is copied as written. Roles that CodePipeline reads from elsewhere (the task roles of an ECS task definition) cannot be seen in the template. Otherwise the fixes offer the roles that the template's resources run as (a CodeBuild project's `ServiceRole`, a Lambda function's `Role`, a state machine's `RoleArn`, ECS task roles, EventBridge targets, instance profiles), with the service of that property when the role's trust policy agrees, then the roles whose trust policy names some service. When the `*` is one branch of an `Fn::If`, the condition is added only if every other branch passes roles to the same services; otherwise the fix scopes that branch alone and says so. The fixes are unsafe: they take access away.",
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService',
    ],
  },
  check({ document, model, report }) {
    for (const policy of model.policies) {
      // Trust policies cannot grant PassRole and IoT policies grant IoT actions alone.
      if (policy.type === 'trust' || policy.type === 'iot') continue;
      for (const statement of policy.statements) {
        if (statement.effect !== 'Allow') continue;
        const grant = passRoleGrant(statement);
        if (!grant) continue;
        const how =
          grant.value.toLowerCase() === PASS_ROLE.toLowerCase()
            ? `"${grant.value}"`
            : `"${grant.value}" grants ${PASS_ROLE} and`;
        const limited = conditionHasKey(statement, 'iam:PassedToService');
        const notResource = statement.element('NotResource');
        const stars = starResources(statement);
        if (notResource || stars.length > 0) {
          report({
            at: grant.node,
            message: `${how} applies to ${notResource ? 'every role outside NotResource' : 'every role ("Resource": "*")'}: whoever holds this can hand any role, including administrator roles, to a service. ${limited ? 'Name the roles.' : 'Name the roles and limit them with iam:PassedToService.'}`,
            fixes:
              passRoleOnly(statement) && stars.length > 0 && !notResource
                ? scopeFixes(document, model, statement, starNodes(statement, stars))
                : [],
          });
        } else if (
          !conditionHasKey(statement, 'iam:PassedToService') &&
          statement.values('Resource').some(couldBeRole)
        ) {
          report({
            at: grant.node,
            severity: 'warning',
            message: `${how} names its roles but no "iam:PassedToService" condition limits which services they can be passed to.`,
            fixes: conditionFixes(document, model, statement),
          });
        }
      }
    }
  },
});

/** The first known action entry that grants PassRole, or (for NotAction) the NotAction element. */
function passRoleGrant(statement: Statement) {
  const notAction = statement.element('NotAction');
  if (notAction) {
    const excluded = statement.values('NotAction');
    if (excluded.some((e) => e.value === undefined || patternCovers(e.value, PASS_ROLE)))
      return undefined;
    return { node: notAction.key, value: 'NotAction' };
  }
  // Point at `iam:PassRole` itself when it is written out, else at the first wildcard that covers it.
  const granting = statement
    .values('Action')
    .filter((entry) => entry.value !== undefined && patternCovers(entry.value, PASS_ROLE));
  const grant =
    granting.find((entry) => entry.value?.toLowerCase() === PASS_ROLE.toLowerCase()) ?? granting[0];
  return grant?.value === undefined ? undefined : { node: grant.node, value: grant.value };
}

function passRoleOnly(statement: Statement): boolean {
  const actions = statement.values('Action');
  return (
    actions.length > 0 && actions.every((a) => a.value?.toLowerCase() === PASS_ROLE.toLowerCase())
  );
}

/**
 * Whether a resource can name a role: a role ARN or a pattern that reaches roles, a `!GetAtt X.Arn`
 * of a template role, or a `!Sub`/`!Join` whose known text does (any `Fn::If` branch). Unknown
 * values (a parameter, an import) are not assumed to be roles: unknown is not bad. Parameter
 * defaults are not used either: the deployer passes the real value.
 */
function couldBeRole(resource: ResolvedValue): boolean {
  return resource.resolved.some((resolved) => {
    const only = resolved.segments.length === 1 ? resolved.segments[0] : undefined;
    if (only?.kind === 'hole') {
      return (
        only.source.kind === 'resource' &&
        only.source.type === 'AWS::IAM::Role' &&
        only.source.attribute === 'Arn'
      );
    }
    const known = resolved.segments.filter((s) => s.kind === 'text' && s.parameter === undefined);
    if (known.length === 0) return false;
    const glob = resolved.segments
      .map((s) => (s.kind === 'text' && s.parameter === undefined ? s.text : '*'))
      .join('');
    return arnCouldBeRole(glob);
  });
}

function arnCouldBeRole(arn: string): boolean {
  const parts = arn.split(':');
  const [, , service = '', , , ...rest] = parts;
  const resource = rest.join(':');
  if (parts.length < 6) return arn.includes('*');
  const wild = (s: string) => /[*?]/.test(s);
  return (
    (service === 'iam' || wild(service)) &&
    (resource.startsWith('role/') || /^[^/]*[*?]/.test(resource))
  );
}

/** The value of `iam:PassedToService`: one service as a string, several as a list. */
function servicesValue(services: readonly string[]): Value {
  return services.length === 1 && services[0] !== undefined ? services[0] : services;
}

/**
 * Adds `iam:PassedToService` (with `StringEquals`) to the statement: a new `Condition`, or into
 * the `Condition` (and its `StringEquals`) already there. Undefined when the condition is not a
 * plain object.
 */
function conditionEdit(
  document: ParsedDocument,
  statement: Statement,
  services: readonly string[],
): TextEdit | undefined {
  const test: Value = { map: [['iam:PassedToService', servicesValue(services)]] };
  const condition = statement.element('Condition')?.value;
  if (!condition)
    return insertProperty(document, statement.node, 'Condition', { map: [['StringEquals', test]] });
  if (condition.kind !== 'object' || intrinsicName(condition) !== undefined) return undefined;
  const equals = condition.properties.find((p) => p.key.value === 'StringEquals')?.value;
  if (equals?.kind === 'object' && intrinsicName(equals) === undefined)
    return insertProperty(document, equals, 'iam:PassedToService', servicesValue(services));
  return insertProperty(document, condition, 'StringEquals', test);
}

/**
 * The nodes a scoping fix replaces: each `*`, or the whole `Resource` value when it is an `Fn::If`
 * whose every branch is `*` (one value then replaces the choice).
 */
function starNodes(statement: Statement, stars: readonly ResolvedValue[]): Node[] {
  const resource = statement.element('Resource')?.value;
  if (
    intrinsicName(resource) === 'Fn::If' &&
    resource !== undefined &&
    stars.length === statement.values('Resource').length
  )
    return [resource];
  return stars.map((s) => s.node);
}

/** What the fixes of one statement know about the template's roles. */
interface Known {
  readonly template: Template;
  /** Template roles named by resources' role properties, with those properties' services. */
  readonly references: ReadonlyMap<string, readonly string[]>;
  /** The roles the pipelines using this policy's role pass to their actions. */
  readonly piped: readonly PassTarget[];
}

function knowledge(
  document: ParsedDocument,
  model: DocumentModel,
  statement: Statement,
): Known | undefined {
  const template = model.template;
  if (!template) return undefined;
  return {
    template,
    references: referencedRoles(template),
    piped: pipelinePassTargets(document, template, model.pipelines, statement.policy),
  };
}

/** Where the role a `Resource` entry names is passed, when that is known. */
function servicesOf(
  document: ParsedDocument,
  known: Known,
  node: Node,
): readonly string[] | undefined {
  const role = templateRoleOf(known.template, node);
  const key = role !== undefined ? `role:${role}` : rawText(document, node);
  const piped = known.piped.find((t) => t.key === key);
  if (piped) return piped.services;
  if (role === undefined) return undefined;
  const services = roleServices(known.template, known.references, role);
  return services.length > 0 ? services : undefined;
}

/** The services of several lists, each once (compared without case), in the order first seen. */
function union(lists: readonly (readonly string[])[]): string[] {
  const seen = new Map<string, string>();
  for (const list of lists)
    for (const s of list) if (!seen.has(s.toLowerCase())) seen.set(s.toLowerCase(), s);
  return [...seen.values()];
}

function within(inner: readonly string[], outer: readonly string[]): boolean {
  const lower = new Set(outer.map((s) => s.toLowerCase()));
  return inner.every((s) => lower.has(s.toLowerCase()));
}

/**
 * Fixes for `"Resource": "*"`. In a pipeline's service role: first one fix naming every role the
 * pipeline passes, then one per role. Otherwise one per template role, those that resources name
 * in their role properties first, then those whose trust policy names a service.
 */
function scopeFixes(
  document: ParsedDocument,
  model: DocumentModel,
  statement: Statement,
  stars: readonly Node[],
): Fix[] {
  const known = knowledge(document, model, statement);
  if (!known) return [];
  const allowed = passedToServices(statement);
  // Roles listed next to the `*` need no fix of their own (those of other `Fn::If` branches do).
  const named = new Set(
    statement
      .values('Resource')
      .filter((r) => directlyUnderResource(r.node))
      .map((r) => {
        const role = templateRoleOf(known.template, r.node);
        return role !== undefined ? `role:${role}` : rawText(document, r.node);
      }),
  );
  // A statement already limited to some services only passes roles that go to one of them.
  const fits = (target: PassTarget) =>
    !named.has(target.key) &&
    target.services.length > 0 &&
    (!allowed || target.services.some((s) => allowed.has(s.toLowerCase())));
  const piped = known.piped.filter(fits);
  if (piped.length > 0) {
    const names = piped.map((t) => t.label).join(', ');
    const all =
      piped.length === 1
        ? `${names}, the role the pipeline passes`
        : `the ${piped.length} roles the pipeline passes (${names})`;
    const fixes = [scopeFix(document, known, statement, stars, piped, all)];
    if (piped.length > 1) {
      for (const target of piped.slice(0, MAX_ROLE_FIXES))
        fixes.push(scopeFix(document, known, statement, stars, [target], target.label));
    }
    return fixes;
  }
  const { template, references } = known;
  const roles = [
    ...references.keys(),
    ...[...template.resources.values()]
      .filter((r) => r.type === 'AWS::IAM::Role')
      .map((r) => r.name),
  ];
  const fixes: Fix[] = [];
  // The role holding this policy is not one it passes.
  for (const name of new Set(roles)) {
    if (fixes.length >= MAX_ROLE_FIXES) break;
    if (name === statement.policy.resource?.name) continue;
    const target = roleTarget(name, roleServices(template, references, name));
    if (fits(target)) fixes.push(scopeFix(document, known, statement, stars, [target], name));
  }
  return fixes;
}

/**
 * Replaces every `*` of `Resource` with the targets, and adds `iam:PassedToService` when that
 * keeps the rest of the statement working. Directly under `Resource` (alone or in a list) the
 * condition lists the targets' services and those of the other listed roles that are known. In
 * an `Fn::If` branch the other branches keep their roles: the condition is added only when each
 * of them is known to go to the targets' services; otherwise the fix scopes this branch alone.
 */
function scopeFix(
  document: ParsedDocument,
  known: Known,
  statement: Statement,
  stars: readonly Node[],
  targets: readonly PassTarget[],
  what: string,
): Fix {
  const values = targets.map((t) => t.value);
  const edits: TextEdit[] = stars.map((star) => replaceWithList(document, star, values));
  const services = union(targets.map((t) => t.services));
  const others = statement
    .values('Resource')
    .filter((r) => r.value !== '*')
    .map((r) => servicesOf(document, known, r.node));
  const inBranch = stars.some((star) => !directlyUnderResource(star));
  const allowed = passedToServices(statement);
  let passedTo: readonly string[] | undefined;
  if (allowed) {
    passedTo = services.filter((s) => allowed.has(s.toLowerCase()));
  } else {
    const condition = !inBranch
      ? union([services, ...others.filter((o) => o !== undefined)])
      : others.every((o) => o !== undefined && within(o, services))
        ? services
        : undefined;
    const edit = condition && conditionEdit(document, statement, condition);
    if (edit) edits.push(edit);
    passedTo = edit ? condition : undefined;
  }
  const title = passedTo
    ? `Scope to ${what}, passed only to ${passedTo.join(', ')}`
    : `Scope to ${what}${inBranch ? ' in this branch' : ''}`;
  return { title, safe: false, edits };
}

function directlyUnderResource(star: Node): boolean {
  return (
    star.property?.key.value === 'Resource' ||
    (star.parent?.kind === 'array' && star.parent.property?.key.value === 'Resource')
  );
}

/** The services an `iam:PassedToService` condition names (lower-case), if it names any. */
function passedToServices(statement: Statement): Set<string> | undefined {
  const services = new Set<string>();
  for (const tests of conditionBranches(statement)) {
    for (const test of tests ?? []) {
      if (test.key.value.toLowerCase() !== 'iam:passedtoservice') continue;
      for (const v of test.values) if (v.value) services.add(v.value.toLowerCase());
    }
  }
  return services.size > 0 ? services : undefined;
}

/** For named roles whose services are all known: add the condition with those services. */
function conditionFixes(
  document: ParsedDocument,
  model: DocumentModel,
  statement: Statement,
): Fix[] {
  const known = knowledge(document, model, statement);
  if (!known) return [];
  const lists: (readonly string[])[] = [];
  for (const resource of statement.values('Resource')) {
    const services = servicesOf(document, known, resource.node);
    if (!services) return [];
    lists.push(services);
  }
  const services = union(lists);
  const edit = services.length > 0 ? conditionEdit(document, statement, services) : undefined;
  return edit
    ? [{ title: `Add iam:PassedToService: ${services.join(', ')}`, safe: false, edits: [edit] }]
    : [];
}
