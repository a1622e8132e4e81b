import {
  getProperty,
  missingElementRange,
  stringSourceRange,
  type Node,
  type ObjectNode,
  type ParsedDocument,
  type Range,
  type StringNode,
} from '../document';
import { replaceString } from '../edits';
import { defineRule, type Fix } from './rule';

const CURRENT = '2012-10-17';
const LEGACY = '2008-10-17';

export default defineRule({
  id: 'policy-version',
  defaultSeverity: 'info',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A policy variable that IAM will not substitute (no \`Version\`, or the old \`${LEGACY}\`), a
      \`Version\` value IAM does not accept, or policies without \`Version\` (a note, once per
      document).
    `,
    why: `
      Without \`"Version": "${CURRENT}"\` IAM reads a policy with the ${LEGACY} grammar, in which
      policy variables such as \`\${aws:username}\` are plain text: a statement meant to give each
      user their own folder then matches a folder literally named \`\${aws:username}\`. That is an
      error, reported at the first variable of the policy. Any value other than the two published
      dates makes IAM reject the policy (an error).

      A policy that uses no variable means the same under both grammars, so a missing \`Version\`
      there is only a note: one per document, at the first such policy, counting them all. The old
      \`${LEGACY}\` written out is a warning at its value even without variables: it was chosen,
      and newer policy features do not work under it.

      A policy variable is a key with one colon (\`\${aws:username}\`, \`\${s3:prefix}\`) or one of
      \`\${*}\`, \`\${?}\`, \`\${$}\`. In a CloudFormation template it is written as is outside
      \`Fn::Sub\`, and escaped as \`\${!aws:username}\` inside it, which CloudFormation hands to IAM as
      \`\${aws:username}\`; \`\${Name}\` in \`Fn::Sub\` is CloudFormation's own substitution.
    `,
    fix: `
      Set \`"Version": "${CURRENT}"\`. The note's quick-fix adds it to every policy of the document
      that lacks it, and is safe: without variables the change cannot alter what a policy grants.
      The fix of a policy with variables is unsafe, since from then on the variables are
      substituted: check that this is what the statement meant.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
    ],
  },
  check({ document, model, report }) {
    // Policies without `Version` and without variables: one note for the document.
    const unversioned: ObjectNode[] = [];
    const seen = new Set<ObjectNode>();
    for (const policy of model.policies) {
      if (seen.has(policy.node)) continue;
      seen.add(policy.node);
      const version = getProperty(policy.node, 'Version');
      const value = version?.value;
      if (value?.kind === 'string' && value.value === CURRENT) continue;
      const variable = firstPolicyVariable(policy.node, document.text);
      if (version && value?.kind !== 'string') {
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
      if (value?.kind === 'string' && value.value !== LEGACY) {
        report({
          at: value,
          severity: 'error',
          message: `"${value.value}" is not a policy version IAM accepts; use "${CURRENT}".`,
          fixes: [setVersion(document, value, !variable)],
        });
        continue;
      }
      const fix =
        value?.kind === 'string'
          ? setVersion(document, value, !variable)
          : addVersion(document, [policy.node], false);
      if (variable) {
        const grammar = value ? `"Version" is ${LEGACY}` : 'there is no "Version"';
        report({
          at: variable.range,
          severity: 'error',
          message: `Policy variable ${variable.text} is not substituted: ${grammar}, so IAM matches it as plain text. Set "Version": "${CURRENT}".`,
          fixes: fix ? [fix] : [],
        });
      } else if (value?.kind === 'string') {
        report({
          at: value,
          severity: 'warning',
          message: `Version ${LEGACY} is the legacy policy grammar, in which policy variables do not work. Use "${CURRENT}".`,
          fixes: fix ? [fix] : [],
        });
      } else {
        unversioned.push(policy.node);
      }
    }
    // The note sits at the first of them in the text, whatever order the model found them in.
    unversioned.sort((a, b) => a.start - b.start);
    const first = unversioned[0];
    if (!first) return;
    const count = unversioned.length;
    const fix = addVersion(document, unversioned, true);
    report({
      at: missingElementRange(document, first),
      severity: 'info',
      message:
        count === 1
          ? `The policy has no "Version", so IAM applies the ${LEGACY} grammar, in which policy variables do not work. Add "Version": "${CURRENT}".`
          : `${count} policies in this document have no "Version", so IAM applies the ${LEGACY} grammar, in which policy variables do not work. Add "Version": "${CURRENT}" to each.`,
      fixes: fix ? [fix] : [],
    });
  },
});

function setVersion(document: ParsedDocument, value: StringNode, safe: boolean): Fix {
  return {
    title: `Set "Version" to "${CURRENT}"`,
    safe,
    edits: [replaceString(document, value, CURRENT)],
  };
}

function addVersion(
  document: ParsedDocument,
  policies: readonly ObjectNode[],
  safe: boolean,
): Fix | undefined {
  const edits = policies.flatMap((policy) => insertVersion(document, policy) ?? []);
  if (edits.length === 0) return undefined;
  const title =
    policies.length === 1
      ? `Add "Version": "${CURRENT}"`
      : `Add "Version": "${CURRENT}" to ${policies.length} policies`;
  return { title, safe, edits };
}

interface PolicyVariable {
  /** The variable as IAM will read it, `\${aws:username}`. */
  readonly text: string;
  readonly range: Range;
}

/**
 * What a policy variable looks like: `${*}`, `${?}`, `${$}`, or a key with one colon
 * (`${aws:username}`, `${aws:PrincipalTag/team}`, `${cognito-identity.amazonaws.com:sub}`). A
 * `${Name}` or `${AWS::Region}` outside `Fn::Sub` is a forgotten substitution, not a variable.
 */
const VARIABLE = /^(?:[*?$]|[\w.-]+:(?!:)[^}]*)$/;

/**
 * The first policy variable of a policy, in document order. Outside `Fn::Sub` every `${...}`
 * reaches IAM as written; inside it a plain `${Name}` is a CloudFormation substitution and only
 * the escaped `${!name}` reaches IAM, as `${name}`.
 */
function firstPolicyVariable(node: Node, text: string): PolicyVariable | undefined {
  switch (node.kind) {
    case 'string': {
      const inSub =
        node.property?.key.value === 'Fn::Sub' ||
        (node.parent?.kind === 'array' &&
          node.parent.items[0] === node &&
          node.parent.property?.key.value === 'Fn::Sub');
      const open = inSub ? '${!' : '${';
      for (let start = node.value.indexOf(open); start >= 0;) {
        const close = node.value.indexOf('}', start);
        const end = close < 0 ? node.value.length : close + 1;
        const name = node.value.slice(start + open.length, close < 0 ? end : close).trim();
        if (VARIABLE.test(name)) {
          const written = node.value.slice(start, end);
          return {
            text: inSub ? written.replace('${!', '${') : written,
            range: stringSourceRange(text, node, start, end),
          };
        }
        start = node.value.indexOf(open, end);
      }
      return undefined;
    }
    case 'object':
      for (const property of node.properties) {
        const found = property.value && firstPolicyVariable(property.value, text);
        if (found) return found;
      }
      return undefined;
    case 'array':
      for (const item of node.items) {
        const found = firstPolicyVariable(item, text);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
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
