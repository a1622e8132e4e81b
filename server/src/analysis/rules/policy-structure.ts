import {
  getProperty,
  missingElementRange,
  type Node,
  type ObjectNode,
  type ParsedDocument,
  type Property,
  type Range,
} from '../document';
import {
  alternatives,
  intrinsicName,
  isNoValue,
  STATEMENT_ELEMENTS,
  type Policy,
  type PolicyType,
  type Statement,
} from '../model';
import {
  checkCondition,
  checkEffect,
  checkPrincipal,
  checkSidType,
  checkStringList,
  presentElement,
} from './policy-structure/element-values';
import { checkSids, type SidGrammar } from './policy-structure/statement-ids';
import { renameKeyFix } from '../edits';
import { defineRule, type RuleContext } from './rule';

/** Reports a missing element unless one of `names` is only written in the wrong case. */
type Missing = (names: readonly string[], message: string) => void;

/** What a policy type requires, allows and forbids. */
interface Grammar extends SidGrammar {
  readonly principal: 'required' | 'forbidden' | 'optional';
  readonly resource: 'required' | 'forbidden' | 'optional';
}

const IAM = { strictSid: true, duplicateSid: 'error' } as const;
const GRAMMARS: Readonly<Record<PolicyType, Grammar>> = {
  identity: {
    name: 'an identity-based policy',
    principal: 'forbidden',
    resource: 'required',
    ...IAM,
  },
  'permissions-boundary': {
    name: 'a permissions boundary',
    principal: 'forbidden',
    resource: 'required',
    ...IAM,
  },
  trust: { name: 'a role trust policy', principal: 'required', resource: 'forbidden', ...IAM },
  // Services differ on Sid characters (KMS and S3 accept spaces) and on duplicates (see duplicateSeverity).
  resource: {
    name: 'a resource-based policy',
    principal: 'required',
    resource: 'required',
    strictSid: false,
    duplicateSid: undefined,
  },
  'service-control': {
    name: 'a service control policy',
    principal: 'forbidden',
    resource: 'optional',
    strictSid: false,
    duplicateSid: 'error',
  },
  'resource-control': {
    name: 'a resource control policy',
    principal: 'required',
    resource: 'optional',
    strictSid: false,
    duplicateSid: 'error',
  },
  iot: {
    name: 'an AWS IoT policy',
    principal: 'forbidden',
    resource: 'required',
    strictSid: false,
    duplicateSid: undefined,
  },
  unknown: {
    name: 'a policy',
    principal: 'optional',
    resource: 'optional',
    strictSid: false,
    duplicateSid: undefined,
  },
};

/** ECR repository policies name no resource: the repository is implied. */
const RESOURCE_IMPLIED = new Set(['AWS::ECR::Repository', 'AWS::ECR::PublicRepository']);
const TOP_LEVEL = ['Version', 'Id', 'Statement'];
const PAIRS = [
  ['Action', 'NotAction'],
  ['Resource', 'NotResource'],
  ['Principal', 'NotPrincipal'],
] as const;

export default defineRule({
  id: 'policy-structure',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A policy breaks the IAM policy grammar: a required element is missing, an element is not
      allowed for the policy type, has the wrong kind of value, or is unknown, or a \`Sid\` is
      repeated or badly formed.
    `,
    why: `
      AWS rejects such a policy when it is created or updated, so a template fails at deployment and
      a standalone policy never takes effect; some mistakes (an \`Effect\` of \`allow\`, a
      \`Principal\` in a role permission policy) are easy to miss in review. What is required
      depends on the policy type, which Scopewise takes from where the policy sits: identity
      policies (IAM users, groups, roles, managed policies, SAM \`Policies\`, SSO permission sets)
      and permissions boundaries need \`Resource\` and may not name a \`Principal\`; role trust
      policies need a \`Principal\` and may not name a \`Resource\`; resource-based policies
      (bucket, key, queue, topic, repository policies and the like) need both, except ECR repository
      policies, which imply their repository. A standalone file is a trust policy when its
      principals are only granted \`sts:AssumeRole*\` and session actions, a resource-based policy
      when it has other principals, and an identity policy otherwise; name service control policies
      (SCPs), resource control policies (RCPs) and permissions boundaries with \`policyTypes\` in
      \`.scopewise.json\`. SCPs may not name principals; RCPs must use \`"Principal": "*"\` and
      \`Deny\` (only the built-in full-access RCP allows). A missing element is reported on the key
      that holds the statement (\`Statement\` when it is a single object) or, for a statement in a
      list, on its first key; a wrong value is reported on the value. Values that are intrinsic
      functions or parameters are not judged, \`Fn::If\` branches are each checked, and \`!Ref
      AWS::NoValue\` counts as absent.
    `,
    fix: `
      Add the missing element, remove the one the policy type does not allow, or correct the value.
      Quick-fixes: rename an element or principal type written in the wrong case (safe: AWS rejects
      the name as written); remove the characters IAM does not accept from a \`Sid\` and give a
      repeated \`Sid\` a unique name (safe: a \`Sid\` grants nothing); correct the case of
      \`Effect\` (unsafe: once the policy is accepted its statements take effect).
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html',
      'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html',
      'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html',
    ],
  },
  check(context) {
    for (const policy of context.model.policies) checkPolicy(context, policy);
  },
});

function checkPolicy(context: RuleContext, policy: Policy): void {
  const { document, report } = context;
  const grammar = GRAMMARS[policy.type];
  for (const property of policy.node.properties) {
    if (!TOP_LEVEL.includes(property.key.value)) {
      reportUnknown(
        context,
        property,
        TOP_LEVEL,
        'policy',
        `a policy has only "Version", "Id" and "Statement"`,
      );
    }
  }
  const statement = getProperty(policy.node, 'Statement');
  if (!statement || isNoValue(statement.value)) {
    report({
      at: missingElementRange(document, policy.node),
      message: 'The policy has no "Statement"; add a list of statements.',
    });
  } else if (!broken(document, statement)) {
    checkStatementList(statement, report);
  }
  for (const s of policy.statements) {
    if (!broken(document, s.node)) checkStatement(context, s, grammar);
  }
  checkSids(context, policy, grammar);
}

/**
 * A value that holds a parse error is incomplete (a truncated statement lacks the elements that
 * were never read); `parse-error` already reports it, so its shape is not judged.
 */
function broken(document: ParsedDocument, range: Range): boolean {
  return document.problems.some(
    (p) => p.code === 'parse-error' && p.start >= range.start && p.start <= range.end,
  );
}

/** `Statement`: an object or a non-empty list of objects. */
function checkStatementList(property: Property, report: RuleContext['report']): void {
  for (const value of alternatives(property.value)) {
    if (intrinsicName(value) !== undefined || value.kind === 'object') continue;
    if (value.kind !== 'array') {
      report({ at: value, message: '"Statement" must be a statement object or a list of them.' });
    } else if (value.items.length === 0) {
      report({
        at: value,
        message: '"Statement" is an empty list: the policy says nothing, and AWS rejects it.',
      });
    } else {
      for (const item of value.items) {
        for (const choice of alternatives(item)) {
          if (choice.kind === 'object') continue;
          report({ at: choice, message: 'Each entry of "Statement" must be a statement object.' });
        }
      }
    }
  }
}

function checkStatement(context: RuleContext, statement: Statement, grammar: Grammar): void {
  const { document, report } = context;
  const present = (name: string) => presentElement(statement.node, name);
  const missing: Missing = (names, message) => {
    // A case slip ("effect") is reported as such; saying "Effect" is missing as well would be noise.
    const slip = statement.node.properties.some((p) =>
      names.some((n) => p.key.value !== n && p.key.value.toLowerCase() === n.toLowerCase()),
    );
    if (!slip) report({ at: missingAt(statement.node), message });
  };

  for (const property of statement.node.properties) {
    const key = property.key.value;
    if ((STATEMENT_ELEMENTS as readonly string[]).includes(key)) continue;
    const hint = TOP_LEVEL.includes(key)
      ? `"${key}" belongs at the top of the policy, not inside a statement`
      : 'a statement takes "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource" and "Condition"';
    reportUnknown(context, property, STATEMENT_ELEMENTS, 'statement', hint);
  }

  const effect = present('Effect');
  if (effect) checkEffect(document, effect, report);
  else
    missing(
      ['Effect'],
      'The statement has no "Effect"; add "Effect": "Allow" or "Effect": "Deny".',
    );

  for (const name of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    const property = present(name);
    if (property) checkStringList(document, property, report);
  }
  for (const name of ['Principal', 'NotPrincipal']) {
    const property = present(name);
    if (property) checkPrincipal(document, property, report);
  }
  const condition = present('Condition');
  if (condition) checkCondition(condition, report);
  const sid = present('Sid');
  if (sid) checkSidType(document, sid, report);

  for (const [plain, negated] of PAIRS) {
    const a = present(plain);
    const b = present(negated);
    // Two conditional values may be exclusive branches of one condition, so only plain ones count.
    if (a && b && !isConditional(a) && !isConditional(b)) {
      report({
        at: b.key,
        message: `A statement cannot have both "${plain}" and "${negated}"; keep one of them.`,
      });
    }
  }
  if (!present('Action') && !present('NotAction')) {
    missing(
      ['Action', 'NotAction'],
      'The statement has no "Action" or "NotAction"; add the actions it applies to.',
    );
  }
  checkResourceElements(context, statement, grammar, missing);
  checkPrincipalElements(context, statement, grammar, missing);
}

function checkResourceElements(
  { report }: RuleContext,
  statement: Statement,
  grammar: Grammar,
  missing: Missing,
): void {
  const resource = presentElement(statement.node, 'Resource');
  const notResource = presentElement(statement.node, 'NotResource');
  if (grammar.resource === 'forbidden') {
    for (const property of [resource, notResource]) {
      if (!property) continue;
      report({
        at: property.key,
        message: `"${property.key.value}" is not allowed in ${grammar.name}: the resource is the role itself. Remove it.`,
      });
    }
    return;
  }
  const policy = statement.policy;
  // ECR repository policies imply their repository; a standalone resource-based policy may be one.
  const implied =
    policy.type === 'resource' &&
    (policy.typeFromContent === true ||
      (policy.resource !== undefined && RESOURCE_IMPLIED.has(policy.resource.type)));
  if (grammar.resource === 'required' && !implied && !resource && !notResource) {
    missing(
      ['Resource', 'NotResource'],
      `The statement has no "Resource" or "NotResource", which ${grammar.name} requires; add the ARNs of the resources it applies to.`,
    );
  }
}

function checkPrincipalElements(
  { report }: RuleContext,
  statement: Statement,
  grammar: Grammar,
  missing: Missing,
): void {
  const principal = presentElement(statement.node, 'Principal');
  const notPrincipal = presentElement(statement.node, 'NotPrincipal');
  const type = statement.policy.type;
  if (grammar.principal === 'forbidden') {
    const why =
      type === 'service-control'
        ? 'an SCP applies to every principal of the accounts it is attached to'
        : type === 'iot'
          ? 'the policy applies to the certificates and things it is attached to'
          : 'the policy applies to the identity it is attached to';
    for (const property of [principal, notPrincipal]) {
      if (!property) continue;
      report({
        at: property.key,
        message: `"${property.key.value}" is not allowed in ${grammar.name}: ${why}. Remove it${type === 'identity' ? ', or move the statement to the resource-based policy of the resource' : ''}.`,
      });
    }
    return;
  }
  if (type === 'resource-control') {
    checkResourceControl(report, statement, principal, notPrincipal);
    return;
  }
  if (grammar.principal === 'required' && !principal && !notPrincipal) {
    missing(
      ['Principal', 'NotPrincipal'],
      `The statement has no "Principal", which ${grammar.name} requires; name who it applies to, for example "Principal": { "AWS": "arn:aws:iam::111122223333:root" }.`,
    );
  }
}

/** RCPs: `"Principal": "*"` only, no `NotPrincipal`, and `Allow` only in the full-access form. */
function checkResourceControl(
  report: RuleContext['report'],
  statement: Statement,
  principal: Property | undefined,
  notPrincipal: Property | undefined,
): void {
  if (notPrincipal) {
    report({
      at: notPrincipal.key,
      message:
        '"NotPrincipal" is not allowed in a resource control policy; use "Principal": "*" with a condition such as aws:PrincipalOrgID.',
    });
  }
  if (!principal && !notPrincipal) {
    report({
      at: missingAt(statement.node),
      message:
        'The statement has no "Principal"; a resource control policy needs "Principal": "*".',
    });
  }
  for (const value of principal ? alternatives(principal.value) : []) {
    if (intrinsicName(value) !== undefined || (value.kind === 'string' && value.value === '*'))
      continue;
    report({
      at: value,
      message:
        'A resource control policy accepts only "Principal": "*"; narrow it with conditions such as aws:PrincipalOrgID or aws:PrincipalAccount.',
    });
  }
  const effect = presentElement(statement.node, 'Effect')?.value;
  if (effect?.kind === 'string' && effect.value === 'Allow' && !isFullAccess(statement)) {
    report({
      at: effect,
      message:
        'A resource control policy can only deny: "Allow" is accepted only in the built-in full-access form ("Principal", "Action" and "Resource" all "*"). Use "Deny".',
    });
  }
}

function isFullAccess(statement: Statement): boolean {
  const star = (name: 'Action' | 'Resource') => {
    const values = statement.values(name);
    return values.length === 1 && values[0]?.value === '*';
  };
  return star('Action') && star('Resource') && !presentElement(statement.node, 'Condition');
}

function isConditional(property: Property): boolean {
  return intrinsicName(property.value) === 'Fn::If';
}

/**
 * Where a statement's missing element is reported: the key that holds the statement (`Statement`
 * for a single statement object), else its first key, else its opening brace.
 */
function missingAt(statement: ObjectNode): Node | Range {
  if (statement.property) return statement.property.key;
  const first = statement.properties[0];
  return first ? first.key : { start: statement.start, end: statement.start + 1 };
}

/** An unknown element: a case slip gets a safe rename, since AWS rejects the name as written. */
function reportUnknown(
  { document, report }: RuleContext,
  property: Property,
  known: readonly string[],
  where: 'policy' | 'statement',
  hint: string,
): void {
  const key = property.key.value;
  const intended = known.find((k) => k.toLowerCase() === key.toLowerCase());
  const taken = intended !== undefined && getProperty(property.parent, intended) !== undefined;
  report({
    at: property.key,
    message: intended
      ? `"${key}" is not a ${where} element: element names are case-sensitive; use "${intended}".`
      : `"${key}" is not a ${where} element; ${hint}.`,
    fixes: intended && !taken ? [renameKeyFix(document, property.key, intended)] : [],
  });
}
