import type { Node, Property, ScalarNode } from '../document';
import { alternatives, intrinsicName, type Statement } from '../model';
import { isTemplatedKey, type Catalog, type ConditionKeyDetail } from './catalog';
import { editDistance, nearestServices } from './nearest';

/** The value types of condition keys once `ArrayOf` is taken off. */
export type KeyBaseType = 'String' | 'ARN' | 'Bool' | 'Date' | 'IPAddress' | 'Numeric' | 'Binary';

/** A condition key used in a policy, resolved to the catalog's definition. */
export interface ResolvedConditionKey {
  readonly detail: ConditionKeyDetail;
  /** True for keys available in every request (`aws:SourceIp`, `aws:PrincipalTag/...`). */
  readonly global: boolean;
  /** `String` for `ArrayOfString`; undefined for a type the table does not know. */
  readonly baseType: KeyBaseType | undefined;
  /** True for `ArrayOf...` keys, which hold a set of values. */
  readonly multiValued: boolean;
}

/**
 * `known`: the catalog defines the key. `unknown`: it does not (the service prefix is unknown, or
 * the service does not define that key). `unverifiable`: the key cannot be judged (an identity
 * provider's claim, a `${...}` substitution), so rules must stay silent.
 */
export type ConditionKeyResolution =
  | { readonly status: 'known'; readonly key: ResolvedConditionKey }
  | { readonly status: 'unverifiable' }
  | { readonly status: 'unknown'; readonly prefixKnown: boolean };

const BASE_TYPES = new Map<string, KeyBaseType>([
  ['string', 'String'],
  ['arn', 'ARN'],
  ['bool', 'Bool'],
  ['boolean', 'Bool'],
  ['date', 'Date'],
  ['ipaddress', 'IPAddress'],
  ['numeric', 'Numeric'],
  ['long', 'Numeric'],
  ['integer', 'Numeric'],
  ['binary', 'Binary'],
]);

function resolved(detail: ConditionKeyDetail, global: boolean): ConditionKeyResolution {
  const type = detail.type.trim();
  const multiValued = /^arrayof/i.test(type);
  const baseType = BASE_TYPES.get(
    (multiValued ? type.slice('ArrayOf'.length) : type).toLowerCase(),
  );
  return { status: 'known', key: { detail, global, baseType, multiValued } };
}

/**
 * An identity provider's prefix (`token.actions.githubusercontent.com`,
 * `oidc.eks.<region>.amazonaws.com/id/<id>`): any OIDC provider registered in the account can be
 * named, with claims (`aud`, `sub`, `amr`) the catalog does not list for every provider.
 */
function isProviderPrefix(prefix: string): boolean {
  return prefix.includes('.') || prefix.includes('/');
}

/**
 * Resolves a condition key as written in a policy (case-insensitive): global keys, the key's own
 * service, services that host keys of that prefix (`saml:` in sts), and templated keys
 * (`aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`,
 * `kms:EncryptionContext:${EncryptionContextKey}`), whose placeholder takes any text. The
 * statement's actions do not matter: a key of another service is valid wherever the catalog
 * defines it (`kms:ViaService` beside S3 actions).
 */
export function resolveConditionKey(catalog: Catalog, used: string): ConditionKeyResolution {
  // A `${...}` in a key is a substitution by some other tool; nothing to judge.
  if (used.includes('${')) return { status: 'unverifiable' };
  const colon = used.indexOf(':');
  if (colon <= 0 || colon === used.length - 1) return { status: 'unknown', prefixKnown: false };
  const prefix = used.slice(0, colon);
  const global = catalog.globalConditionKey(used);
  if (global) return resolved(global, true);
  const hosts = catalog.conditionKeyHosts(prefix);
  const own = catalog.service(prefix) !== undefined;
  for (const service of own ? [prefix, ...hosts] : hosts) {
    const detail = catalog.findServiceConditionKey(service, used);
    if (detail) return resolved(detail, false);
  }
  if (isProviderPrefix(prefix)) return { status: 'unverifiable' };
  return {
    status: 'unknown',
    prefixKnown: own || hosts.length > 0 || prefix.toLowerCase() === 'aws',
  };
}

/** The fixed text before a templated catalog key's placeholder (`aws:PrincipalTag/`). */
function templateHead(name: string): string | undefined {
  const match = /\$\{[^}]*\}|<[^>]*>/.exec(name);
  return match ? name.slice(0, match.index) : undefined;
}

/**
 * The real keys closest to a misspelt one, best first, written as the user would use them: a
 * templated key keeps the user's own suffix (`aws:ResourceTags/env` → `aws:ResourceTag/env`), and
 * a templated key named without its suffix (`aws:RequestTag`) comes back as the template.
 */
export function nearestConditionKeys(catalog: Catalog, used: string, max = 3): string[] {
  const colon = used.indexOf(':');
  // A key written without its prefix (`SourceVpce`) is most likely a global `aws:` key.
  const wanted = colon > 0 ? used : `aws:${used}`;
  const prefix = wanted.slice(0, wanted.indexOf(':'));
  const services = catalog.service(prefix)
    ? [prefix]
    : nearestServices(catalog, prefix).map((s) => s.prefix);
  const candidates = [
    ...catalog.globalConditionKeys(),
    ...[...services, ...catalog.conditionKeyHosts(prefix)].flatMap((s) =>
      catalog.serviceConditionKeys(s),
    ),
  ];
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const lower = wanted.toLowerCase();
  const scored = new Map<string, number>();
  const offer = (suggestion: string, distance: number) => {
    if (distance > limit || suggestion.toLowerCase() === used.toLowerCase()) return;
    const before = scored.get(suggestion);
    if (before === undefined || distance < before) scored.set(suggestion, distance);
  };
  for (const candidate of candidates) {
    const name = candidate.name;
    const head = templateHead(name);
    if (head === undefined) {
      // A real key the user's key starts with (`aws:SourceIpAddress`) is a last resort.
      const startsWith = lower.startsWith(name.toLowerCase()) && name.length > prefix.length + 3;
      const distance = editDistance(wanted, name, limit);
      offer(name, startsWith ? Math.min(limit, distance) : distance);
      continue;
    }
    if (lower === head.slice(0, -1).toLowerCase()) {
      offer(name, 0);
      continue;
    }
    // Compare the fixed part with as much of the user's key, then keep the user's suffix.
    const cut = userHeadLength(wanted, head);
    if (cut === undefined || cut >= wanted.length) continue;
    const suggestion = head + wanted.slice(cut);
    if (!isTemplatedKey(suggestion)) {
      offer(suggestion, editDistance(wanted.slice(0, cut), head, limit));
    }
  }
  const sorted = [...scored].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  const best = sorted[0]?.[1] ?? 0;
  return sorted
    .filter(([, d]) => d <= best + 1)
    .slice(0, max)
    .map(([name]) => name);
}

/** Where the user's key ends the part that corresponds to a template's fixed head. */
function userHeadLength(used: string, head: string): number | undefined {
  const separator = head.at(-1);
  if (separator === undefined) return undefined;
  // The head ends with its separator (`/` or `:`); find the same separator after the prefix.
  const at = used.indexOf(separator, used.indexOf(':') + 1);
  return at < 0 ? undefined : at + 1;
}

/** One operator of a Condition element and the keys under it. */
export interface ConditionBlock {
  readonly operator: Property;
  readonly keys: readonly Property[];
}

/**
 * The operators of a statement's Condition element and the keys under each, with every `Fn::If`
 * branch; intrinsics standing for a whole block or operator are skipped (unknown is not bad).
 */
export function conditionBlocks(statement: Statement): ConditionBlock[] {
  const blocks: ConditionBlock[] = [];
  for (const condition of alternatives(statement.element('Condition')?.value)) {
    if (condition.kind !== 'object' || intrinsicName(condition) !== undefined) continue;
    for (const operator of condition.properties) {
      const keys: Property[] = [];
      for (const block of alternatives(operator.value)) {
        if (block.kind !== 'object' || intrinsicName(block) !== undefined) continue;
        keys.push(...block.properties);
      }
      blocks.push({ operator, keys });
    }
  }
  return blocks;
}

/** The literal (string, number, boolean) values of a condition value, every branch included. */
export function literalValues(value: Node | undefined): Exclude<ScalarNode, { kind: 'null' }>[] {
  const result: Exclude<ScalarNode, { kind: 'null' }>[] = [];
  for (const alternative of alternatives(value)) {
    const items = alternative.kind === 'array' ? alternative.items : [alternative];
    for (const item of items) {
      for (const choice of alternatives(item)) {
        if (choice.kind === 'string' || choice.kind === 'number' || choice.kind === 'boolean') {
          result.push(choice);
        }
      }
    }
  }
  return result;
}

/**
 * A CloudFormation stack policy statement (`Update:Modify`, `Update:*`): same grammar as IAM, but
 * its only condition key is `ResourceType`, which IAM does not know.
 */
export function isStackPolicyStatement(statement: Statement): boolean {
  const actions = [...statement.values('Action'), ...statement.values('NotAction')];
  return (
    actions.length > 0 &&
    actions.every((a) => a.value?.toLowerCase().startsWith('update:') === true)
  );
}
