import {
  reachesEvery,
  reachesEveryOf,
  statementAccess,
  type ActionAccess,
  type ResourceAccess,
  type StatementAccess,
} from '../access/statement-access';
import { readsData } from '../access/data-reads';
import { getValue, stringValue, type Node, type ParsedDocument } from '../document';
import { replaceWithList } from '../edits';
import { stringEqualsEdit } from '../fixes/condition-edit';
import { narrowingCondition, unnameable } from '../access/unnameable';
import type { Severity } from '../finding';
import { pipelinesOfPolicy, pipelineTargets, type PipelineTarget } from '../fixes/pipeline-targets';
import { splitStatementFix, type SplitGroup } from '../fixes/split-statement';
import type { ActionInfo, Catalog } from '../iam/catalog';
import { actionEntries } from '../iam/statement';
import {
  arnFormat,
  placeholderArn,
  templatePlaceholderArn,
  resourceTypesOf,
  templateTargets,
  type ResourceTypeKey,
} from '../iam/targets';
import { stringItems, type DocumentModel, type Policy, type Template } from '../model';
import { referencesRole, rolesOfPolicy } from '../pipeline/service-role';
import type { Value } from '../render';
import { listWords } from '../prose';
import { defineRule, type Fix } from './rule';

/** Beyond this many resource types a statement is too broad for one ARN list to be a sensible fix. */
const MAX_FIX_TYPES = 6;

export default defineRule({
  id: 'wildcard-resource',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      An Allow statement applies actions that support resource-level permissions to \`"Resource":
      "*"\`, or to an ARN that is \`*\` in effect.
    `,
    why: `
      With \`*\` the actions reach every bucket, key, project or role in the account, now and in
      future, not only the ones the workload uses. An ARN whose every part that names a resource is
      a wildcard (\`arn:aws:s3:::*\`, \`arn:*:cloudtrail:*:*:trail/*\`) is the same thing. The rule
      judges each action of the statement: actions that accept only \`*\` (such as
      \`s3:ListAllMyBuckets\`) cannot be scoped and are not counted; neither are actions a condition
      key that applies to them already narrows (\`cloudwatch:namespace\` for
      \`cloudwatch:PutMetricData\`, \`aws:ResourceTag/...\`, service keys such as \`s3:prefix\`),
      nor \`iam:PassRole\`, which \`passrole-unscoped\` reports, nor actions no resource a policy
      can name scopes (CloudWatch metrics reads, the calls the SSM agent makes about its own
      instance). \`cloudwatch:PutMetricData\` on \`*\` is information: only
      \`cloudwatch:namespace\` scopes it. Actions that create what they act on (\`Create*\`,
      \`Run*\`, ...) are reported on \`*\` only, never on an ARN with a wildcard for the name
      (\`arn:aws:ec2:*:*:instance/*\` for \`ec2:RunInstances\`), since the new resource cannot
      be named before it exists. It is a warning when the actions
      write, tag, manage permissions or read data (objects, secrets, parameters, items, keys: the
      table in \`access/data-reads.ts\`), information when they only read metadata, and silent
      for List actions alone, where \`*\` is the norm. Only identity policies are checked: in a
      resource-based policy \`*\` can only mean the resource the policy is attached to. Deny
      statements are never reported.
    `,
    fix: `
      Name the resources. The quick-fixes are checked against what the statement grants: after any
      of them every action still has a resource of a type it acts on, and none reaches more than
      before. In the service role of a CodePipeline pipeline of the template they offer the
      pipeline's own resources (artifact bucket, CodeBuild projects, stacks, repositories,
      functions, the roles it assumes), elsewhere the template's resources of the right types (not
      one created under another \`Condition\`, not the role holding the policy, and for
      \`sts:AssumeRole\` only roles whose trust policy names this role or its account); a target
      is offered only when it serves every action. Outside templates they write the ARN formats
      with named placeholders, and in place of an ARN written with wildcards they keep its
      partition, Region and account. They replace an entry only for the resource types that would
      lose it: a type another entry of the statement names stays with that entry. For
      \`cloudwatch:PutMetricData\` the fix adds a \`cloudwatch:namespace\` condition with the
      placeholder \`NAMESPACE\`. When the actions act on different resource types, or some accept
      only \`*\`, a fix splits the statement into one per type with the same \`Effect\` and
      \`Condition\` and a suffixed \`Sid\`; actions that accept only \`*\`, \`iam:PassRole\`,
      and in templates actions none of whose resources the template names, keep \`*\` in a
      statement of their own (the fix's title says which).
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
    ],
  },
  check({ document, model, catalog, report }) {
    for (const policy of model.policies) {
      if (policy.type !== 'identity' && policy.type !== 'iot') continue;
      const pipeline = pipelineScope(model, policy);
      const owned = ownedElsewhere(catalog);
      for (const statement of policy.statements) {
        if (statement.effect !== 'Allow' || statement.element('NotAction')) continue;
        const access = statementAccess(catalog, model, statement);
        for (const resource of access.resources) {
          if (!resource.star && !mayBeBroad(resource)) continue;
          const reached = access.actions.filter(
            (a) =>
              !a.wildcardOnly &&
              a.narrowedBy.length === 0 &&
              (!unnameable(a) || narrowingCondition(a) !== undefined) &&
              !owned.has(a.action) &&
              !(creates(a) && !resource.star) &&
              reachesEvery(resource, a),
          );
          const severity = severityOf(reached);
          if (!severity) continue;
          report({
            at: resource.item.node,
            severity,
            message: message(resource, reached),
            fixes: () => fixesFor(document, catalog, model, access, resource, pipeline),
          });
        }
      }
    }
  },
});

/**
 * Actions a more specific rule reports on `*` (the precedence table in ARCHITECTURE.md): one risk,
 * one finding.
 */
const OWNED_ELSEWHERE = ['iam:PassRole'];

function ownedElsewhere(catalog: Catalog): ReadonlySet<ActionInfo> {
  return new Set(OWNED_ELSEWHERE.flatMap((name) => catalog.action(name) ?? []));
}

/**
 * Actions that create the resources they act on (`ec2:RunInstances`, `logs:CreateLogStream`): the
 * new resource's name or ID is not known when the policy is written, so an ARN with a wildcard in
 * it (`arn:aws:ec2:*:*:instance/*`) is how AWS's own examples scope them. Only the literal `*`,
 * which also reaches every existing resource of every type, is reported for them.
 */
const CREATES = /^(Create|Run|Launch|Allocate|Import|Copy|Register|Request)/;

function creates(action: ActionAccess): boolean {
  return action.action.accessLevel === 'Write' && CREATES.test(action.action.name);
}

/** A resource other than the literal `*` can reach everything only through a wildcard. */
function mayBeBroad(resource: ResourceAccess): boolean {
  return resource.item.resolved.some((r) =>
    r.segments.some((s) => s.kind === 'text' && s.text.includes('*')),
  );
}

/**
 * Warning when the actions change, tag or hand out access, or read data (see `DATA_READS`); info
 * when they only list or read metadata, or when only a condition can scope them (see
 * `unnameable`); nothing for List actions alone, where `*` is the norm.
 */
function severityOf(actions: readonly ActionAccess[]): Severity | undefined {
  if (!actions.some((a) => a.action.accessLevel !== 'List')) return undefined;
  // Metrics published anywhere: only a condition scopes them, and they reach no one's data.
  if (actions.every(unnameable)) return 'info';
  const risky = actions.some(
    (a) => a.action.accessLevel !== 'Read' && a.action.accessLevel !== 'List',
  );
  return risky || actions.some((a) => readsData(a.fullName)) ? 'warning' : 'info';
}

function message(resource: ResourceAccess, actions: readonly ActionAccess[]): string {
  const conditions = [...new Set(actions.map((a) => narrowingCondition(a)?.key))];
  const [key] = conditions;
  if (actions.every(unnameable) && conditions.length === 1 && key !== undefined) {
    return `"Resource": "*" applies ${describe(actions)} everywhere; no resource scopes ${actions.length === 1 ? 'it' : 'them'}, but the ${key} condition key does: add it.`;
  }
  const they = actions.length === 1 ? 'it supports' : 'they support';
  if (resource.star) {
    return `"Resource": "*" applies ${describe(actions)} to every resource in the account; ${they} resource-level permissions, so name the resources.`;
  }
  const written = resource.item.value ?? 'This value';
  return `\`${written}\` is "*" in effect: it applies ${describe(actions)} to every resource of ${actions.length === 1 ? 'its type' : 'their types'}; ${they} resource-level permissions, so name the resources.`;
}

function describe(actions: readonly ActionAccess[]): string {
  const names = actions.slice(0, 3).map((a) => a.fullName);
  if (actions.length <= 3) return names.join(', ');
  return `${actions.length.toLocaleString('en-US')} actions (${names.join(', ')}, ...)`;
}

/**
 * The fixes, each checked against the statement's access: after it, every action of the statement
 * still has a resource of a type it acts on (an action that accepts only `*` keeps `*`), and none
 * reaches more than before. Replacing the resource is offered only when one set of targets serves
 * every action; otherwise the split gives each group of actions its own.
 */
function fixesFor(
  document: ParsedDocument,
  catalog: Catalog,
  model: DocumentModel,
  access: StatementAccess,
  resource: ResourceAccess,
  pipeline: readonly PipelineTarget[],
): Fix[] {
  if (access.partial) return [];
  // What would be lost without this entry: each action's resource types that it may name and no
  // other entry does (one request may need several: ec2:RunInstances authorizes its instance,
  // volumes, network interfaces, ...), and on `*` the actions that accept only `*`.
  const others = access.resources.filter((r) => r !== resource);
  const lost = (a: ActionAccess) =>
    a.wildcardOnly
      ? resource.star && !others.some((r) => r.star)
      : a.types.length === 0
        ? resource.fits(a) && !others.some((r) => r.fits(a))
        : a.types.some(
            (t) =>
              t.arn === undefined ||
              (resource.fitsFormat(t.arn) && !others.some((r) => r.fitsFormat(t.arn ?? ''))),
          );
  const needy = access.actions.filter(lost);
  const named = needy.filter((a) => !unnameable(a));
  const otherwiseServed = (key: ResourceTypeKey) =>
    others.some((r) => {
      const format = arnFormat(catalog, key);
      return format !== undefined && r.fitsFormat(format);
    });
  // In place of `*`, each action's own types; in place of an ARN written with wildcards, the
  // types whose every resource it reaches; either way none that another entry already names.
  const types = new Set(
    [
      ...(resource.star
        ? resourceTypesOf(
            catalog,
            named.map((a) => a.action),
            MAX_FIX_TYPES,
          )
        : named.flatMap((a) =>
            a.types
              .filter((t) => t.arn !== undefined && reachesEveryOf(resource, t.arn))
              .map((t) => t.key),
          )),
    ].filter((key) => !otherwiseServed(key)),
  );
  // Nothing needs this entry (the others may serve every action): nothing to scope it to.
  if (needy.length === 0 || types.size > MAX_FIX_TYPES) return [];
  if (named.length === 0) return resource.star ? narrowingFixes(document, access) : [];
  const node = resource.item.node;
  const targets = candidateTargets(model, { ...access, actions: needy }, types, pipeline);
  const servesAll = (served: ReadonlySet<ResourceTypeKey>) =>
    needy.every((a) => !unnameable(a) && a.types.some((t) => served.has(t.key)));
  const replace = (title: string, arns: readonly Value[]): Fix => ({
    title,
    // Scoping narrows the grant; whether the named resources are the right ones is the user's call.
    safe: false,
    edits: [replaceWithList(document, node, arns)],
  });
  const fixes: Fix[] = [];
  const whole = targets.filter((t) => servesAll(t.types));
  for (const target of whole) fixes.push(replace(target.title, target.arns));
  if (whole.length === 0 && targets.length > 1) {
    const union = new Set(targets.flatMap((t) => [...t.types]));
    if (servesAll(union)) {
      const labels = targets.map((t) => t.label).join(', ');
      fixes.push(
        replace(
          `Scope to all of: ${labels}`,
          targets.flatMap((t) => t.arns),
        ),
      );
    }
  }
  // Actions that accept only `*`, or that no entry names a resource of, grant nothing on a wildcard
  // ARN either; a literal ARN in its place would only bring that to light (action-resource-mismatch
  // reads a wildcard ARN generously), not scope anything.
  const exposes =
    !resource.star &&
    access.actions.some((a) => a.wildcardOnly || !access.resources.some((r) => r.fits(a)));
  if (fixes.length === 0 && targets.length === 0 && servesAll(types) && !exposes) {
    const arns = placeholders(catalog, types, model.template !== undefined, resource.item.value);
    // A format that is itself a wildcard ("every user") would leave the other actions on it too.
    const exact = [...types].every((key) => !arnFormat(catalog, key)?.includes('*'));
    if (arns.length === types.size && exact) {
      fixes.push(
        replace(`Replace with ARN ${arns.length === 1 ? 'format' : 'formats'} to fill in`, arns),
      );
    }
  }
  if (resource.star) fixes.push(...split(document, catalog, model, access, resource, pipeline));
  return fixes;
}

/**
 * For a statement whose actions no resource scopes but one condition key narrows (CloudWatch's
 * `PutMetricData` and `cloudwatch:namespace`): that condition, with a placeholder value to fill in.
 * Only when every action of the statement supports the key: for the others a condition on a key
 * their requests never carry would never match.
 */
function narrowingFixes(document: ParsedDocument, access: StatementAccess): Fix[] {
  const conditions = access.actions.map(narrowingCondition);
  const [first] = conditions;
  if (!first || conditions.some((c) => c?.key !== first.key)) return [];
  const edit = stringEqualsEdit(document, access.statement, first.key, first.placeholder);
  return edit
    ? [{ title: `Limit with ${first.key} (a value to fill in)`, safe: false, edits: [edit] }]
    : [];
}

/** A set of resources a fix can name, with the resource types they are. */
interface Candidate {
  readonly title: string;
  readonly label: string;
  readonly arns: readonly Value[];
  readonly types: ReadonlySet<ResourceTypeKey>;
}

/**
 * What `*` can become: in a pipeline's service role the pipeline's resources (each, and all of
 * them), else the template's resources of the wanted types, leaving out resources created under a
 * `Condition` (an unconditional policy naming them fails whenever the condition is false), the
 * roles holding the policy, and for `sts:AssumeRole` roles whose trust does not name this role or
 * its account.
 */
function candidateTargets(
  model: DocumentModel,
  access: StatementAccess,
  types: ReadonlySet<ResourceTypeKey>,
  pipeline: readonly PipelineTarget[],
): Candidate[] {
  const grantsAction = (name: string) =>
    access.actions.some((a) => a.fullName.toLowerCase() === name);
  const fromPipeline = pipeline
    .filter((t) => !t.action || grantsAction(t.action.toLowerCase()))
    .map((t) => {
      const arns = t.arns.filter((a) => types.has(a.type));
      return {
        title: `Scope to the pipeline's ${t.label}`,
        label: t.label,
        arns: arns.map((a) => a.arn),
        types: new Set(arns.map((a) => a.type)),
      };
    })
    .filter((t) => t.arns.length > 0);
  if (fromPipeline.length > 0) {
    if (fromPipeline.length === 1) return fromPipeline;
    const all = {
      title: `Scope to all of: ${fromPipeline.map((t) => t.label).join(', ')}`,
      label: fromPipeline.map((t) => t.label).join(', '),
      arns: fromPipeline.flatMap((t) => t.arns),
      types: new Set(fromPipeline.flatMap((t) => [...t.types])),
    };
    return [...fromPipeline, all];
  }
  const template = model.template;
  if (!template) return [];
  const policy = access.statement.policy;
  const own = rolesOfPolicy(template, policy);
  const holder = policy.resource && template.resources.get(policy.resource.name);
  const policyCondition = stringValue(getValue(holder?.node, 'Condition'));
  const assumes = grantsAction('sts:assumerole');
  return templateTargets(template, types)
    .filter((t) => t.condition === undefined || t.condition === policyCondition)
    .filter((t) => !own.has(t.label))
    .filter(
      (t) => !assumes || !isRole(template, t.label) || trustsCaller(model.policies, t.label, own),
    )
    .map((t) => ({ title: `Scope to ${t.label}`, label: t.label, arns: t.arns, types: t.types }));
}

function isRole(template: Template, name: string): boolean {
  return template.resources.get(name)?.type === 'AWS::IAM::Role';
}

/**
 * Whether a template role's trust policy lets the roles holding this policy assume it: it names
 * one of them, or an account (which then decides through its own policies). Unknown principals
 * count in its favour; a trust that names only services does not.
 */
function trustsCaller(
  policies: readonly Policy[],
  role: string,
  callers: ReadonlySet<string>,
): boolean {
  for (const policy of policies) {
    if (policy.type !== 'trust' || policy.resource?.name !== role) continue;
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow') continue;
      const aws = getValue(statement.element('Principal')?.value, 'AWS');
      if (aws === undefined) continue;
      if ([...callers].some((caller) => referencesRole(aws, caller))) return true;
      const names = stringItems(aws).map((item) => item.value);
      if (names.some((name) => name === undefined || ACCOUNT.test(name))) return true;
    }
  }
  return false;
}

/** A principal that names a whole account (or everyone), whose own policies then decide. */
const ACCOUNT = /^(\d{12}|\*|arn:[^:]+:iam::(\d{12}|\*):root)$/;
/** The pipelines' resources, when the policy belongs to a role that pipelines of the template use. */
function pipelineScope(
  model: DocumentModel,
  policy: DocumentModel['policies'][number],
): PipelineTarget[] {
  const template = model.template;
  if (!template || model.pipelines.length === 0) return [];
  return pipelinesOfPolicy(template, model.pipelines, policy).flatMap((p) =>
    pipelineTargets(template, p),
  );
}

/**
 * The ARN formats of the types with named placeholders (pseudo parameters in a template). When they
 * replace an ARN written with a wildcard (`arn:aws:s3:::*`), its partition, Region and account
 * stay as written where they name one: the fix narrows the resource, never moves it.
 */
function placeholders(
  catalog: Catalog,
  types: ReadonlySet<ResourceTypeKey>,
  inTemplate: boolean,
  written?: string,
): Value[] {
  const fields = written?.split(':');
  const keep = (index: number, variable: string) => {
    const field = fields?.[index];
    return field !== undefined && field !== '' && !/[*?]|\$\{/.test(field) ? field : variable;
  };
  const formats = [...types]
    .map((key) => arnFormat(catalog, key))
    // A format whose service is itself a placeholder (AWS Backup's `${Vendor}`) helps nobody.
    .filter((f): f is string => f !== undefined && !(f.split(':')[2] ?? '').includes('${'))
    .map((f) =>
      f
        .replace('${Partition}', keep(1, '${Partition}'))
        .replace('${Region}', keep(3, '${Region}'))
        .replace('${Account}', keep(4, '${Account}')),
    );
  return inTemplate ? formats.map(templatePlaceholderArn) : formats.map(placeholderArn);
}

/**
 * The split fix: the statement's `Action` entries grouped by the resource types they act on. Each
 * group gets the pipeline's resources of those types, else the template's one resource that
 * serves every action of the group, else ARN formats to fill in; entries whose actions accept only
 * `*`, and `iam:PassRole` (scoped by passrole-unscoped's own fixes), keep `*` in a statement of
 * their own.
 */
function split(
  document: ParsedDocument,
  catalog: Catalog,
  model: DocumentModel,
  access: StatementAccess,
  resource: ResourceAccess,
  pipeline: readonly PipelineTarget[],
): Fix[] {
  const groups = new Map<
    string,
    { types: Set<ResourceTypeKey>; actions: ActionAccess[]; nodes: Node[] }
  >();
  const owned = ownedElsewhere(catalog);
  for (const entry of actionEntries(catalog, access.statement)) {
    const matched = new Set(entry.matches);
    const actions = access.actions.filter((a) => matched.has(a.action));

    const keepsStar = actions.every((a) => a.wildcardOnly || owned.has(a.action) || unnameable(a));
    const types = keepsStar
      ? new Set<ResourceTypeKey>()
      : resourceTypesOf(
          catalog,
          actions.map((a) => a.action),
          MAX_FIX_TYPES,
        );
    const key = [...types].sort().join(' ');
    const group = groups.get(key) ?? { types, actions: [], nodes: [] };
    group.actions.push(...actions);
    group.nodes.push(entry.node);
    groups.set(key, group);
  }
  if (groups.size < 2 || groups.size > MAX_FIX_TYPES) return [];
  const scoped: SplitGroup[] = [];
  const kept: Node[] = [];
  // Actions that stay on `*` because the template names none of their resources.
  const unnamed: ActionAccess[] = [];
  for (const { types, actions, nodes } of groups.values()) {
    const arns =
      types.size > 0 ? groupArns(catalog, model, access, types, actions, pipeline) : undefined;
    if (arns === undefined && types.size > 0 && model.template === undefined) return [];
    if (arns === undefined) {
      kept.push(...nodes);
      if (types.size > 0) unnamed.push(...actions);
    } else scoped.push({ suffix: suffix(types), actions: nodes, arns });
  }
  if (scoped.length === 0) return [];
  const splitGroups =
    kept.length > 0
      ? [...scoped, { suffix: 'AnyResource', actions: kept, arns: undefined }]
      : scoped;
  const fix = splitStatementFix(document, access.statement, resource.item.node, splitGroups);
  if (!fix) return [];
  if (unnamed.length === 0) return [fix];
  // A few actions by name, more by their services.
  const names =
    unnamed.length <= 3
      ? `${listWords(unnamed.map((a) => a.fullName))} ${unnamed.length === 1 ? 'stays' : 'stay'}`
      : `${listWords([...new Set(unnamed.map((a) => a.action.service.name))].sort())} actions stay`;
  return [
    {
      ...fix,
      title: `${fix.title} (${names} on "*": the template names none of ${unnamed.length === 1 ? 'its' : 'their'} resources)`,
    },
  ];
}

/**
 * The resources for one group of the split, each serving every action of the group: the pipeline's,
 * else the template's one fitting resource, else (outside templates) ARN formats to fill in.
 */
function groupArns(
  catalog: Catalog,
  model: DocumentModel,
  access: StatementAccess,
  types: ReadonlySet<ResourceTypeKey>,
  actions: readonly ActionAccess[],
  pipeline: readonly PipelineTarget[],
): readonly Value[] | undefined {
  const serves = (served: ReadonlySet<ResourceTypeKey>) =>
    actions.every((a) => a.wildcardOnly || a.types.some((t) => served.has(t.key)));
  const fitting = candidateTargets(model, { ...access, actions }, types, pipeline).filter((t) =>
    serves(t.types),
  );
  const all = fitting.find((t) => t.title.startsWith('Scope to all of')) ?? fitting[0];
  if (all && (fitting.length === 1 || pipeline.length > 0)) return all.arns;
  if (model.template !== undefined || !serves(types)) return undefined;
  const formats = placeholders(catalog, types, false);
  return formats.length === types.size ? formats : undefined;
}

/** `s3/object` becomes `S3Object`; several types are joined; `*` alone is `AnyResource`. */
function suffix(types: ReadonlySet<ResourceTypeKey>): string {
  if (types.size === 0) return 'AnyResource';
  const pascal = (word: string) =>
    word
      .split(/[^A-Za-z0-9]+/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
  return [...types]
    .sort()
    .map((key) => key.split('/').map(pascal).join(''))
    .join('');
}
