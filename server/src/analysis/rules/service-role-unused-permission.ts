import type { ArrayNode, Node, ParsedDocument } from '../document';
import { contentEnd } from '../edits';
import type { Pipeline, Statement, Template, TemplateResource } from '../model';
import { type ActionType, type RolePermission } from '../pipeline/action-types';
import {
  referencesRole,
  resolveRole,
  serviceRole,
  trustsOnlyCodePipeline,
  usedOnlyByPipelines,
} from '../pipeline/service-role';
import { listWords } from '../prose';
import { defineRule, type Fix, type RuleContext, type TextEdit } from './rule';

/**
 * Services every pipeline may use whatever its actions: S3 for the artifact store, KMS for its
 * key, STS to assume action roles. Nothing else is taken for granted.
 */
const ALWAYS = ['s3', 'kms', 'sts'];

/**
 * Services a provider's action uses through the pipeline role beyond its own table row: an
 * Elastic Beanstalk deployment drives the environment's CloudFormation stack, instances, load
 * balancers and queues with the pipeline's credentials.
 */
const COMPANIONS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'ElasticBeanstalk',
    [
      'elasticbeanstalk',
      'ec2',
      'elasticloadbalancing',
      'autoscaling',
      'cloudwatch',
      's3',
      'sns',
      'cloudformation',
      'rds',
      'sqs',
      'ecs',
      // The environment's instance profile role is handed on (the console's policy lets it go
      // to elasticbeanstalk, cloudformation and ec2).
      'iam',
    ],
  ],
]);

export default defineRule({
  id: 'service-role-unused-permission',
  defaultSeverity: 'info',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A CodePipeline service role, declared in the template and used by its pipelines alone, allows
      actions of a service that none of those pipelines' actions use (for example
      \`elasticbeanstalk:*\` in a role whose pipelines only build with CodeBuild).
    `,
    why: `
      Service roles are often copied from the console's default policy, which grants access to every
      service CodePipeline can drive: Elastic Beanstalk, OpsWorks, CodeDeploy, Device Farm, and
      more. AWS advises removing what your pipelines do not use, since each extra service is
      something anyone who can change the pipeline can reach through the role. The rule compares the
      services named in the role's Allow statements with the services its pipelines' action
      providers need (from Scopewise's action-type table), plus S3, KMS and STS, which every
      pipeline may need for its artifact store and action roles. It speaks only when that comparison
      is sound: the role trusts only \`codepipeline.amazonaws.com\`, nothing in the template but its
      pipelines uses it, every pipeline that uses it is fully readable, and every action's provider
      is in the table. Wildcard \`*\` actions and \`NotAction\` statements are left to other rules.
    `,
    fix: `
      Remove the actions of services your pipelines do not use. The quick-fix removes the unused
      entries from the \`Action\` list, or the whole statement when all of its actions are unused,
      and keeps the rest of the document as it was. It is marked unsafe although it only narrows
      access: it changes what a deployed role may do, and a pipeline action added later, or a use of
      the role outside the template, would fail without the permission, so it should not be applied
      on save without review.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/how-to-custom-role.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    ],
  },
  check({ document, model, report }) {
    const template = model.template;
    if (!template) return;
    const seen = new Set<string>();
    for (const pipeline of model.pipelines) {
      const role = resolveRole(template, pipeline.roleArn);
      if (!role || seen.has(role.name)) continue;
      seen.add(role.name);
      const needed = neededServices(template, model.pipelines, role);
      if (!needed || !trustsOnlyCodePipeline(template, role, model.policies)) continue;
      const users = model.pipelines.flatMap((p) => (p.resource ? [p.resource] : []));
      if (!usedOnlyByPipelines(template, role, users)) continue;
      for (const { policy, shared } of serviceRole(template, model.policies, role).policies) {
        // A policy that also serves other principals is theirs too.
        if (shared) continue;
        for (const statement of policy.statements) {
          checkStatement(document, statement, needed, role.name, report);
        }
      }
    }
  },
});

/**
 * The service prefixes the pipelines using a role may need, or undefined when that cannot be
 * known: a pipeline that references the role without resolving to it, a pipeline or stage that
 * is not literal, or an action whose provider is unknown or not in the table.
 */
function neededServices(
  template: Template,
  pipelines: readonly Pipeline[],
  role: TemplateResource,
): Set<string> | undefined {
  const needed = new Set(ALWAYS);
  for (const pipeline of pipelines) {
    if (!pipeline.resource || !referencesRole(pipeline.resource.node, role.name)) continue;
    if (resolveRole(template, pipeline.roleArn) !== role || !pipeline.complete) return undefined;
    for (const stage of pipeline.stages) {
      if (!stage.complete) return undefined;
      for (const action of stage.actions) {
        const type = action.type;
        const provider = action.provider?.value;
        if (!type || provider === undefined) return undefined;
        // Every permission the row names counts, whatever the configuration: other spellings,
        // and the related ones that console-made roles grant although the action runs without.
        const row = type as ActionType & { readonly relatedPermissions?: readonly string[] };
        for (const permission of type.permissions as readonly (RolePermission & {
          readonly alternatives?: readonly string[];
        })[]) {
          for (const name of [...permission.actions, ...(permission.alternatives ?? [])])
            needed.add(prefixOf(name));
        }
        for (const name of row.relatedPermissions ?? []) needed.add(prefixOf(name));
        if (type.passedRoles.length > 0) needed.add('iam');
        for (const companion of COMPANIONS.get(provider) ?? []) needed.add(companion);
      }
    }
  }
  return needed;
}

/** At most four quoted actions, then how many more. */
function quoted(actions: readonly string[]): string {
  return capped(actions.map((a) => `"${a}"`));
}

/** At most four words, then how many more. */
function capped(words: readonly string[]): string {
  const shown = words.slice(0, words.length > 4 ? 3 : 4);
  if (shown.length < words.length) shown.push(`${words.length - shown.length} more`);
  return listWords(shown);
}

function prefixOf(action: string): string {
  const colon = action.indexOf(':');
  return colon < 0 ? '' : action.slice(0, colon).toLowerCase();
}

function checkStatement(
  document: ParsedDocument,
  statement: Statement,
  needed: ReadonlySet<string>,
  roleName: string,
  report: RuleContext['report'],
): void {
  if (statement.effect !== 'Allow' || statement.element('NotAction')) return;
  const entries = statement.values('Action');
  const unused = entries.filter((entry) => {
    if (entry.value === undefined) return false;
    const prefix = prefixOf(entry.value);
    // `*` and `*:Get*` name no service: wildcard-action judges them.
    return prefix !== '' && !prefix.includes('*') && !prefix.includes('?') && !needed.has(prefix);
  });
  if (unused.length === 0) return;
  const services = [...new Set(unused.map((e) => prefixOf(e.value ?? '')))];
  const what = `${services.length === 1 ? 'service' : 'services'} ${capped(services)}`;
  const message =
    unused.length === entries.length
      ? `This statement of the service role "${roleName}" allows only actions of ${what}, which no action of its pipelines uses; remove the statement.`
      : `The service role "${roleName}" allows ${quoted(unused.map((e) => e.value ?? ''))}, but no action of its pipelines uses ${what}; remove ${unused.length === 1 ? 'it' : 'them'}.`;
  // One finding per statement: a copied default policy would otherwise light up line by line.
  report({
    at:
      unused.length === entries.length
        ? (statement.element('Action')?.key ?? statement.node)
        : (unused[0]?.node ?? statement.node),
    message,
    fixes:
      unused.length === entries.length
        ? removeFix(document, statement.node, 'Remove the statement')
        : removeFix(
            document,
            unused.map((e) => e.node),
            unused.length === 1
              ? `Remove "${unused[0]?.value ?? ''}"`
              : `Remove the ${unused.length} actions of ${what}`,
          ),
  });
}

/**
 * Removes items from the list that holds them, with their separators, keeping every other byte.
 * Only items that sit directly in one list are removed (not `Fn::If` branches), and never every
 * item. Unsafe: removing a permission only narrows access, but it changes a deployed role on the
 * strength of our action-type table, and nothing outside the template is visible; the user must
 * choose it.
 */
function removeFix(document: ParsedDocument, nodes: Node | readonly Node[], title: string): Fix[] {
  const targets = Array.isArray(nodes) ? (nodes as readonly Node[]) : [nodes as Node];
  const list = targets[0]?.parent;
  if (list?.kind !== 'array' || targets.some((t) => t.parent !== list)) return [];
  const edits = removeItems(document, list, new Set(targets));
  return edits ? [{ title, safe: false, edits }] : [];
}

/**
 * In a YAML block sequence an item goes with its whole lines (its `- `, and a comment after it).
 * Elsewhere an item after a kept one goes with the text from the end of the item before it, and
 * an item with no kept item before it with the text up to the next item. Neighbouring removals
 * then meet without overlapping.
 */
function removeItems(
  document: ParsedDocument,
  list: ArrayNode,
  remove: ReadonlySet<Node>,
): TextEdit[] | undefined {
  const { text } = document;
  const items = list.items;
  if (items.every((item) => remove.has(item))) return undefined;
  const end = (node: Node) => contentEnd(text, node.end);
  const lines = (node: Node): TextEdit | undefined => {
    const lineStart = text.lastIndexOf('\n', node.start - 1) + 1;
    if (!/^[ \t]*-[ \t]+$/.test(text.slice(lineStart, node.start))) return undefined;
    const lineEnd = text.indexOf('\n', end(node));
    return { start: lineStart, end: lineEnd < 0 ? text.length : lineEnd + 1, newText: '' };
  };
  const block = document.format === 'yaml' && text[list.start] !== '[';
  const edits: TextEdit[] = [];
  let keptBefore = false;
  for (const [index, item] of items.entries()) {
    if (!remove.has(item)) {
      keptBefore = true;
      continue;
    }
    const previous = items[index - 1];
    const next = items[index + 1];
    const edit = block
      ? lines(item)
      : keptBefore && previous
        ? { start: end(previous), end: end(item), newText: '' }
        : next
          ? { start: item.start, end: next.start, newText: '' }
          : undefined;
    if (!edit) return undefined;
    edits.push(edit);
  }
  return edits;
}
