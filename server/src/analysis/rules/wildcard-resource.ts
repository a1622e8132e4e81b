import type { Node, ParsedDocument } from '../document';
import { replaceWithList } from '../edits';
import { pipelinesOfPolicy, pipelineTargets, type PipelineTarget } from '../fixes/pipeline-targets';
import { splitStatementFix, type SplitGroup } from '../fixes/split-statement';
import type { ActionInfo, Catalog } from '../iam/catalog';
import { actionEntries, starResources } from '../iam/statement';
import {
  arnFormat,
  placeholderArn,
  templatePlaceholderArn,
  templateTargets,
  type ResourceTypeKey,
} from '../iam/targets';
import type { DocumentModel, Statement } from '../model';
import type { Value } from '../render';
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
      "*"\`.
    `,
    why: `
      With \`*\` the actions reach every bucket, key, project or role in the account, now and in
      future, not only the ones the workload uses. Actions that accept only \`*\` (such as
      \`s3:ListAllMyBuckets\` or \`codebuild:ListProjects\`) cannot be scoped and are never
      reported, and neither are statements whose scopable actions are all List actions (such as
      \`ec2:Describe*\`), where \`*\` is the norm. Only identity policies are checked: in a
      resource-based policy (a bucket, key or queue policy) \`*\` can only mean the resource the
      policy is attached to. Deny statements are never reported.
    `,
    fix: `
      Name the resources. In a template the quick-fixes offer each of the template's own resources
      that the actions apply to (\`!GetAtt ArtifactBucket.Arn\`, \`!Sub
      '\${ArtifactBucket.Arn}/*'\`, ...). In the service role of a CodePipeline pipeline of the
      template (a role the pipeline names in \`RoleArn\`), they offer the pipeline's own resources
      instead: its artifact bucket, the CodeBuild projects, CloudFormation stacks, source
      repositories and functions its actions name, and the roles it passes or assumes, one fix for
      each and one for all of them. Elsewhere they write the ARN formats of the actions' resource
      types with named placeholders to fill in. When the statement's actions act on different
      resource types (objects and buckets, queues and log groups), a fix splits it into one
      statement per type, each naming only that type's resources, with the same \`Effect\` and
      \`Condition\` and a suffixed \`Sid\`; actions that accept only \`*\` keep \`*\` in a statement
      of their own.
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
      for (const statement of policy.statements) {
        if (statement.effect !== 'Allow' || statement.element('NotAction')) continue;
        const stars = starResources(statement);
        if (stars.length === 0) continue;
        const scopable = scopableActions(catalog, statement);
        // Listing on `*` is the norm (`ec2:Describe*`), so List actions alone are not reported.
        if (!scopable.some((a) => a.accessLevel !== 'List')) continue;
        const types = resourceTypesOf(catalog, scopable);
        // A role the pipeline passes is no target for `sts:AssumeRole`, nor one it assumes for
        // `iam:PassRole`.
        const targets = pipeline.filter((t) => !t.action || grants(scopable, t.action));
        for (const star of stars) {
          report({
            at: star.node,
            message: `"Resource": "*" applies ${describe(scopable)} to every resource in the account; ${scopable.length === 1 ? 'it supports' : 'they support'} resource-level permissions, so name the resources.`,
            fixes: () =>
              types.size <= MAX_FIX_TYPES
                ? [
                    ...scopeFixes(document, catalog, star.node, types, resolver(model, targets)),
                    ...split(document, catalog, statement, star.node, resolver(model, targets)),
                  ]
                : [],
          });
        }
      }
    }
  },
});

/** Whether the actions include `action` (`iam:PassRole`), ignoring case. */
function grants(actions: readonly ActionInfo[], action: string): boolean {
  const wanted = action.toLowerCase();
  return actions.some((a) => `${a.service.prefix}:${a.name}`.toLowerCase() === wanted);
}

/** The statement's actions that accept resource ARNs, without duplicates, in catalog order. */
function scopableActions(catalog: Catalog, statement: Statement): readonly ActionInfo[] {
  const lists = actionEntries(catalog, statement).map((entry) => catalog.scopable(entry.matches));
  if (lists.length === 1) return lists[0] ?? [];
  return [...new Set(lists.flat())];
}

function describe(actions: readonly ActionInfo[]): string {
  const names = actions.slice(0, 3).map((a) => `${a.service.prefix}:${a.name}`);
  if (actions.length <= 3) return names.join(', ');
  return `${actions.length.toLocaleString('en-US')} actions (${names.join(', ')}, ...)`;
}

/**
 * The resource types the actions act on: for each action its required types or, when none is
 * required, its most direct one (the ARN with the fewest parts to fill in: an S3 object rather
 * than an object reached through an access point).
 */
function resourceTypesOf(catalog: Catalog, actions: readonly ActionInfo[]): Set<ResourceTypeKey> {
  const types = new Set<ResourceTypeKey>();
  for (const action of actions) {
    const detail = catalog.actionDetail(action);
    if (!detail) continue;
    const required = detail.resourceTypes.filter((r) => r.required);
    for (const type of required.length > 0 ? required : mostDirect(detail.resourceTypes)) {
      types.add(`${action.service.prefix}/${type.name.toLowerCase()}`);
    }
    if (types.size > MAX_FIX_TYPES) break;
  }
  return types;
}

function mostDirect<T extends { detail: { arn: string } | undefined }>(types: readonly T[]): T[] {
  const parts = (t: T) => (t.detail?.arn.match(/\$\{/g) ?? []).length;
  const fewest = Math.min(...types.map(parts));
  return types.filter((t) => parts(t) === fewest).slice(0, 1);
}

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

/** Where the scoped ARNs come from, most specific first. */
interface Resolver {
  readonly model: DocumentModel;
  readonly pipeline: readonly PipelineTarget[];
}

function resolver(model: DocumentModel, pipeline: readonly PipelineTarget[]): Resolver {
  return { model, pipeline };
}

/** A pipeline target's ARNs for the wanted types. */
function pipelineArns(target: PipelineTarget, types: ReadonlySet<ResourceTypeKey>): Value[] {
  return target.arns.filter((a) => types.has(a.type)).map((a) => a.arn);
}

function scopeFixes(
  document: ParsedDocument,
  catalog: Catalog,
  node: Node,
  types: ReadonlySet<ResourceTypeKey>,
  { model, pipeline }: Resolver,
): Fix[] {
  const fix = (title: string, arns: readonly Value[]): Fix => ({
    title,
    // Scoping narrows the grant; whether the named resources are the right ones is the user's call.
    safe: false,
    edits: [replaceWithList(document, node, arns)],
  });
  // In a pipeline's service role, the pipeline's own resources come first, then all of them.
  const fitting = pipeline.filter((t) => pipelineArns(t, types).length > 0);
  if (fitting.length > 0) {
    const fixes = fitting.map((t) =>
      fix(`Scope to the pipeline's ${t.label}`, pipelineArns(t, types)),
    );
    if (fitting.length > 1) {
      const all = fitting.flatMap((t) => pipelineArns(t, types));
      fixes.push(fix(`Scope to all of: ${fitting.map((t) => t.label).join(', ')}`, all));
    }
    return fixes;
  }
  const template = model.template;
  if (template) {
    const targets = templateTargets(template, types);
    if (targets.length > 0) return targets.map((t) => fix(`Scope to ${t.label}`, t.arns));
  }
  const arns = placeholders(catalog, types, template !== undefined);
  if (arns.length === 0) return [];
  return [fix(`Replace with ARN ${arns.length === 1 ? 'format' : 'formats'} to fill in`, arns)];
}

/** The ARN formats of the types with named placeholders (pseudo parameters in a template). */
function placeholders(
  catalog: Catalog,
  types: ReadonlySet<ResourceTypeKey>,
  inTemplate: boolean,
): Value[] {
  const formats = [...types]
    .map((key) => arnFormat(catalog, key))
    // A format whose service is itself a placeholder (AWS Backup's `${Vendor}`) helps nobody.
    .filter((f): f is string => f !== undefined && !(f.split(':')[2] ?? '').includes('${'));
  return inTemplate ? formats.map(templatePlaceholderArn) : formats.map(placeholderArn);
}

/**
 * The split fix: the statement's action entries grouped by the resource types they act on; each
 * group gets the pipeline's resources of those types, else the template's one resource of them,
 * else ARN formats to fill in. Entries whose actions accept only `*` keep `*`.
 */
function split(
  document: ParsedDocument,
  catalog: Catalog,
  statement: Statement,
  star: Node,
  { model, pipeline }: Resolver,
): Fix[] {
  const groups = new Map<string, { types: Set<ResourceTypeKey>; actions: Node[] }>();
  for (const entry of actionEntries(catalog, statement)) {
    // An unknown action cannot be placed in a group; leave the statement as it is.
    if (entry.matches.length === 0) return [];
    const types = resourceTypesOf(catalog, catalog.scopable(entry.matches));
    const key = [...types].sort().join(' ');
    const group = groups.get(key) ?? { types, actions: [] };
    group.actions.push(entry.node);
    groups.set(key, group);
  }
  if (groups.size < 2 || groups.size > MAX_FIX_TYPES) return [];
  const splitGroups: SplitGroup[] = [];
  for (const { types, actions } of groups.values()) {
    let arns: Value[] | undefined;
    if (types.size > 0) {
      arns = pipeline.flatMap((t) => pipelineArns(t, types));
      const targets = model.template ? templateTargets(model.template, types) : [];
      if (arns.length === 0 && targets.length === 1) arns = [...(targets[0]?.arns ?? [])];
      if (arns.length === 0) arns = placeholders(catalog, types, model.template !== undefined);
      if (arns.length === 0) return [];
    }
    splitGroups.push({ suffix: suffix(types), actions, arns });
  }
  const fix = splitStatementFix(document, statement, star, splitGroups);
  return fix ? [fix] : [];
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
