/**
 * `Sid` checks of `policy-structure`: repeated statement IDs, and the characters IAM accepts.
 * A `Sid` grants nothing, so renaming one is always a safe fix.
 */
import type { ArrayNode, Node, ObjectNode } from '../../document';
import { replaceString } from '../../edits';
import type { Policy } from '../../model';
import { presentElement } from './element-values';
import type { Fix, RuleContext, Severity } from '../rule';

/** How a policy type treats Sids. */
export interface SidGrammar {
  /** How the policy type is named in messages ("an identity-based policy"). */
  readonly name: string;
  /** IAM's own policies accept only ASCII letters and digits in `Sid`. */
  readonly strictSid: boolean;
  /** The severity of a repeated Sid, or undefined when the policy type tolerates it. */
  readonly duplicateSid: Severity | undefined;
}

/** Duplicate `Sid`s, and for IAM's own policies `Sid`s with characters other than letters and digits. */
export function checkSids(
  { document, report }: RuleContext,
  policy: Policy,
  grammar: SidGrammar,
): void {
  // By value: looking through every earlier Sid made 20,000 statements quadratic (2.5 s).
  const seen = new Map<string, Node[]>();
  const all = new Set<string>();
  const sids: { value: string; node: Node }[] = [];
  for (const statement of policy.statements) {
    const sid = presentElement(statement.node, 'Sid')?.value;
    // Documentation examples write "Sid": "" on every statement; an empty Sid identifies nothing.
    if (sid?.kind !== 'string' || sid.value === '') continue;
    sids.push({ value: sid.value, node: sid });
    all.add(sid.value);
  }
  for (const sid of sids) {
    const node = sid.node;
    if (node.kind !== 'string') continue;
    if (grammar.strictSid && !/^[A-Za-z0-9]*$/.test(sid.value)) {
      const cleaned = sid.value.replace(/[^A-Za-z0-9]/g, '');
      const fixes: Fix[] =
        cleaned !== '' && !all.has(cleaned)
          ? [
              {
                title: `Change the Sid to "${cleaned}"`,
                safe: true,
                edits: [replaceString(document, node, cleaned)],
              },
            ]
          : [];
      report({
        at: node,
        message: `The Sid "${sid.value}" has characters ${grammar.name} does not accept: IAM allows only letters A-Z, a-z and digits 0-9.`,
        fixes,
      });
    }
    const same = seen.get(sid.value) ?? [];
    const earlier = same.find((other) => !exclusive(other, node));
    same.push(node);
    seen.set(sid.value, same);
    if (!earlier || duplicateSeverity(policy, grammar) === undefined) continue;
    const unique = uniqueSid(sid.value, all);
    all.add(unique);
    report({
      at: node,
      severity: duplicateSeverity(policy, grammar),
      message: `The Sid "${sid.value}" is used by an earlier statement too; statement IDs must be unique within a policy.`,
      fixes: [
        {
          title: `Rename the Sid to "${unique}"`,
          safe: true,
          edits: [replaceString(document, node, unique)],
        },
      ],
    });
  }
}

/** SQS rejects repeated Sids; other services' resource policies differ, so only SQS is known. */
const UNIQUE_SID_RESOURCES = new Set(['AWS::SQS::QueuePolicy', 'AWS::SQS::QueueInlinePolicy']);

function duplicateSeverity(policy: Policy, grammar: SidGrammar): Severity | undefined {
  if (policy.type !== 'resource') return grammar.duplicateSid;
  return policy.resource && UNIQUE_SID_RESOURCES.has(policy.resource.type) ? 'error' : undefined;
}

function uniqueSid(sid: string, taken: ReadonlySet<string>): string {
  for (let n = 2; ; n++) if (!taken.has(`${sid}${n}`)) return `${sid}${n}`;
}

/**
 * Two nodes under different branches of one `Fn::If` never exist together, so their Sids cannot
 * clash. Walks up from each node, noting which branch of each `Fn::If` it sits in.
 */
function exclusive(a: Node, b: Node): boolean {
  const branches = ifBranches(a);
  for (const [args, index] of ifBranches(b)) {
    const other = branches.get(args);
    if (other !== undefined && other !== index) return true;
  }
  return false;
}

function ifBranches(node: Node): Map<ArrayNode, number> {
  const result = new Map<ArrayNode, number>();
  let current: Node = node;
  while (current.parent) {
    const parent: ObjectNode | ArrayNode = current.parent;
    if (parent.kind === 'array' && parent.property?.key.value === 'Fn::If') {
      result.set(parent, parent.items.indexOf(current));
    }
    current = parent;
  }
  return result;
}
