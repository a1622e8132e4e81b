/**
 * Which policies grant full or near-full access. The build applies this to every AWS managed policy
 * (scripts/gen-managed-policies.ts) and stores the answer in the generated index, so that the
 * `managed-policy-admin` rule never loads a document; the unit tests apply it again to check the
 * stored list.
 */
import type { ActionInfo, Catalog } from './catalog';
import type { FullAccessGrant, JsonValue } from './data';

/**
 * A `NotAction` statement counts as near-full access when what it leaves granted is at least this
 * share of the catalog's actions (`PowerUserAccess` leaves 98%): excluding a handful of services
 * still grants every other service, including the ones AWS launches tomorrow.
 */
export const NEAR_FULL_SHARE = 0.9;

/**
 * How a policy document grants full or near-full access, judged on its Allow statements that apply
 * to `"Resource": "*"` without a `Condition` (a condition or a narrower resource limits the grant,
 * and is not judged here), less what its unconditional Deny statements on `*` take away:
 * - `all-actions`: every action of the catalog (`"Action": "*"`);
 * - `all-actions-except`: a `NotAction` statement that leaves at least {@link NEAR_FULL_SHARE} of
 *   the catalog granted (`PowerUserAccess`);
 * - `iam`: every IAM action (`iam:*`), with which a principal can grant itself anything;
 * - `iam-permissions-management`: every IAM action of the Permissions management access level
 *   (attaching, putting and deleting policies, changing trust), which amounts to the same.
 * Undefined for anything else. Never throws.
 */
export function fullAccessGrant(
  document: JsonValue | undefined,
  catalog: Catalog,
): FullAccessGrant | undefined {
  const every = catalog.match('*');
  const allowed = new Set<ActionInfo>();
  const denied = new Set<ActionInfo>();
  let except: readonly string[] | undefined;
  for (const statement of items(field(document, 'Statement'))) {
    if (!isObject(statement) || field(statement, 'Condition') !== undefined) continue;
    if (field(statement, 'NotResource') !== undefined) continue;
    if (!strings(field(statement, 'Resource')).includes('*')) continue;
    const effect = field(statement, 'Effect');
    const notAction = field(statement, 'NotAction');
    const granted =
      notAction === undefined
        ? strings(field(statement, 'Action')).flatMap((pattern) => catalog.match(pattern))
        : allBut(every, strings(notAction), catalog);
    if (effect === 'Allow') {
      for (const action of granted) allowed.add(action);
      if (notAction !== undefined && granted.length >= NEAR_FULL_SHARE * every.length)
        except ??= strings(notAction);
    } else if (effect === 'Deny') {
      for (const action of granted) denied.add(action);
    }
  }
  const grants = (actions: readonly ActionInfo[]) =>
    actions.length > 0 && actions.every((a) => allowed.has(a) && !denied.has(a));
  if (grants(every)) return { kind: 'all-actions' };
  if (except !== undefined) {
    const rest = allBut(every, except, catalog);
    if (grants(rest)) return { kind: 'all-actions-except', except };
  }
  const iam = catalog.service('iam')?.actions ?? [];
  if (grants(iam)) return { kind: 'iam' };
  if (grants(iam.filter((a) => a.accessLevel === 'Permissions management')))
    return { kind: 'iam-permissions-management' };
  return undefined;
}

/**
 * What a full-access grant amounts to, in a few words: "every action on every resource". A long
 * `NotAction` list shows its first `shownExceptions` entries and how many more there are.
 */
export function describeFullAccess(grant: FullAccessGrant, shownExceptions = 3): string {
  switch (grant.kind) {
    case 'all-actions':
      return 'every action on every resource';
    case 'all-actions-except': {
      const shown = grant.except.slice(0, shownExceptions).map((p) => `\`${p}\``);
      const more = grant.except.length - shown.length;
      return `every action except ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''} on every resource`;
    }
    case 'iam':
      return 'every IAM action on every resource';
    case 'iam-permissions-management':
      return 'every IAM Permissions management action on every resource';
  }
}

function allBut(
  every: readonly ActionInfo[],
  patterns: readonly string[],
  catalog: Catalog,
): ActionInfo[] {
  const excluded = new Set(patterns.flatMap((pattern) => catalog.match(pattern)));
  return every.filter((action) => !excluded.has(action));
}

function isObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property of a JSON object; the names asked for are the policy grammar's own, never input. */
function field(value: JsonValue | undefined, name: string): JsonValue | undefined {
  return isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
}

function items(value: JsonValue | undefined): readonly JsonValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly JsonValue[]) : [value as JsonValue];
}

function strings(value: JsonValue | undefined): string[] {
  return items(value).filter((item): item is string => typeof item === 'string');
}
