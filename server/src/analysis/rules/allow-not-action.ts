import type { ActionInfo, Catalog } from '../iam/catalog';
import type { Statement } from '../model';
import { isStackPolicyStatement } from '../iam/conditions';
import { defineRule } from './rule';

export default defineRule({
  id: 'allow-not-action',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      An Allow statement uses \`NotAction\`, so it grants every action except the few it lists,
      including every action AWS adds later.
    `,
    why: `
      \`"Effect": "Allow"\` with \`NotAction\` reads like a restriction but is an allow-list turned
      inside out: it grants thousands of actions across every service, and each new AWS service or
      action joins the grant silently. The message counts what remains allowed today (by access
      level, from the bundled catalog; when \`Resource\` names ARNs, only the actions of those ARNs'
      services are counted). A \`Condition\` does not silence the rule: conditions limit when or
      from where the statement applies (a Region, MFA, a network), not which actions it grants, so
      the grant stays open-ended. Deny statements are never reported: \`Deny\` with \`NotAction\` is
      the recommended guard rail ("deny everything outside this list"). Unknown values in
      \`NotAction\` (a \`Ref\`, an import) only make the count unavailable. CloudFormation stack
      policies (statements whose actions are all \`Update:...\`) are not IAM grants and are skipped.
    `,
    fix: `
      Replace \`NotAction\` with an \`Action\` list of what the principal calls. To keep a "nothing
      outside this list" guard, pair that Allow with a \`Deny\` + \`NotAction\` statement, or use a
      permissions boundary or an SCP.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    ],
  },
  check({ model, catalog, report }) {
    for (const policy of model.policies) {
      for (const statement of policy.statements) {
        // CloudFormation stack policies (`Update:*` actions) require `"Principal": "*"` and use
        // NotAction/NotResource/NotPrincipal to protect chosen resources: not IAM grants.
        if (statement.effect !== 'Allow' || isStackPolicyStatement(statement)) continue;
        const element = statement.element('NotAction');
        if (!element) continue;
        const counted = remaining(catalog, statement);
        report({
          at: element.key,
          message: counted
            ? `Allow with "NotAction" grants every action outside the ${counted.excluded.toLocaleString('en-US')} listed: ${counted.text}, and every action AWS adds later. List the actions needed under "Action" instead.`
            : 'Allow with "NotAction" grants every action except the listed ones, including every action AWS adds later. List the actions needed under "Action" instead.',
        });
      }
    }
  },
});

/** What the statement still allows, counted from the catalog; undefined when a value is unknown. */
function remaining(
  catalog: Catalog,
  statement: Statement,
): { excluded: number; text: string } | undefined {
  const patterns = statement.values('NotAction').map((e) => e.value);
  if (patterns.some((p) => p === undefined)) return undefined;
  const excluded = patterns as string[];
  const named = resourceServices(statement);
  // ARN service names mostly equal action prefixes; when one does not, count every service.
  const services = named?.every((s) => catalog.service(s)) ? named : undefined;
  // An IoT policy only ever grants IoT actions.
  const universe = (
    statement.policy.type === 'iot'
      ? [catalog.service('iot')]
      : services
        ? services.map((s) => catalog.service(s))
        : [...catalog.allServices()]
  ).flatMap((s) => s?.actions ?? []);
  // `match` is cached per pattern, so a large NotAction list costs one lookup per action.
  const excludedActions = new Set(excluded.flatMap((p) => catalog.match(p)));
  const left = universe.filter((a) => !excludedActions.has(a));
  const label = statement.policy.type === 'iot' ? 'IoT ' : services ? `${services.join('/')} ` : '';
  return { excluded: excluded.length, text: describe(catalog, left, label) };
}

/**
 * The services the statement's resources belong to, when every resource is a literal ARN whose
 * service is known: actions of other services cannot apply to them. Undefined means any service.
 */
function resourceServices(statement: Statement): string[] | undefined {
  if (statement.element('NotResource')) return undefined;
  const services = new Set<string>();
  for (const resource of statement.values('Resource')) {
    const service = resource.value?.split(':')[2];
    if (service === undefined || service === '' || /[*?$]/.test(service)) return undefined;
    services.add(service.toLowerCase());
  }
  return services.size > 0 ? [...services].sort() : undefined;
}

function describe(catalog: Catalog, actions: readonly ActionInfo[], services: string): string {
  const { total, byLevel } = catalog.countByLevel(actions);
  const parts = (['Write', 'Permissions management'] as const)
    .map((level) => [level, byLevel.get(level) ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n.toLocaleString('en-US')} ${level}`);
  const noun = `${services}action${total === 1 ? '' : 's'}`;
  const counted = `${total.toLocaleString('en-US')} ${noun} ${total === 1 ? 'remains' : 'remain'} allowed today`;
  return parts.length > 0 ? `${counted} (${parts.join(', ')})` : counted;
}
