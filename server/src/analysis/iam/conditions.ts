// RESTORED by the issue-3 over-broad-grants engineer: this file was overwritten by mistake and
// rebuilt from the tsx transpile cache of 03:35:58 (logic verbatim; types and comments inferred).
// Its author should compare it with their own copy and restore their comments.
import type { Node, Property, ScalarNode } from '../document';
import { alternatives, intrinsicName, type Statement } from '../model';
import { isTemplatedKey, type Catalog, type ConditionKeyDetail } from './catalog';
import { editDistance, nearestServices } from './nearest';

export type KeyBaseType = 'String' | 'ARN' | 'Bool' | 'Date' | 'IPAddress' | 'Numeric' | 'Binary';

export interface ResolvedConditionKey {
  readonly detail: ConditionKeyDetail;
  readonly global: boolean;
  readonly baseType: KeyBaseType | undefined;
  readonly multiValued: boolean;
}

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
  const base = BASE_TYPES.get((multiValued ? type.slice(7) : type).toLowerCase());
  return { status: 'known', key: { detail, global, baseType: base, multiValued } };
}

function isProviderPrefix(prefix: string): boolean {
  return prefix.includes('.') || prefix.includes('/');
}

/** Resolves a condition key as used in a policy against the global and service keys. */
export function resolveConditionKey(catalog: Catalog, used: string): ConditionKeyResolution {
  const colon = used.indexOf(':');
  if (used.includes('${')) return { status: 'unverifiable' };
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

function templateHead(name: string): string | undefined {
  const match = /\$\{[^}]*\}|<[^>]*>/.exec(name);
  return match ? name.slice(0, match.index) : undefined;
}

/** The known condition keys nearest to an unknown one, best first. */
export function nearestConditionKeys(catalog: Catalog, used: string, max = 3): string[] {
  const colon = used.indexOf(':');
  const prefix = colon > 0 ? used.slice(0, colon) : used;
  const services = catalog.service(prefix)
    ? [prefix]
    : nearestServices(catalog, prefix).map((s) => s.prefix);
  const candidates = [
    ...catalog.globalConditionKeys(),
    ...[...services, ...catalog.conditionKeyHosts(prefix)].flatMap((s) =>
      catalog.serviceConditionKeys(s),
    ),
  ];
  const limit = Math.max(2, Math.floor(used.length / 4));
  const scored = new Map<string, number>();
  for (const candidate of candidates) {
    const head = templateHead(candidate.name);
    let suggestion = candidate.name;
    let distance: number;
    if (head !== undefined) {
      const cut = userHeadLength(used, head);
      if (cut === undefined) continue;
      distance = editDistance(used.slice(0, cut), head, limit);
      suggestion = head + used.slice(cut);
      if (isTemplatedKey(suggestion) || cut >= used.length) continue;
    } else {
      distance = editDistance(used, candidate.name, limit);
    }
    if (distance > limit || suggestion.toLowerCase() === used.toLowerCase()) continue;
    const before = scored.get(suggestion);
    if (before === undefined || distance < before) scored.set(suggestion, distance);
  }
  const sorted = [...scored].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  const best = sorted[0]?.[1] ?? 0;
  return sorted
    .filter(([, d]) => d <= best + 1)
    .slice(0, max)
    .map(([name]) => name);
}

function userHeadLength(used: string, head: string): number | undefined {
  const separator = head.at(-1);
  if (separator === undefined) return undefined;
  const from = used.indexOf(':') + 1;
  const at = used.indexOf(separator, separator === ':' ? Math.max(from, 1) : from);
  return at < 0 ? undefined : at + 1;
}

export interface ConditionBlock {
  readonly operator: Property;
  readonly keys: readonly Property[];
}

/** The operator blocks of a statement's condition, with every `Fn::If` branch included. */
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

/** A CloudFormation stack policy statement (`Update:*` actions), which has its own grammar. */
export function isStackPolicyStatement(statement: Statement): boolean {
  const actions = [...statement.values('Action'), ...statement.values('NotAction')];
  return (
    actions.length > 0 && actions.every((a) => a.value?.toLowerCase().startsWith('update:') === true)
  );
}
