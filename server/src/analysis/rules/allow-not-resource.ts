import type { Catalog } from '../iam/catalog';
import { actionEntries } from '../iam/statement';
import type { Statement } from '../model';
import { isStackPolicyStatement } from '../iam/conditions';
import { defineRule } from './rule';

/** The message names at most this many excluded ARNs. */
const MAX_NAMED = 3;

export default defineRule({
  id: 'allow-not-resource',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      An Allow statement in an identity policy uses \`NotResource\`, so its actions apply to every
      resource except the few it lists, in this account and others, including resources created
      later.
    `,
    why: `
      \`"Effect": "Allow"\` with \`NotResource\` grants the actions on everything that is not
      excluded: every bucket, key, role or table that exists now or is created later, whatever its
      name, and resources in other accounts that trust this one. One missed exclusion exposes the
      resource it should have protected. A \`Condition\` does not silence the rule, because it
      limits when the statement applies rather than which resources it reaches. Not reported: Deny
      statements (\`Deny\` with \`NotResource\` is the usual "deny everything except these" guard),
      statements whose known actions all accept only \`"Resource": "*"\` (there is nothing to
      scope), and resource-based and trust policies, where the resource can only be the one the
      policy is attached to. CloudFormation stack policies (statements whose actions are all
      \`Update:...\`) are not IAM grants and are skipped.
    `,
    fix: `
      Name the resources the actions need under \`Resource\`. To keep a "never these" guard, add a
      separate \`Deny\` statement for the excluded ARNs.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    ],
  },
  check({ model, catalog, report }) {
    for (const policy of model.policies) {
      // In a resource or trust policy the resource is the one the policy is attached to.
      if (policy.type === 'resource' || policy.type === 'trust') continue;
      for (const statement of policy.statements) {
        // CloudFormation stack policies (`Update:*` actions) require `"Principal": "*"` and use
        // NotAction/NotResource/NotPrincipal to protect chosen resources: not IAM grants.
        if (statement.effect !== 'Allow' || isStackPolicyStatement(statement)) continue;
        const element = statement.element('NotResource');
        if (!element || onlyWildcardActions(catalog, statement)) continue;
        report({
          at: element.key,
          message: `Allow with "NotResource" applies its actions to every resource except ${excluded(statement)}, including resources created later and in other accounts. Name the resources under "Resource" instead.`,
        });
      }
    }
  },
});

/**
 * True when every action the statement names is known and accepts only `*`: then `NotResource`
 * is the same as `"Resource": "*"`, which those actions require anyway.
 */
function onlyWildcardActions(catalog: Catalog, statement: Statement): boolean {
  if (statement.element('NotAction')) return false;
  const values = statement.values('Action');
  const entries = actionEntries(catalog, statement);
  if (values.length === 0 || entries.length !== values.length) return false;
  return entries.every((e) => e.matches.length > 0 && e.matches.every((a) => a.wildcardOnly));
}

function excluded(statement: Statement): string {
  const values = statement.values('NotResource');
  const known = values.map((v) => v.value).filter((v): v is string => v !== undefined);
  if (known.length === 0) return 'the listed ones';
  const named = known.slice(0, MAX_NAMED).join(', ');
  const others = values.length - Math.min(known.length, MAX_NAMED);
  return others > 0 ? `${named} and ${others} more` : named;
}
