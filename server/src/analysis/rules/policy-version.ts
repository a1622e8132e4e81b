import {
  getProperty,
  missingElementRange,
  type Node,
  type ObjectNode,
  type ParsedDocument,
} from '../document';
import { replaceString } from '../edits';
import { defineRule, type Fix } from './rule';

const CURRENT = '2012-10-17';
const LEGACY = '2008-10-17';

export default defineRule({
  id: 'policy-version',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `A policy has no \`Version\`, the old \`${LEGACY}\`, or a value IAM does not accept.`,
    why: `
      Without \`"Version": "${CURRENT}"\` IAM reads the policy with the ${LEGACY} grammar, in which
      policy variables such as \`\${aws:username}\` are plain text: a statement meant to give each
      user their own folder then matches a folder literally named \`\${aws:username}\`, and newer
      features are unavailable. Any value other than the two published dates makes IAM reject the
      policy (an error). A missing \`Version\` is a warning when the policy uses variables and
      otherwise information only, since nothing is misread yet; \`${LEGACY}\` is always a warning.
    `,
    fix: `
      Set \`"Version": "${CURRENT}"\`. The quick-fix adds or corrects it; it is offered as safe when
      the policy uses no policy variables, because only then the change cannot alter what the policy
      grants.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
    ],
  },
  check({ document, model, report }) {
    for (const policy of model.policies) {
      const version = getProperty(policy.node, 'Version');
      const value = version?.value;
      if (value?.kind === 'string' && value.value === CURRENT) continue;
      // Only `${...}` variables change meaning between the two grammars.
      const usesVariables = usesPolicyVariables(policy.node);
      const safe = !usesVariables;
      if (!version) {
        const edit = insertVersion(document, policy.node);
        // Without variables nothing is misread today, so the missing element is advice (info).
        report({
          at: missingElementRange(document, policy.node),
          severity: usesVariables ? 'warning' : 'info',
          message: usesVariables
            ? `The policy has no "Version", so IAM applies the ${LEGACY} grammar and its \${...} policy variables are read as plain text. Add "Version": "${CURRENT}".`
            : `The policy has no "Version", so IAM applies the ${LEGACY} grammar, in which policy variables do not work. Add "Version": "${CURRENT}".`,
          fixes: edit ? [{ title: `Add "Version": "${CURRENT}"`, safe, edits: [edit] }] : [],
        });
        continue;
      }
      if (value?.kind !== 'string') {
        // An intrinsic or parameter is unknown, not wrong; a number or list is wrong.
        if (value && value.kind !== 'object') {
          report({
            at: value,
            severity: 'error',
            message: `"Version" must be the string "${CURRENT}".`,
          });
        }
        continue;
      }
      const fixes: Fix[] = [
        {
          title: `Set "Version" to "${CURRENT}"`,
          safe,
          edits: [replaceString(document, value, CURRENT)],
        },
      ];
      if (value.value === LEGACY) {
        report({
          at: value,
          message: `Version ${LEGACY} is the legacy policy grammar: policy variables are not substituted. Use "${CURRENT}".`,
          fixes,
        });
      } else if (value.value !== CURRENT) {
        report({
          at: value,
          severity: 'error',
          message: `"${value.value}" is not a policy version IAM accepts; use "${CURRENT}".`,
          fixes,
        });
      }
    }
  },
});

/**
 * Whether a policy contains `${...}` policy variables. Inside `Fn::Sub` a plain `${Name}` is a
 * CloudFormation substitution and only the escaped `${!name}` reaches IAM as a variable.
 */
function usesPolicyVariables(node: Node): boolean {
  switch (node.kind) {
    case 'string': {
      const inSub =
        node.property?.key.value === 'Fn::Sub' ||
        (node.parent?.kind === 'array' && node.parent.property?.key.value === 'Fn::Sub');
      return inSub ? node.value.includes('${!') : node.value.includes('${');
    }
    case 'object':
      return node.properties.some((p) => p.value !== undefined && usesPolicyVariables(p.value));
    case 'array':
      return node.items.some(usesPolicyVariables);
    default:
      return false;
  }
}

function insertVersion(document: ParsedDocument, policy: ObjectNode) {
  const first = policy.properties[0];
  if (!first) return undefined;
  const { text, format } = document;
  const lineStart = text.lastIndexOf('\n', first.key.start - 1) + 1;
  const head = text.slice(lineStart, first.key.start);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const entry = format === 'json' ? `"Version": "${CURRENT}"` : `Version: '${CURRENT}'`;
  if (format === 'json') {
    const separator = /^\s*$/.test(head) ? `,${eol}${head}` : ', ';
    return { start: first.key.start, end: first.key.start, newText: `${entry}${separator}` };
  }
  if (/^\s*(-\s+)?$/.test(head) && text[policy.start] !== '{') {
    // Block mapping: the new key takes the first key's place and column; a `- ` stays in front.
    const indent = ' '.repeat(head.length);
    return { start: first.key.start, end: first.key.start, newText: `${entry}${eol}${indent}` };
  }
  return { start: first.key.start, end: first.key.start, newText: `${entry}, ` };
}
