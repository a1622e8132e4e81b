import { getValue, type Node, type ObjectNode, type StringNode } from '../document';
import { intrinsicName, isNoValue, stringItems, type LocatedValue, type Statement } from '../model';

/** One `operator: { key: values }` test of a statement's `Condition`. */
export interface ConditionTest {
  /** The operator as written, such as `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The operator without set qualifier and `IfExists`, lower-case: `stringlike`. */
  readonly base: string;
  readonly qualifier: 'any' | 'all' | undefined;
  readonly ifExists: boolean;
  readonly key: StringNode;
  /** The compared values; intrinsics and other unknowns have `value: undefined`. */
  readonly values: readonly LocatedValue[];
}

/**
 * What the `Condition` element can be once `Fn::If` is chosen: a list of tests per branch,
 * `[]` for a branch without a condition (`AWS::NoValue`, or no element at all), and `undefined`
 * for a branch the engine cannot read (a `Ref`, an import): unknown, so never held against it.
 */
export function conditionBranches(
  statement: Statement,
): readonly (readonly ConditionTest[] | undefined)[] {
  const element = statement.element('Condition');
  if (!element) return [[]];
  return branches(element.value).map((node) => (node === 'none' ? [] : node && testsOf(node)));
}

function branches(node: Node | undefined): (ObjectNode | 'none' | undefined)[] {
  if (node === undefined || isNoValue(node)) return ['none'];
  const name = intrinsicName(node);
  if (name === 'Fn::If') {
    const args = getValue(node, 'Fn::If');
    if (args?.kind !== 'array' || args.items.length !== 3) return [undefined];
    return [...branches(args.items[1]), ...branches(args.items[2])];
  }
  if (name !== undefined || node.kind !== 'object') return [undefined];
  return [node];
}

function testsOf(condition: ObjectNode): ConditionTest[] {
  const tests: ConditionTest[] = [];
  for (const operator of condition.properties) {
    const block = operator.value;
    // An operator block that is itself an intrinsic cannot be read; skip it rather than guess.
    if (block?.kind !== 'object' || intrinsicName(block) !== undefined) continue;
    const parsed = splitOperator(operator.key.value);
    for (const test of block.properties) {
      tests.push({
        operator: operator.key.value,
        ...parsed,
        key: test.key,
        values: stringItems(test.value),
      });
    }
  }
  return tests;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its qualifier, base operator and `IfExists`. */
function splitOperator(operator: string): Pick<ConditionTest, 'base' | 'qualifier' | 'ifExists'> {
  let rest = operator.toLowerCase();
  let qualifier: ConditionTest['qualifier'];
  if (rest.startsWith('foranyvalue:')) {
    qualifier = 'any';
    rest = rest.slice('foranyvalue:'.length);
  } else if (rest.startsWith('forallvalues:')) {
    qualifier = 'all';
    rest = rest.slice('forallvalues:'.length);
  }
  const ifExists = rest.endsWith('ifexists');
  return { base: ifExists ? rest.slice(0, -'ifexists'.length) : rest, qualifier, ifExists };
}

/** How the value of a narrowing key is judged: an ARN, an IP range, or an identifier. */
type KeyKind = 'arn' | 'ip' | 'id';

/**
 * Condition keys that confine a `*` principal to known callers, with how their values are
 * judged. Keys left out on purpose: `aws:username` (user names repeat across accounts),
 * `kms:ViaService` (anyone can call through the service), `aws:Referer` and `aws:UserAgent`
 * (set by the caller), `aws:PrincipalType`, `aws:PrincipalIsAWSService`, `sts:ExternalId`.
 */
export const NARROWING_KEYS: ReadonlyMap<string, KeyKind> = new Map([
  ['aws:principalaccount', 'id'],
  ['aws:principalarn', 'arn'],
  ['aws:principalorgid', 'id'],
  ['aws:principalorgpaths', 'id'],
  ['aws:sourceaccount', 'id'],
  ['aws:sourcearn', 'arn'],
  ['aws:sourceowner', 'id'],
  ['aws:sourceorgid', 'id'],
  ['aws:sourceorgpaths', 'id'],
  ['aws:sourcevpc', 'id'],
  ['aws:sourcevpce', 'id'],
  ['aws:sourceip', 'ip'],
  ['aws:userid', 'id'],
  ['kms:calleraccount', 'id'],
  ['s3:dataaccesspointaccount', 'id'],
  ['s3:dataaccesspointarn', 'arn'],
  ['lambda:eventsourcetoken', 'id'],
]);

/** Operators that require a match; their negations (`StringNotEquals`, ...) narrow nothing. */
const MATCHING = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'ipaddress',
]);

/**
 * Whether a test requires the key to match its values: a matching operator, without `IfExists`
 * and without `ForAllValues` (both of which pass when the key is missing).
 */
export function requiresMatch(test: ConditionTest): boolean {
  return MATCHING.has(test.base) && !test.ifExists && test.qualifier !== 'all';
}

/** Why a test on a narrowing key does not narrow, or undefined when it does. */
export function whyNotNarrowing(test: ConditionTest): string | undefined {
  const kind = NARROWING_KEYS.get(test.key.value.toLowerCase());
  if (!kind) return 'not a key that identifies the caller';
  if (test.base === 'null') return `${test.operator} only tests whether the key is present`;
  if (!MATCHING.has(test.base)) return `${test.operator} excludes callers instead of naming them`;
  // A missing key makes an ...IfExists test true, and ForAllValues is true of an empty set:
  // anonymous callers and callers without the key pass either way.
  if (test.ifExists) return `${test.operator} also lets in callers without the key`;
  if (test.qualifier === 'all') return `${test.operator} also lets in callers without the key`;
  if (test.values.length === 0) return 'it lists no value';
  const broad = test.values.find((v) => v.value !== undefined && !narrowValue(kind, v.value));
  if (broad) {
    const reach = kind === 'ip' ? 'every address' : 'callers in any account';
    return `"${broad.value ?? ''}" matches ${reach}`;
  }
  return undefined;
}

/** Whether a value confines the key to known callers; unknown values count as confining. */
function narrowValue(kind: KeyKind, value: string): boolean {
  if (kind === 'ip') return !/\/0$/.test(value.trim());
  if (kind === 'arn') {
    const parts = value.split(':');
    if (parts.length < 6) return false;
    const account = parts[4] ?? '';
    const resource = parts.slice(5).join(':');
    if (/[*?]/.test(account)) return false;
    return account !== '' || !/^[*?/]*$/.test(resource);
  }
  // An identifier narrows when its leading part (an account, an organization, a VPC, a role's
  // unique id before `:session`) is written out: `o-abc/r-1/*` does, `o-*` does not.
  const lead = value.split(/[/:]/)[0] ?? '';
  return lead !== '' && !/[*?]/.test(lead);
}

/** Whether every branch of the statement's condition confines its principals to known callers. */
export function conditionNarrowsPrincipal(statement: Statement): boolean {
  return conditionBranches(statement).every(
    (tests) => tests === undefined || tests.some((t) => whyNotNarrowing(t) === undefined),
  );
}

/**
 * For a message: a narrowing key the statement tests in a way that does not narrow, and why.
 * Undefined when no such key is tested.
 */
export function ineffectiveNarrowing(statement: Statement): string | undefined {
  const branches = conditionBranches(statement);
  const narrowing = (tests: readonly ConditionTest[] | undefined) =>
    tests === undefined || tests.some((t) => whyNotNarrowing(t) === undefined);
  if (branches.length > 1 && branches.some(narrowing))
    return 'some Fn::If branches leave the narrowing condition out';
  for (const tests of branches) {
    for (const test of tests ?? []) {
      if (!NARROWING_KEYS.has(test.key.value.toLowerCase())) continue;
      const why = whyNotNarrowing(test);
      if (why) return `the condition on ${test.key.value} does not count: ${why}`;
    }
  }
  return undefined;
}
