import { getValue, type Node } from '../document';
import { namespaceResourceTypes } from '../iam/arn-match';
import type { Catalog } from '../iam/catalog';
import { snakePlaceholder } from '../iam/targets';
import { stringItems, type Resolved } from '../model';
import { CONDITION_PLACEHOLDERS } from '../access/unnameable';
import { defineRule } from './rule';

/** Written by fixes in a condition value (`aws:PrincipalAccount`, `aws:PrincipalOrgID`). */
const CONDITION_TOKENS: ReadonlySet<string> = new Set(['ACCOUNT_ID', 'o-ORGANIZATION_ID']);

export default defineRule({
  id: 'placeholder-value',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      A policy still holds a placeholder that a quick-fix wrote for you to fill in (\`ACCOUNT_ID\`,
      \`REGION\`, \`BUCKET_NAME\`, ...).
    `,
    why: `
      Where Scopewise cannot know a resource (a standalone policy, a resource outside the template)
      its fixes write the ARN format with named placeholders, so that the grant is scoped at once
      and the gap is visible. Until a placeholder is replaced the statement names a resource that
      does not exist: the workload is denied what it needs, or a Deny protects nothing. The list of
      placeholders is closed: \`ACCOUNT_ID\` in an ARN's account field, as a principal or as a
      condition value; \`REGION\` in an ARN's Region field; \`o-ORGANIZATION_ID\` as a condition
      value; \`NAMESPACE\` as the value of \`cloudwatch:namespace\`; and in an ARN's resource part the name of one of the service's ARN variables written
      in capitals with underscores (\`BUCKET_NAME\`, \`OBJECT_NAME\`, \`PROJECT_NAME\`,
      \`ROLE_NAME_WITH_PATH\`, ...). A \`\${ACCOUNT_ID}\` inside \`Fn::Sub\` is your own variable,
      never a placeholder.
    `,
    fix: `
      Replace each placeholder with the real account, Region or resource name; in a template prefer
      \`\${AWS::AccountId}\`, \`\${AWS::Region}\` and references to the template's resources.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html',
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
    ],
  },
  check({ model, catalog, report }) {
    const found = (at: Node, tokens: readonly string[]) => {
      const list = tokens.map((t) => `\`${t}\``).join(', ');
      report({
        at,
        message: `${list} ${tokens.length === 1 ? 'is a placeholder' : 'are placeholders'} to fill in: until ${tokens.length === 1 ? 'it is' : 'they are'} replaced with the real value, this names nothing that exists.`,
      });
    };
    for (const policy of model.policies) {
      for (const statement of policy.statements) {
        for (const element of ['Resource', 'NotResource'] as const) {
          for (const item of statement.values(element)) {
            const tokens = arnPlaceholders(catalog, item.resolved);
            if (tokens.length > 0) found(item.node, tokens);
          }
        }
        for (const element of ['Principal', 'NotPrincipal'] as const) {
          for (const item of stringItems(getValue(statement.element(element)?.value, 'AWS'))) {
            if (item.value === 'ACCOUNT_ID') found(item.node, ['ACCOUNT_ID']);
            else if (item.value?.startsWith('arn:')) {
              const fields = item.value.split(':');
              if (fields[4] === 'ACCOUNT_ID') found(item.node, ['ACCOUNT_ID']);
            }
          }
        }
        const condition = statement.element('Condition')?.value;
        if (condition?.kind !== 'object') continue;
        for (const operator of condition.properties) {
          if (operator.value?.kind !== 'object') continue;
          for (const key of operator.value.properties) {
            for (const item of stringItems(key.value)) {
              if (
                item.value !== undefined &&
                (CONDITION_TOKENS.has(item.value) ||
                  CONDITION_PLACEHOLDERS.get(key.key.value.toLowerCase()) === item.value)
              )
                found(item.node, [item.value]);
            }
          }
        }
      }
    }
  },
});

/**
 * The placeholders in an ARN value, in any alternative. Holes (`${...}` of `Fn::Sub`, references)
 * are never placeholders.
 */
function arnPlaceholders(catalog: Catalog, alternatives: readonly Resolved[]): string[] {
  const tokens = new Set<string>();
  for (const alternative of alternatives) {
    const text = alternative.segments.map((s) => (s.kind === 'text' ? s.text : '\u0001')).join('');
    if (!text.startsWith('arn:')) continue;
    const fields = text.split(':');
    if (fields[3] === 'REGION') tokens.add('REGION');
    if (fields[4] === 'ACCOUNT_ID') tokens.add('ACCOUNT_ID');
    const service = fields[2] ?? '';
    const words = fields
      .slice(5)
      .join(':')
      .split(/[/:]/)
      .filter((w) => /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(w));
    if (words.length === 0 || service === '' || /[^a-z0-9-]/.test(service)) continue;
    const names = variableNames(catalog, service);
    for (const word of words) if (names.has(word)) tokens.add(word);
  }
  return [...tokens];
}

/** The service's ARN variables as fixes write them (`${BucketName}` is `BUCKET_NAME`). */
function variableNames(catalog: Catalog, service: string): Set<string> {
  const names = new Set<string>();
  for (const type of namespaceResourceTypes(catalog, service, false)) {
    for (const match of type.arn.matchAll(/\$\{([A-Za-z0-9]+)\}/g)) {
      names.add(snakePlaceholder(match[1] ?? ''));
    }
  }
  return names;
}
