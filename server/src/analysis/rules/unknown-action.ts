import type { ParsedDocument, StringNode } from '../document';
import { replaceString } from '../edits';
import { hasWildcard } from '../iam/catalog';
import { nearestActions, nearestServices } from '../iam/nearest';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'unknown-action',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      An action names a service or an operation the IAM catalog does not know, or a wildcard pattern
      matches no action.
    `,
    why: `
      IAM accepts a misspelt action without complaint and then never matches it: an Allow silently
      grants nothing, and a Deny silently protects nothing. Typos such as \`s3:GetObjects\` or
      \`codebuild:StartBuilds\` survive review because the policy still deploys.
    `,
    fix: `
      Correct the spelling; the quick-fix offers the nearest real actions. If the action is newer
      than the bundled catalog (its date is in the message), add it to \`allowActions\` in
      \`.scopewise.json\`.
    `,
    references: [
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html',
    ],
  },
  check({ document, model, catalog, options, report }) {
    const date = catalog.date;
    const allowed = (action: string) =>
      options.allowActions.has(action.toLowerCase()) ||
      options.allowActions.has(`${action.slice(0, action.indexOf(':')).toLowerCase()}:*`);
    for (const policy of model.policies) {
      for (const statement of policy.statements) {
        for (const element of ['Action', 'NotAction'] as const) {
          for (const entry of statement.values(element)) {
            const action = entry.value;
            if (action === undefined || action === '*' || entry.node.kind !== 'string') continue;
            const node = entry.node;
            const colon = action.indexOf(':');
            if (colon <= 0 || colon === action.length - 1) {
              report({
                at: node,
                message: `"${action}" is not an action: write it as service:Action, for example "s3:GetObject".`,
              });
              continue;
            }
            if (allowed(action) || catalog.match(action).length > 0) continue;
            const prefix = action.slice(0, colon);
            if (!hasWildcard(prefix) && !catalog.service(prefix)) {
              const suggestions = nearestServices(catalog, prefix)
                .map((s) => `${s.prefix}${action.slice(colon)}`)
                .filter((candidate) => catalog.match(candidate).length > 0);
              report({
                at: node,
                message: `Unknown service prefix "${prefix}" in "${action}" (IAM catalog of ${date})${suggestionText(suggestions)} If the service is newer than the catalog, add the action to "allowActions" in .scopewise.json.`,
                fixes: suggestions.map((s) => fixFor(document, node, s)),
              });
              continue;
            }
            if (hasWildcard(action)) {
              report({
                at: node,
                message: `"${action}" matches no action in the IAM catalog of ${date}.`,
              });
              continue;
            }
            const candidates = nearestActions(catalog, action).map(
              (a) => `${a.service.prefix}:${a.name}`,
            );
            report({
              at: node,
              message: `Unknown action "${action}": ${catalog.service(prefix)?.name ?? prefix} has no such action in the IAM catalog of ${date}${suggestionText(candidates)} If it is newer than the catalog, add it to "allowActions" in .scopewise.json.`,
              fixes: candidates.map((c) => fixFor(document, node, c)),
            });
          }
        }
      }
    }
  },
});

function suggestionText(candidates: readonly string[]): string {
  return candidates.length
    ? `. Did you mean ${candidates.map((c) => `"${c}"`).join(' or ')}?`
    : '.';
}

function fixFor(document: ParsedDocument, node: StringNode, action: string): Fix {
  // Unsafe: the corrected action starts granting (or denying) something the typo did not.
  return {
    title: `Change to "${action}"`,
    safe: false,
    edits: [replaceString(document, node, action)],
  };
}
