import type { ObjectNode } from '../document';
import { replaceString } from '../edits';
import { isTemplatedKey } from '../iam/catalog';
import {
  conditionBlocks,
  isStackPolicyStatement,
  nearestConditionKeys,
  resolveConditionKey,
} from '../iam/conditions';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'unknown-condition-key',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A \`Condition\` tests a key that neither the global condition keys nor the service it names
      define in the IAM catalog.
    `,
    why: `
      IAM does not reject a condition on a key it never sets: the key is simply absent from every
      request. An Allow guarded by a misspelt key (\`aws:SourceIP\`, \`s3:prefx\`) then never
      applies, while a Deny guarded by one never protects anything, and with \`...IfExists\` or a
      negated operator the test quietly passes. Both survive review because the policy still
      deploys. Keys are compared without regard to case, templated keys such as
      \`aws:ResourceTag/\${TagKey}\`, \`s3:ExistingObjectTag/<key>\` and
      \`kms:EncryptionContext:\${EncryptionContextKey}\` accept any tag or context name, and a key
      of another service than the statement's actions is accepted when the catalog defines it (such
      as \`kms:ViaService\` beside S3 actions). Claims of identity providers
      (\`token.actions.githubusercontent.com:sub\`, \`oidc.eks.<region>.amazonaws.com/id/<id>:aud\`)
      depend on the provider and are not checked.
    `,
    fix: `
      Correct the key's spelling; the quick-fixes offer the nearest real keys (they change what the
      policy allows, so they are never applied on their own). If the key is newer than the bundled
      catalog, whose date the message gives, suppress the finding for that line.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html',
    ],
  },
  check({ document, model, catalog, report }) {
    for (const policy of model.policies) {
      // IoT policies have condition keys of their own (thing attributes, client ids).
      if (policy.type === 'iot') continue;
      for (const statement of policy.statements) {
        if (isStackPolicyStatement(statement)) continue;
        for (const { keys } of conditionBlocks(statement)) {
          for (const { key, parent } of keys) {
            const name = key.value;
            const resolution = resolveConditionKey(catalog, name);
            if (resolution.status !== 'unknown') continue;
            const suggestions = nearestConditionKeys(catalog, name);
            const hint =
              suggestions.length > 0
                ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
                : '';
            const colon = name.indexOf(':');
            const what =
              colon <= 0
                ? `"${name}" is not a condition key: keys are written prefix:name, such as "aws:SourceIp".`
                : resolution.prefixKnown
                  ? `Condition key "${name}" is not defined in the IAM catalog of ${catalog.date}; IAM never sets it, which makes this test constant (false for most operators, true for negated ones and ...IfExists).`
                  : `Condition key "${name}" names a service prefix ("${name.slice(0, colon)}") unknown to the IAM catalog of ${catalog.date}; IAM never sets it, which makes this test constant (false for most operators, true for negated ones and ...IfExists).`;
            report({
              at: key,
              message: what + hint,
              // A template is a hint, not a key; a key the block already has would become a duplicate.
              fixes: suggestions
                .filter((s) => !isTemplatedKey(s) && !hasKey(parent, s))
                .map((s): Fix => ({
                  title: `Replace with "${s}"`,
                  safe: false,
                  edits: [replaceString(document, key, s)],
                })),
            });
          }
        }
      }
    }
  },
});

function hasKey(block: ObjectNode, key: string): boolean {
  const wanted = key.toLowerCase();
  return block.properties.some((p) => p.key.value.toLowerCase() === wanted);
}
