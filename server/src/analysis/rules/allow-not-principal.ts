import { conditionNarrowsPrincipal } from '../iam/principal-conditions';
import { alternatives, intrinsicName, stringItems, type Statement } from '../model';
import { isStackPolicyStatement } from '../iam/conditions';
import { defineRule } from './rule';

/** The message names at most this many excluded principals. */
const MAX_NAMED = 2;

export default defineRule({
  id: 'allow-not-principal',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      An Allow statement uses \`NotPrincipal\`, so it grants its actions to every principal except
      the ones it lists, anonymous callers included.
    `,
    why: `
      \`"Effect": "Allow"\` with \`NotPrincipal\` admits everybody who is not on the list: every AWS
      account, every role and user in them, and unauthenticated callers. AWS advises against
      combining them. A \`Condition\` does not silence the rule, because even a narrowing condition
      (see \`public-principal\` for the keys that count) leaves an inverted list that is hard to
      review; the message says whether one narrows the callers. Deny statements are never reported:
      \`Deny\` with \`NotPrincipal\` is the documented way to refuse everyone except named
      principals. CloudFormation stack policies (statements whose actions are all \`Update:...\`)
      are not IAM grants and are skipped.
    `,
    fix: `
      Name the principals that need access under \`Principal\`. To keep someone out whatever other
      statements say, add a \`Deny\` statement for them.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
    ],
  },
  check({ model, report }) {
    for (const policy of model.policies) {
      for (const statement of policy.statements) {
        // CloudFormation stack policies (`Update:*` actions) require `"Principal": "*"` and use
        // NotAction/NotResource/NotPrincipal to protect chosen resources: not IAM grants.
        if (statement.effect !== 'Allow' || isStackPolicyStatement(statement)) continue;
        const element = statement.element('NotPrincipal');
        if (!element) continue;
        const except = excluded(statement);
        report({
          at: element.key,
          message: conditionNarrowsPrincipal(statement)
            ? `Allow with "NotPrincipal" grants its actions to every principal its condition admits, except ${except}. Name the principals under "Principal" instead.`
            : `Allow with "NotPrincipal" grants its actions to everyone except ${except}, anonymous callers and every AWS account included. Name the principals under "Principal" instead.`,
        });
      }
    }
  },
});

function excluded(statement: Statement): string {
  const items = alternatives(statement.element('NotPrincipal')?.value).flatMap((value) =>
    value.kind === 'object' && intrinsicName(value) === undefined
      ? value.properties.flatMap((p) => stringItems(p.value))
      : stringItems(value),
  );
  const names = items.map((i) => i.value).filter((v): v is string => v !== undefined);
  if (names.length === 0) return 'the listed ones';
  const others = items.length - Math.min(names.length, MAX_NAMED);
  const shown = names.slice(0, MAX_NAMED).join(', ');
  return others > 0 ? `${shown} and ${others} more` : shown;
}
