/**
 * The quick-fixes of passrole-unscoped: replace `"Resource": "*"` with the roles actually passed
 * (see `passed-roles.ts` for where they come from), move `iam:PassRole` out of a statement that
 * grants other actions on `*`, and add `iam:PassedToService` with the services that receive them.
 */
import { getValue, type Node, type ParsedDocument } from '../document';
import { replaceWithList } from '../edits';
import { conditionBranches } from '../iam/principal-conditions';
import { rolesOfPolicy } from '../pipeline/service-role';
import { patternCovers } from '../iam/statement';
import { placeholderArn, templatePlaceholderArn } from '../iam/targets';
import {
  intrinsicName,
  type DocumentModel,
  type Policy,
  type ResolvedValue,
  type Statement,
  type Template,
} from '../model';
import type { Value } from '../render';
import { stringEqualsEdit } from './condition-edit';
import type { Fix, TextEdit } from '../finding';
import {
  pipelinePassTargets,
  rawText,
  referencedRoles,
  roleServices,
  roleTarget,
  templateRoleOf,
  type PassTarget,
} from './passed-roles';
import { splitStatementFix } from './split-statement';

/** Quick-fixes offer at most this many roles one by one. */
const MAX_ROLE_FIXES = 5;
const PASS_ROLE = 'iam:passrole';

/** What the fixes of one statement know about the template's roles. */
interface Known {
  readonly template: Template;
  /** The document's policies, for the roles' trust policies. */
  readonly policies: readonly Policy[];
  /** Template roles named by resources' role properties, with those properties' services. */
  readonly references: ReadonlyMap<string, readonly string[]>;
  /** The roles the pipelines using this policy's role pass to their actions. */
  readonly piped: readonly PassTarget[];
}

/** One way to scope: the roles to name, and how titles say it. */
interface Choice {
  readonly targets: readonly PassTarget[];
  readonly what: string;
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
    policies: model.policies,
    references: referencedRoles(template),
    piped: pipelinePassTargets(document, template, model.pipelines, statement.policy),
  };
}

/**
 * The fixes for an Allow statement whose `Resource` has `*` and whose only action is
 * `iam:PassRole`: each `*` (or an `Fn::If` of `*` only, as a whole) becomes the roles.
 */
export function scopeFixes(
  document: ParsedDocument,
  model: DocumentModel,
  statement: Statement,
  stars: readonly ResolvedValue[],
): Fix[] {
  const known = knowledge(document, model, statement);
  if (!known) return [];
  const nodes = starNodes(statement, stars);
  return choices(document, known, statement).map((choice) =>
    scopeFix(document, known, statement, nodes, choice),
  );
}

/**
 * The fixes for an Allow statement that lists `iam:PassRole` among other actions on
 * `"Resource": "*"`: the statement is split in two, the other actions keeping `*` and
 * `iam:PassRole` naming the roles, with `iam:PassedToService`. Only when no other action of the
 * list also grants `iam:PassRole` (`iam:*`, `iam:Pass*`).
 */
export function splitFixes(
  document: ParsedDocument,
  model: DocumentModel,
  statement: Statement,
  star: ResolvedValue,
): Fix[] {
  const movable = movablePassRole(statement);
  if (!movable) return [];
  const known = knowledge(document, model, statement);
  if (!known) return [];
  const allowed = passedToServices(statement);
  const fixes: Fix[] = [];
  for (const choice of choices(document, known, statement)) {
    const services = union(choice.targets.map((t) => t.services));
    const condition = allowed ? undefined : conditionEdit(document, statement, services);
    if (!allowed && !condition) continue;
    const targets = choice.targets.map((t) => t.value);
    const fix = movePassRole(document, statement, star, movable, targets, condition);
    const passedTo = allowed ? services.filter((s) => allowed.has(s.toLowerCase())) : services;
    if (fix) {
      fixes.push({
        ...fix,
        title: `Move iam:PassRole to its own statement scoped to ${choice.what}, passed only to ${passedTo.join(', ')}`,
      });
    }
  }
  return fixes;
}

/**
 * The roles to offer. In a pipeline's service role: first every role the pipeline passes, then
 * each one. Otherwise each template role, those that resources name in their role properties
 * first, then those whose trust policy names a service.
 */
function choices(document: ParsedDocument, known: Known, statement: Statement): Choice[] {
  const allowed = passedToServices(statement);
  // Roles listed next to the `*` need no fix of their own (those of other `Fn::If` branches do).
  const named = new Set(
    statement
      .values('Resource')
      .filter((r) => directlyUnderResource(r.node))
      .map((r) => keyOf(document, known, r.node)),
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
    const each =
      piped.length > 1
        ? piped.slice(0, MAX_ROLE_FIXES).map((t) => ({ targets: [t], what: t.label }))
        : [];
    return [{ targets: piped, what: all }, ...each];
  }
  const { template, policies, references } = known;
  const roles = [
    ...references.keys(),
    ...[...template.resources.values()]
      .filter((r) => r.type === 'AWS::IAM::Role')
      .map((r) => r.name),
  ];
  // The roles holding this policy are not ones it passes.
  const own = rolesOfPolicy(template, statement.policy);
  const targets = [...new Set(roles)]
    .filter((name) => !own.has(name))
    .map((name) => roleTarget(name, roleServices(template, policies, references, name)))
    .filter(fits);
  // Next to `lambda:CreateFunction`, the roles passed to Lambda come first.
  const prefixes = new Set(
    statement.values('Action').map((a) => a.value?.split(':')[0]?.toLowerCase() ?? ''),
  );
  const related = (t: PassTarget) =>
    t.services.some((s) => [...prefixes].some((p) => p !== '' && s.toLowerCase().startsWith(p)));
  return [...targets.filter(related), ...targets.filter((t) => !related(t))]
    .slice(0, MAX_ROLE_FIXES)
    .map((target) => ({ targets: [target], what: target.label }));
}

/**
 * The nodes a scoping fix replaces: each `*`, or the whole `Resource` value when it is an `Fn::If`
 * whose every branch is `*` (one value then replaces the choice).
 */
function starNodes(statement: Statement, stars: readonly ResolvedValue[]): Node[] {
  const resource = statement.element('Resource')?.value;
  const args = intrinsicName(resource) === 'Fn::If' ? getValue(resource, 'Fn::If') : undefined;
  // Both branches `*` (not `AWS::NoValue`, whose absence the fix must keep).
  const both =
    args?.kind === 'array' &&
    args.items.length === 3 &&
    args.items.slice(1).every((item) => item.kind === 'string' && item.value === '*');
  return both && resource ? [resource] : stars.map((s) => s.node);
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
  { targets, what }: Choice,
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

/** For named roles whose services are all known: add the condition with those services. */
export function conditionFixes(
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

/** How `PassTarget.key` would name the role a `Resource` entry names. */
function keyOf(document: ParsedDocument, known: Known, node: Node): string | undefined {
  const role = templateRoleOf(known.template, node);
  return role !== undefined ? `role:${role}` : rawText(document, node);
}

/** Where the role a `Resource` entry names is passed, when that is known. */
function servicesOf(
  document: ParsedDocument,
  known: Known,
  node: Node,
): readonly string[] | undefined {
  const role = templateRoleOf(known.template, node);
  const key = keyOf(document, known, node);
  const piped = known.piped.find((t) => t.key === key);
  if (piped) return piped.services;
  if (role === undefined) return undefined;
  const services = roleServices(known.template, known.policies, known.references, role);
  return services.length > 0 ? services : undefined;
}

/** The value of `iam:PassedToService`: one service as a string, several as a list. */
function servicesValue(services: readonly string[]): Value {
  return services.length === 1 && services[0] !== undefined ? services[0] : services;
}

/** Adds `iam:PassedToService` with the services (see {@link stringEqualsEdit}). */
function conditionEdit(
  document: ParsedDocument,
  statement: Statement,
  services: readonly string[],
): TextEdit | undefined {
  if (services.length === 0) return undefined;
  return stringEqualsEdit(document, statement, 'iam:PassedToService', servicesValue(services));
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

function directlyUnderResource(star: Node): boolean {
  return (
    star.property?.key.value === 'Resource' ||
    (star.parent?.kind === 'array' && star.parent.property?.key.value === 'Resource')
  );
}

/** The services of several lists, each once (compared without case), in the order first seen. */
function union(lists: readonly (readonly string[])[]): string[] {
  const seen = new Map<string, string>();
  for (const list of lists) {
    for (const s of list) if (!seen.has(s.toLowerCase())) seen.set(s.toLowerCase(), s);
  }
  return [...seen.values()];
}

function within(inner: readonly string[], outer: readonly string[]): boolean {
  const lower = new Set(outer.map((s) => s.toLowerCase()));
  return inner.every((s) => lower.has(s.toLowerCase()));
}

/**
 * Services that take a role from whoever calls these actions, by action prefix: what a statement's
 * other actions say about where its roles go when the template names no role.
 */
const PASSED_BY_PREFIX: ReadonlyMap<string, string> = new Map([
  ['codebuild', 'codebuild.amazonaws.com'],
  ['cloudformation', 'cloudformation.amazonaws.com'],
  ['codepipeline', 'codepipeline.amazonaws.com'],
  ['lambda', 'lambda.amazonaws.com'],
  ['states', 'states.amazonaws.com'],
  ['ecs', 'ecs-tasks.amazonaws.com'],
  ['ec2', 'ec2.amazonaws.com'],
  ['glue', 'glue.amazonaws.com'],
  ['sagemaker', 'sagemaker.amazonaws.com'],
  ['events', 'events.amazonaws.com'],
  ['scheduler', 'scheduler.amazonaws.com'],
  ['batch', 'batch.amazonaws.com'],
  ['codedeploy', 'codedeploy.amazonaws.com'],
  ['elasticmapreduce', 'elasticmapreduce.amazonaws.com'],
  ['datasync', 'datasync.amazonaws.com'],
  ['apigateway', 'apigateway.amazonaws.com'],
]);

/**
 * The way out when no role to pass is known (a standalone policy, a deploy role whose roles live
 * elsewhere): `Resource` becomes a role ARN to fill in (`placeholder-value` reports it until then)
 * and `iam:PassedToService` names the services the statement's other actions, or the policy's
 * other statements, hand roles to. Without any such service, only the role placeholder.
 */
export function placeholderFixes(
  document: ParsedDocument,
  model: DocumentModel,
  statement: Statement,
  stars: readonly ResolvedValue[],
): Fix[] {
  const role = model.template ? templatePlaceholderArn(ROLE_FORMAT) : placeholderArn(ROLE_FORMAT);
  const prefixes = (statements: readonly Statement[]) =>
    statements.flatMap((s) =>
      s.values('Action').flatMap((a) => {
        const prefix = a.value?.split(':')[0]?.toLowerCase();
        const service = prefix === undefined ? undefined : PASSED_BY_PREFIX.get(prefix);
        return service ? [service] : [];
      }),
    );
  let services = union([prefixes([statement])]);
  if (services.length === 0) services = union([prefixes(statement.policy.statements)]);
  const allowed = passedToServices(statement);
  if (allowed) services = [];
  const condition = services.length > 0 ? conditionEdit(document, statement, services) : undefined;
  const passedTo = condition ? `, passed only to ${services.join(', ')}` : '';
  const actions = statement.values('Action');
  const [star] = stars;
  // `NotAction` grants far more than PassRole through this `*`: nothing to scope it to.
  if (statement.element('NotAction') || !actions.some(isPassRole)) return [];
  if (actions.every(isPassRole)) {
    const edits = starNodes(statement, stars).map((node) =>
      replaceWithList(document, node, [role]),
    );
    if (condition) edits.push(condition);
    return [{ title: `Scope to a role ARN to fill in${passedTo}`, safe: false, edits }];
  }
  const movable = movablePassRole(statement);
  if (!movable || stars.length !== 1 || !star) return [];
  const fix = movePassRole(document, statement, star, movable, [role], condition);
  return fix
    ? [
        {
          ...fix,
          title: `Move iam:PassRole to its own statement scoped to a role ARN to fill in${passedTo}`,
        },
      ]
    : [];
}

/** The catalog's ARN format of an IAM role. */
const ROLE_FORMAT = 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}';

const isPassRole = (action: { readonly value: string | undefined }) =>
  action.value?.toLowerCase() === PASS_ROLE;

/**
 * The statement's one `iam:PassRole` entry and its other entries, when PassRole can move to a
 * statement of its own: it is listed once, beside other actions, none of which is unknown or also
 * grants it (`iam:*`, `iam:Pass*`).
 */
function movablePassRole(statement: Statement) {
  const actions = statement.values('Action');
  const pass = actions.filter(isPassRole);
  const rest = actions.filter((a) => !isPassRole(a));
  const [only] = pass;
  if (pass.length !== 1 || !only || rest.length === 0) return undefined;
  if (rest.some((a) => a.value === undefined || patternCovers(a.value, PASS_ROLE)))
    return undefined;
  return { only, rest };
}

/** Splits the statement: the other actions keep `*`, `iam:PassRole` names `roles`. */
function movePassRole(
  document: ParsedDocument,
  statement: Statement,
  star: ResolvedValue,
  { only, rest }: NonNullable<ReturnType<typeof movablePassRole>>,
  roles: readonly Value[],
  condition: TextEdit | undefined,
): Fix | undefined {
  return splitStatementFix(document, statement, star.node, [
    { suffix: '', actions: rest.map((a) => a.node), arns: undefined },
    { suffix: 'PassRole', actions: [only.node], arns: roles, edits: condition ? [condition] : [] },
  ]);
}
