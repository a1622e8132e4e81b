import { getProperty, type Node, type ParsedDocument } from '../document';
import { insertProperty } from '../edits';
import { conditionNarrowsPrincipal, ineffectiveNarrowing } from '../iam/principal-conditions';
import { alternatives, intrinsicName, stringItems, type Statement } from '../model';
import type { Value } from '../render';
import { isStackPolicyStatement } from '../iam/conditions';
import { defineRule, type Fix } from './rule';

/** The message names at most this many actions. */
const MAX_NAMED = 2;

export default defineRule({
  id: 'public-principal',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A resource-based or trust policy allows \`"Principal": "*"\` (or \`{"AWS": "*"}\`) and no
      condition confines the callers to known accounts, organizations or networks.
    `,
    why: `
      A \`*\` principal means everybody: every AWS account and, for most services, unauthenticated
      callers too. Unless a condition pins the callers down, the bucket, queue, topic, key or role
      is public. Deny statements are never reported: \`Deny\` with \`"Principal": "*"\` (such as the
      TLS-only bucket policy) is how a resource refuses requests. CloudFormation stack policies
      (statements whose actions are all \`Update:...\`) are not IAM grants and are skipped.

      These condition keys count as narrowing, under a matching operator (\`StringEquals\`,
      \`StringEqualsIgnoreCase\`, \`StringLike\`, \`ArnEquals\`, \`ArnLike\`, \`IpAddress\`, or
      \`ForAnyValue:\` with one of them): the caller's account, ARN or organization
      (\`aws:PrincipalAccount\`, \`aws:PrincipalArn\`, \`aws:PrincipalOrgID\`,
      \`aws:PrincipalOrgPaths\`, \`aws:userid\`); the resource or account on whose behalf a service
      calls (\`aws:SourceAccount\`, \`aws:SourceArn\`, \`aws:SourceOwner\`, \`aws:SourceOrgID\`,
      \`aws:SourceOrgPaths\`); the network (\`aws:SourceVpc\`, \`aws:SourceVpce\`,
      \`aws:SourceIp\`); and the service-specific \`kms:CallerAccount\`,
      \`s3:DataAccessPointAccount\`, \`s3:DataAccessPointArn\` and \`lambda:EventSourceToken\`.

      They do not count when the operator is negated (\`StringNotEquals\` keeps strangers out of
      nothing), when it ends in \`IfExists\` or uses \`ForAllValues\` (both pass when the key is
      missing, as it is for anonymous callers and for direct calls that carry no source), under
      \`Null\`, or when the value leaves the account open: \`*\`, \`o-*\`, an ARN with \`*\` in its
      account field, or \`0.0.0.0/0\`. Values the engine cannot read (a \`Ref\`, a \`!Sub\`) count
      as narrowing. Keys that do not identify the caller do not count either: \`aws:username\` (user
      names repeat across accounts), \`kms:ViaService\` (any account can call through the service),
      \`aws:Referer\` and \`aws:UserAgent\` (the caller sets them), \`aws:SecureTransport\`,
      \`aws:PrincipalType\`, \`aws:PrincipalIsAWSService\` and \`sts:ExternalId\`. When the
      condition has several branches (\`Fn::If\`), every branch must narrow.
    `,
    fix: `
      Name the principals (accounts, roles, or a service principal), or keep \`*\` and add a
      condition on one of the keys above, such as \`aws:PrincipalOrgID\` for your organization or
      \`aws:SourceArn\` for the resource a service acts for. The quick-fixes add an
      \`aws:PrincipalAccount\` or \`aws:PrincipalOrgID\` condition when the statement has none;
      check the value before applying.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html',
    ],
  },
  check({ document, model, report }) {
    for (const policy of model.policies) {
      if (policy.type !== 'resource' && policy.type !== 'trust') continue;
      for (const statement of policy.statements) {
        // CloudFormation stack policies (`Update:*` actions) require `"Principal": "*"` and use
        // NotAction/NotResource/NotPrincipal to protect chosen resources: not IAM grants.
        if (statement.effect !== 'Allow' || isStackPolicyStatement(statement)) continue;
        const stars = starPrincipals(statement.element('Principal')?.value);
        if (stars.length === 0 || conditionNarrowsPrincipal(statement)) continue;
        const hint = ineffectiveNarrowing(statement);
        const what = policy.type === 'trust' ? 'assume this role' : `call ${actions(statement)}`;
        for (const star of stars) {
          report({
            at: star,
            message: `Principal "*" lets anyone, in any AWS account or unauthenticated, ${what}, and ${hint ? `no condition narrows it (${hint})` : 'no condition narrows it'}. Name the principals, or add a condition such as aws:PrincipalOrgID or ${policy.type === 'trust' ? 'aws:PrincipalArn' : 'aws:SourceArn'}.`,
            fixes: conditionFixes(document, statement, model.template !== undefined),
          });
        }
      }
    }
  },
});

/** The `"*"` nodes of a `Principal` value: `"*"` itself or inside `AWS`, in every `Fn::If` branch. */
function starPrincipals(principal: Node | undefined): Node[] {
  const stars: Node[] = [];
  for (const value of alternatives(principal)) {
    const items =
      value.kind === 'object' && intrinsicName(value) === undefined
        ? stringItems(getProperty(value, 'AWS')?.value)
        : stringItems(value);
    for (const item of items) if (item.value === '*') stars.push(item.node);
  }
  return stars;
}

function actions(statement: Statement): string {
  if (statement.element('NotAction')) return 'every action outside its NotAction list';
  const names = statement.values('Action').map((a) => a.value ?? 'an action');
  if (names.length === 0) return 'its actions';
  const shown = names.slice(0, MAX_NAMED).join(', ');
  return names.length > MAX_NAMED ? `${shown} and ${names.length - MAX_NAMED} more` : shown;
}

function conditionFixes(
  document: ParsedDocument,
  statement: Statement,
  inTemplate: boolean,
): Fix[] {
  if (statement.element('Condition')) return [];
  const fix = (title: string, key: string, value: Value): Fix[] => {
    const edit = insertProperty(document, statement.node, 'Condition', {
      map: [['StringEquals', { map: [[key, value]] }]],
    });
    // Narrowing takes access away from whoever relies on it today: the user decides.
    return edit ? [{ title, safe: false, edits: [edit] }] : [];
  };
  return [
    ...fix(
      'Allow only principals of this account (aws:PrincipalAccount)',
      'aws:PrincipalAccount',
      inTemplate ? { ref: 'AWS::AccountId' } : 'ACCOUNT_ID',
    ),
    ...fix(
      'Allow only principals of your organization (aws:PrincipalOrgID)',
      'aws:PrincipalOrgID',
      'o-ORGANIZATION_ID',
    ),
  ];
}
