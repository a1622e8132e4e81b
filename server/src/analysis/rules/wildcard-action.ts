import type { Node, ParsedDocument } from '../document';
import { replaceWithList } from '../edits';
import type { AccessLevel, ActionInfo, Catalog } from '../iam/catalog';
import { hasWildcard } from '../iam/catalog';
import { actionEntries, delegatesToAccounts } from '../iam/statement';
import { statementAccess } from '../access/statement-access';
import type { DocumentModel, Policy, Statement } from '../model';
import { requirements } from '../pipeline/service-role-needs';
import { formatCount } from '../prose';
import { resolveRole, rolesOfPolicy } from '../pipeline/service-role';
import { defineRule, type Fix } from './rule';

/** A family pattern (`kms:ReEncrypt*`) names at most this many actions; see {@link isFamily}. */
const MAX_FAMILY = 6;

/**
 * A pattern that names one family of actions, the way AWS's own documents write them
 * (`kms:ReEncrypt*`, `kms:GenerateDataKey*` in the default key policy): a literal name before its
 * first wildcard, at most {@link MAX_FAMILY} matches, all of one access level other than
 * Permissions management. Reported as info: it is broader than a list, but only by variants of
 * one operation.
 */
function isFamily(actionPart: string, matches: readonly ActionInfo[]): boolean {
  const literal = /^[^*?]*/.exec(actionPart)?.[0] ?? '';
  const [first] = matches;
  return (
    literal.length > 0 &&
    first !== undefined &&
    matches.length <= MAX_FAMILY &&
    first.accessLevel !== 'Permissions management' &&
    matches.every((a) => a.accessLevel === first.accessLevel)
  );
}

/** Wildcards are expanded into a list by a quick-fix only up to this many actions. */
const MAX_EXPANSION = 40;

/** The access levels a message counts: the ones that change what exists or who may act. */
const RISKY: readonly AccessLevel[] = ['Write', 'Permissions management'];

export default defineRule({
  id: 'wildcard-action',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      An Allow statement grants every action (\`*\`), every action of a service (\`s3:*\`), or a
      wildcard pattern that includes write or permissions-management actions.
    `,
    why: `
      \`"Action": "*"\` makes the holder an administrator, and \`service:*\` hands over every
      present and future operation of that service, including deletes and policy changes. Wildcards
      grow silently as AWS adds actions. Scopewise reports \`*\` (and patterns equal to it, such as
      \`*:*\`) as errors and \`service:*\` as warnings; narrower patterns are reported only when
      they reach Write or Permissions management actions, because read-only patterns such as
      \`ec2:Describe*\` are the usual least-privilege idiom. A pattern that names one family of
      actions the way AWS's own documents do (\`kms:ReEncrypt*\`, \`kms:GenerateDataKey*\`: a
      name before the first wildcard, at most ${MAX_FAMILY} matches, all of one access level other
      than Permissions management) is information, not a warning. Deny statements are never reported: a
      broad Deny only takes permissions away. Neither are resource-policy statements whose only
      principals are whole accounts (\`arn:aws:iam::111122223333:root\`), such as the default KMS
      key policy: they hand the decision to the IAM policies of that account.
    `,
    fix: `
      List the actions the workload calls. The quick-fixes expand a pattern into its explicit
      actions, or into its read-only part (exactly the actions of the List and Read access levels),
      when that list has at most ${MAX_EXPANSION} actions. Both are marked unsafe, so fix-all never
      applies them: the read-only list takes access away, and the full list, although it grants the
      same actions today, no longer grants the actions AWS adds to the pattern later, and it follows
      the IAM catalog shipped with Scopewise, which may lag behind AWS.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html',
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
    ],
  },
  check({ document, model, catalog, report }) {
    for (const policy of model.policies) {
      for (const statement of policy.statements) {
        if (statement.effect !== 'Allow' || delegatesToAccounts(statement)) continue;
        for (const entry of actionEntries(catalog, statement)) {
          if (!hasWildcard(entry.value) || entry.matches.length === 0) continue;
          const counts = describeCounts(catalog, entry.matches);
          if (policy.type === 'iot' && entry.value === '*') {
            report({
              at: entry.node,
              severity: 'error',
              message: `"*" grants every AWS IoT action: ${counts}. List the actions the devices need.`,
            });
            continue;
          }
          if (entry.value === '*' || entry.matches.length === catalog.actionCount) {
            report({
              at: entry.node,
              severity: 'error',
              message: `"${entry.value}" grants every action of every service: ${counts}. List the actions this principal needs.`,
            });
            continue;
          }
          const [servicePart, actionPart] = entry.value.split(':');
          const whole = actionPart === '*' && !hasWildcard(servicePart ?? '');
          const risky = entry.matches.filter(
            (a) => a.accessLevel === 'Write' || a.accessLevel === 'Permissions management',
          );
          // A pattern that matches one action is that action; it is no broader than writing it out.
          if (!whole && (risky.length === 0 || entry.matches.length < 2)) continue;
          const service = whole ? catalog.service(servicePart ?? '')?.name : undefined;
          const [only] = entry.matches;
          report({
            at: entry.node,
            severity: !whole && isFamily(actionPart ?? '', entry.matches) ? 'info' : undefined,
            message: !whole
              ? `"${entry.value}" grants ${counts}.`
              : entry.matches.length === 1 && only
                ? `"${entry.value}" grants the only ${service ?? servicePart} action, ${only.service.prefix}:${only.name}, a ${only.accessLevel} action.`
                : `"${entry.value}" grants every ${service ?? servicePart} action: ${counts}.`,
            fixes: () =>
              expansions(
                document,
                entry.node,
                granted(catalog, model, statement, entry.matches),
                pipelineNeeds(model, policy),
              ),
          });
        }
      }
    }
  },
});

/**
 * The matched actions in words: `12 actions, including 3 Write actions`, `4 actions, all of them
 * Write`, `5 actions: 3 Write and 2 Permissions management`, `1 action, a Read action`.
 */
function describeCounts(catalog: Catalog, actions: readonly ActionInfo[]): string {
  const { total, byLevel } = catalog.countByLevel(actions);
  const all = plural(total, 'action');
  const [one] = actions;
  if (total === 1 && one) return `${all}, a ${one.accessLevel} action`;
  const risky = RISKY.flatMap((level) => {
    const count = byLevel.get(level) ?? 0;
    return count > 0 ? [{ level, count }] : [];
  });
  const last = risky[risky.length - 1];
  if (!last) return all;
  if (risky.length === 1 && last.count === total) return `${all}, all of them ${last.level}`;
  const counted = risky.map((r) => `${formatCount(r.count)} ${r.level}`).join(' and ');
  if (risky.reduce((sum, r) => sum + r.count, 0) === total) return `${all}: ${counted}`;
  return `${all}, including ${counted} action${last.count === 1 ? '' : 's'}`;
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The matched actions the statement grants: those with a resource of a type they act on among the
 * statement's resources (an expansion listing the others would only add actions that grant
 * nothing, each then reported by action-resource-mismatch).
 */
function granted(
  catalog: Catalog,
  model: DocumentModel,
  statement: Statement,
  matches: readonly ActionInfo[],
): ActionInfo[] {
  const access = statementAccess(catalog, model, statement);
  if (statement.element('NotResource') || access.resources.length === 0) return [...matches];
  const wanted = new Set(matches);
  const fitting = new Set(
    access.actions
      .filter((a) => wanted.has(a.action) && access.resources.some((r) => r.fits(a)))
      .map((a) => a.action),
  );
  return matches.filter((a) => fitting.has(a));
}

/**
 * The actions the pipelines whose service role holds this policy need (folded to lower case): a
 * read-only expansion keeps them, or the pipeline would stop.
 */
function pipelineNeeds(model: DocumentModel, policy: Policy): ReadonlySet<string> {
  const template = model.template;
  const needs = new Set<string>();
  if (!template || model.pipelines.length === 0) return needs;
  const roles = rolesOfPolicy(template, policy);
  for (const pipeline of model.pipelines) {
    const role = resolveRole(template, pipeline.roleArn);
    if (!role || !roles.has(role.name)) continue;
    for (const need of requirements(pipeline, template, role))
      for (const action of need.actions) needs.add(action.toLowerCase());
  }
  return needs;
}

/**
 * Expansions of a wildcard into the actions it grants. Both are unsafe: the read-only list takes
 * access away, and the full list, although it grants the same actions today, stops granting the
 * actions AWS adds to the pattern later and follows our catalog, which may lag behind AWS. The
 * read-only list keeps what a pipeline using the role needs.
 */
function expansions(
  document: ParsedDocument,
  node: Node,
  matches: readonly ActionInfo[],
  needed: ReadonlySet<string>,
): Fix[] {
  const names = (actions: readonly ActionInfo[]) =>
    actions.map((a) => `${a.service.prefix}:${a.name}`);
  const fixes: Fix[] = [];
  if (matches.length === 0) return fixes;
  // Exactly the List and Read levels: Tagging, Write and Permissions management all change state.
  const readOnly = matches.filter((a) => a.accessLevel === 'List' || a.accessLevel === 'Read');
  const kept = matches.filter(
    (a) => !readOnly.includes(a) && needed.has(`${a.service.prefix}:${a.name}`.toLowerCase()),
  );
  const narrowed = [...readOnly, ...kept];
  if (readOnly.length > 0 && narrowed.length <= MAX_EXPANSION && narrowed.length < matches.length) {
    const [only] = names(readOnly);
    const title =
      kept.length > 0
        ? `Replace with its ${plural(readOnly.length, 'read-only action')} and the ${plural(kept.length, 'action')} the pipeline needs`
        : readOnly.length === 1
          ? `Replace with ${only}, its only read-only action`
          : `Replace with its ${plural(readOnly.length, 'read-only action')}`;
    fixes.push({
      title,
      safe: false,
      edits: [replaceWithList(document, node, names(narrowed))],
    });
  }
  if (matches.length <= MAX_EXPANSION) {
    const [only] = names(matches);
    fixes.push({
      title:
        matches.length === 1
          ? `Replace with ${only}, the only action it grants`
          : `Replace with the ${plural(matches.length, 'action')} it grants`,
      safe: false,
      edits: [replaceWithList(document, node, names(matches))],
    });
  }
  return fixes;
}
