/**
 * Whether an ARN pattern (with IAM wildcards, policy variables or CloudFormation substitutions)
 * can match an ARN of a resource type, decided by intersecting two tiny automata: the pattern and
 * the resource type's ARN format from the catalog. Both are sequences of tokens that consume one
 * character of a class, or any number of them.
 */
import type { Catalog, ResourceTypeDetail } from './catalog';

/** A set of characters: one literal character (lower case), or a class. */
export type CharSet = string | 'any' | 'no-slash' | 'no-colon';

export interface Token {
  readonly set: CharSet;
  /** True: zero or more characters of the set; false: exactly one. */
  readonly loop: boolean;
}

export const ANY_RUN: Token = { set: 'any', loop: true };
export const FIELD_RUN: Token = { set: 'no-colon', loop: true };

/** Beyond this many tokens a pattern is not analysed (it is treated as matching). */
const MAX_TOKENS = 1024;

function isClass(set: CharSet): set is 'any' | 'no-slash' | 'no-colon' {
  return set === 'any' || set === 'no-slash' || set === 'no-colon';
}

function intersects(a: CharSet, b: CharSet): boolean {
  if (!isClass(a) && !isClass(b)) return a === b;
  if (isClass(a) && isClass(b)) return true;
  const char = isClass(a) ? b : a;
  const set = isClass(a) ? a : b;
  return set === 'any' || (set === 'no-slash' ? char !== '/' : char !== ':');
}

/** Literal text as tokens, matched case-insensitively (lenient: a possible match is a match). */
export function literalTokens(text: string, wildcards: boolean): Token[] {
  const tokens: Token[] = [];
  for (const char of text.toLowerCase()) {
    if (wildcards && char === '*') tokens.push(ANY_RUN);
    else if (wildcards && char === '?') tokens.push({ set: 'any', loop: false });
    else tokens.push({ set: char, loop: false });
  }
  return tokens;
}

/**
 * Whether some string is matched by both token sequences: a search of the product automaton that
 * visits each pair of positions (i in the pattern, j in the format) at most once, so it takes
 * O(n · m) steps and bytes for sequences of n and m tokens, whatever their wildcards: nothing is
 * ever backtracked into twice. Beyond {@link MAX_TOKENS} tokens the answer is "may match".
 */
export function tokensIntersect(pattern: readonly Token[], format: readonly Token[]): boolean {
  const n = pattern.length;
  const m = format.length;
  if (n > MAX_TOKENS || m > MAX_TOKENS) return true;
  const seen = new Uint8Array((n + 1) * (m + 1));
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number) => {
    const key = i * (m + 1) + j;
    if (seen[key] === 1) return;
    seen[key] = 1;
    stack.push(key);
  };
  while (stack.length > 0) {
    const key = stack.pop() ?? 0;
    const i = Math.floor(key / (m + 1));
    const j = key % (m + 1);
    if (i === n && j === m) return true;
    const p = pattern[i];
    const f = format[j];
    if (p?.loop) push(i + 1, j);
    if (f?.loop) push(i, j + 1);
    if (p && f && intersects(p.set, f.set)) {
      const ni = p.loop ? i : i + 1;
      const nj = f.loop ? j : j + 1;
      if (ni !== i || nj !== j) push(ni, nj);
    }
  }
  return false;
}

/**
 * Format variables whose values cannot contain `/`. Kept short on purpose: most names can
 * (role paths, log groups, object keys, repository names), and treating one of those as
 * slash-free would report valid ARNs. These make `arn:aws:s3:::bucket/*` an object, not a bucket.
 */
const NO_SLASH = new Set(['s3/BucketName', 'dynamodb/TableName', 'sqs/QueueName', 'sns/TopicName']);
/** Fields that never hold a colon. */
const NO_COLON = new Set(['Partition', 'Region', 'Account']);

const formatCache = new Map<string, readonly Token[]>();

/**
 * A catalog ARN format (`arn:${Partition}:s3:::${BucketName}`) as tokens; variables are non-empty
 * except Region and account.
 */
export function formatTokens(format: string): readonly Token[] {
  const cached = formatCache.get(format);
  if (cached) return cached;
  const tokens: Token[] = [];
  const namespace = formatNamespace(format);
  const variable = /\$\{([^}]*)\}/g;
  let last = 0;
  for (const match of format.matchAll(variable)) {
    tokens.push(...literalTokens(format.slice(last, match.index), true));
    const name = match[1] ?? '';
    const set: CharSet = NO_SLASH.has(`${namespace}/${name}`)
      ? 'no-slash'
      : NO_COLON.has(name)
        ? 'no-colon'
        : 'any';
    // Region and account are empty in the ARNs of AWS-owned resources (public SSM documents).
    if (name === 'Region' || name === 'Account') tokens.push({ set, loop: true });
    else tokens.push({ set, loop: false }, { set, loop: true });
    last = match.index + match[0].length;
  }
  tokens.push(...literalTokens(format.slice(last), true));
  formatCache.set(format, tokens);
  return tokens;
}

/** Whether an ARN pattern's tokens can match an ARN of the given format. */
export function canMatchFormat(pattern: readonly Token[], format: string): boolean {
  return tokensIntersect(pattern, formatTokens(format));
}

/** A resource type with the IAM service prefix that defines it. */
export interface ServiceResourceType extends ResourceTypeDetail {
  readonly prefix: string;
}

/** The service namespace of an ARN format (`s3` in `arn:${Partition}:s3:::...`). */
export function formatNamespace(format: string): string | undefined {
  const namespace = format.split(':')[2];
  return namespace && !namespace.includes('$') ? namespace.toLowerCase() : undefined;
}

interface NamespaceIndex {
  /** Resource types by the service prefix that defines them (through its actions). */
  readonly byPrefix: Map<string, readonly ServiceResourceType[]>;
  /** Every resource type by ARN namespace; built on first need, it loads every service. */
  all?: ReadonlyMap<string, readonly ServiceResourceType[]>;
}

const indexes = new WeakMap<Catalog, NamespaceIndex>();

function indexOf(catalog: Catalog): NamespaceIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = { byPrefix: new Map() };
    indexes.set(catalog, index);
  }
  return index;
}

/** The resource types a service's actions name (the catalog exposes them through its actions). */
export function serviceResourceTypes(
  catalog: Catalog,
  prefix: string,
): readonly ServiceResourceType[] {
  const index = indexOf(catalog);
  const key = prefix.toLowerCase();
  const cached = index.byPrefix.get(key);
  if (cached) return cached;
  const service = catalog.service(key);
  const byName = new Map<string, ServiceResourceType>();
  for (const action of service?.actions ?? []) {
    for (const type of catalog.actionDetail(action)?.resourceTypes ?? []) {
      if (type.detail && !byName.has(type.detail.name)) {
        byName.set(type.detail.name, { ...type.detail, prefix: key });
      }
    }
  }
  const types = [...byName.values()];
  index.byPrefix.set(key, types);
  return types;
}

function allByNamespace(catalog: Catalog): ReadonlyMap<string, readonly ServiceResourceType[]> {
  const index = indexOf(catalog);
  if (index.all) return index.all;
  const all = new Map<string, ServiceResourceType[]>();
  const seen = new Set<string>();
  for (const service of catalog.allServices()) {
    for (const type of serviceResourceTypes(catalog, service.prefix)) {
      const namespace = formatNamespace(type.arn);
      if (!namespace || seen.has(type.arn)) continue;
      seen.add(type.arn);
      let list = all.get(namespace);
      if (!list) all.set(namespace, (list = []));
      list.push(type);
    }
  }
  index.all = all;
  return all;
}

/**
 * The resource types whose ARNs use a namespace. The service of the same prefix answers first;
 * every other service is consulted (a one-time load of the whole catalog) only when `complete` is
 * asked for or the namespace is no service prefix: some formats live elsewhere (`catalog` ARNs
 * belong to `servicecatalog`, `route53-recovery-control` to two services).
 */
export function namespaceResourceTypes(
  catalog: Catalog,
  namespace: string,
  complete: boolean,
): readonly ServiceResourceType[] {
  const key = namespace.toLowerCase();
  const own = catalog.service(key)
    ? serviceResourceTypes(catalog, key).filter((t) => formatNamespace(t.arn) === key)
    : [];
  if (own.length > 0 && !complete) return own;
  const extra = EXTRA_TYPES.filter((t) => formatNamespace(t.arn) === key);
  return [...(allByNamespace(catalog).get(key) ?? own), ...extra];
}

/**
 * ARNs that policies use although no action of the catalog names their resource type: the
 * transforms that `cloudformation:CreateChangeSet` is scoped to for SAM templates.
 */
const EXTRA_TYPES: readonly ServiceResourceType[] = [
  {
    prefix: 'cloudformation',
    name: 'transform',
    arn: 'arn:${Partition}:cloudformation:${Region}:aws:transform/${TransformName}',
    conditionKeys: [],
  },
];

/** Whether the catalog knows a namespace: a service prefix, or the namespace of some ARN format. */
export function knownNamespace(catalog: Catalog, namespace: string): boolean {
  const key = namespace.toLowerCase();
  return (
    catalog.service(key) !== undefined ||
    EXTRA_NAMESPACES.has(key) ||
    allByNamespace(catalog).has(key)
  );
}

/**
 * ARN namespaces that real policies use but the catalog names in no format: services whose ARNs
 * IAM accepts in `Resource` although no action is authorised on them by that name.
 */
const EXTRA_NAMESPACES = new Set<string>([]);
