import type { CatalogSource, ConditionKeyData, JsonValue, ServiceDetailData } from './data';
import { compileGlob, hasWildcard } from './glob';
import { ActionUsage } from './action-usage';
import { ManagedPolicies } from './managed-policies';

export { hasWildcard } from './glob';

export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

export const ACCESS_LEVELS: readonly AccessLevel[] = [
  'List',
  'Read',
  'Write',
  'Permissions management',
  'Tagging',
];

const LEVEL_BY_CODE = new Map<string, AccessLevel>([
  ['L', 'List'],
  ['R', 'Read'],
  ['W', 'Write'],
  ['P', 'Permissions management'],
  ['T', 'Tagging'],
]);

/** One action of the catalog, as the eager index knows it. */
export interface ActionInfo {
  readonly service: ServiceInfo;
  /** Canonical spelling, such as `PassRole`. */
  readonly name: string;
  readonly accessLevel: AccessLevel;
  /** True when the action supports no resource-level permissions (`Resource` must be `*`). */
  readonly wildcardOnly: boolean;
}

export interface ServiceInfo {
  readonly prefix: string;
  readonly name: string;
  readonly actions: readonly ActionInfo[];
  /** Keyed by lower-case action name. */
  readonly byName: ReadonlyMap<string, ActionInfo>;
}

export interface ResourceTypeDetail {
  readonly name: string;
  readonly arn: string;
  readonly conditionKeys: readonly string[];
}

export interface ActionDetail extends ActionInfo {
  readonly description: string;
  readonly resourceTypes: readonly {
    readonly name: string;
    readonly required: boolean;
    /** Undefined when the service data names a resource type it does not define. */
    readonly detail: ResourceTypeDetail | undefined;
  }[];
  readonly conditionKeys: readonly string[];
}

/** A condition key as the catalog defines it; templated names hold `${...}` or `<...>`. */
export type ConditionKeyDetail = ConditionKeyData;

/** Condition keys indexed for lookup: exact names (lower-case) and templated names as patterns. */
interface ConditionKeyIndex {
  readonly list: readonly ConditionKeyDetail[];
  readonly exact: Map<string, ConditionKeyDetail>;
  readonly templates: readonly { readonly pattern: RegExp; readonly detail: ConditionKeyDetail }[];
}

interface LoadedService {
  readonly actions: Map<string, ActionDetail>;
  readonly resourceTypes: Map<string, ResourceTypeDetail>;
  readonly conditionKeys: ConditionKeyIndex;
}

export interface LevelCounts {
  readonly total: number;
  readonly byLevel: ReadonlyMap<AccessLevel, number>;
}

/**
 * Distinct patterns remembered. AWS's ReadOnlyAccess alone names 2,912: a smaller cache would be
 * emptied within every analysis of it and answer nothing.
 */
const MATCH_CACHE_LIMIT = 10_000;
const MATCH_CACHEABLE_LENGTH = 4096;

/**
 * The IAM action catalog: an eager index of every action plus per-service detail loaded on first
 * use. Lookups go through `Map`s only, because action strings come from untrusted documents.
 */
export class Catalog {
  readonly version: string;
  readonly updatedAt: string;
  readonly source: string;
  readonly actionCount: number;
  /** The AWS managed policies, read on first use. */
  readonly managedPolicies: ManagedPolicies;
  /** How many AWS managed policies name each action, read on first use. */
  readonly usage: ActionUsage;
  private readonly services = new Map<string, ServiceInfo>();
  private readonly details = new Map<string, LoadedService | undefined>();
  private readonly matchCache = new Map<string, readonly ActionInfo[]>();
  private readonly folded = new Map<ServiceInfo, readonly string[]>();
  private all: readonly ActionInfo[] | undefined;
  private readonly countCache = new WeakMap<readonly ActionInfo[], LevelCounts>();
  private readonly scopableCache = new WeakMap<readonly ActionInfo[], readonly ActionInfo[]>();
  private readonly globalKeys: ConditionKeyIndex;
  private readonly keyHosts: readonly { readonly pattern: RegExp; readonly services: string[] }[];

  constructor(private readonly dataSource: CatalogSource) {
    const { index } = dataSource;
    this.version = index.version;
    this.updatedAt = index.updatedAt;
    this.source = index.source;
    let count = 0;
    for (const entry of index.services) {
      const actions: ActionInfo[] = [];
      const byName = new Map<string, ActionInfo>();
      const service: ServiceInfo = { prefix: entry.prefix, name: entry.name, actions, byName };
      entry.actions.forEach((name, i) => {
        const action: ActionInfo = {
          service,
          name,
          accessLevel: LEVEL_BY_CODE.get(entry.levels[i] ?? 'W') ?? 'Write',
          wildcardOnly: entry.wildcardOnly[i] === '1',
        };
        actions.push(action);
        byName.set(name.toLowerCase(), action);
      });
      count += actions.length;
      this.services.set(entry.prefix, service);
    }
    this.actionCount = count;
    this.managedPolicies = new ManagedPolicies(dataSource);
    this.usage = new ActionUsage(dataSource, index.version);
    this.globalKeys = indexConditionKeys(index.globalConditionKeys ?? []);
    this.keyHosts = (index.conditionKeyHosts ?? []).map((host) => ({
      pattern: conditionKeyPattern(host.prefix),
      services: [...host.services],
    }));
  }

  /** The catalog's date, `YYYY-MM-DD`. */
  get date(): string {
    return this.updatedAt.slice(0, 10);
  }

  /**
   * The latest document of an AWS managed policy, by ARN (`arn:aws:iam::aws:policy/ReadOnlyAccess`,
   * any partition) or by name, as parsed JSON; undefined when it is not one. Loaded on first use.
   */
  managedPolicy(arnOrName: string): JsonValue | undefined {
    return this.managedPolicies.document(arnOrName);
  }

  service(prefix: string): ServiceInfo | undefined {
    return this.services.get(prefix.toLowerCase());
  }

  allServices(): IterableIterator<ServiceInfo> {
    return this.services.values();
  }

  /** Looks up `service:Action` (case-insensitive); undefined for patterns and unknown names. */
  action(fullName: string): ActionInfo | undefined {
    const colon = fullName.indexOf(':');
    if (colon < 0) return undefined;
    return this.service(fullName.slice(0, colon))?.byName.get(
      fullName.slice(colon + 1).toLowerCase(),
    );
  }

  /**
   * Every action a pattern such as `s3:Get*`, `iam:Pass?ole`, `*` or `*:*` grants, matched
   * case-insensitively as IAM does. Unknown services and malformed patterns match nothing. A
   * literal service prefix reads only that service's actions; the answer is remembered per
   * distinct lower-case pattern (a bounded cache), and matching never backtracks (see `Glob`).
   */
  match(pattern: string): readonly ActionInfo[] {
    const key = pattern.toLowerCase();
    const cached = this.matchCache.get(key);
    if (cached) return cached;
    const result = this.computeMatch(key);
    // Very long patterns are not remembered: a document could otherwise park megabytes here.
    if (key.length > MATCH_CACHEABLE_LENGTH) return result;
    if (this.matchCache.size >= MATCH_CACHE_LIMIT) this.matchCache.clear();
    this.matchCache.set(key, result);
    return result;
  }

  private computeMatch(pattern: string): readonly ActionInfo[] {
    if (pattern === '*') return this.everyAction();
    const colon = pattern.indexOf(':');
    if (colon < 0) return [];
    const servicePart = pattern.slice(0, colon);
    const actionPart = pattern.slice(colon + 1);
    const serviceGlob = hasWildcard(servicePart) ? compileGlob(servicePart) : undefined;
    const services = serviceGlob
      ? [...this.services.values()].filter((s) => serviceGlob.testFolded(s.prefix))
      : [this.services.get(servicePart)].filter((s): s is ServiceInfo => s !== undefined);
    if (!hasWildcard(actionPart)) {
      return services.flatMap((s) => {
        const action = s.byName.get(actionPart);
        return action ? [action] : [];
      });
    }
    if (actionPart === '*') return services.flatMap((s) => s.actions);
    const glob = compileGlob(actionPart);
    return services.flatMap((s) => {
      const names = this.foldedNames(s);
      return s.actions.filter((_, i) => glob.testFolded(names[i] ?? ''));
    });
  }

  /** A service's action names in lower case (they are ASCII), in the order of `actions`. */
  private foldedNames(service: ServiceInfo): readonly string[] {
    let names = this.folded.get(service);
    if (!names) {
      names = service.actions.map((a) => a.name.toLowerCase());
      this.folded.set(service, names);
    }
    return names;
  }

  private everyAction(): readonly ActionInfo[] {
    this.all ??= [...this.services.values()].flatMap((s) => s.actions);
    return this.all;
  }

  /** Counts actions by access level; remembered for the lists `match` returns. */
  countByLevel(actions: readonly ActionInfo[]): LevelCounts {
    const cached = this.countCache.get(actions);
    if (cached) return cached;
    const byLevel = new Map<AccessLevel, number>();
    for (const action of actions) {
      byLevel.set(action.accessLevel, (byLevel.get(action.accessLevel) ?? 0) + 1);
    }
    const counts = { total: actions.length, byLevel };
    this.countCache.set(actions, counts);
    return counts;
  }

  /** The actions of a list that accept resource ARNs; remembered for the lists `match` returns. */
  scopable(actions: readonly ActionInfo[]): readonly ActionInfo[] {
    let result = this.scopableCache.get(actions);
    if (!result) {
      result = actions.filter((a) => !a.wildcardOnly);
      this.scopableCache.set(actions, result);
    }
    return result;
  }

  /** Full detail of one action, loading its service on first use. */
  actionDetail(action: ActionInfo): ActionDetail | undefined {
    return this.loaded(action.service.prefix)?.actions.get(action.name.toLowerCase());
  }

  resourceType(prefix: string, name: string): ResourceTypeDetail | undefined {
    return this.loaded(prefix)?.resourceTypes.get(name.toLowerCase());
  }

  /** A service-specific condition key, as written in the catalog (`s3:prefix`, `aws:ResourceTag/${TagKey}`). */
  conditionKey(prefix: string, name: string): ConditionKeyDetail | undefined {
    return this.loaded(prefix)?.conditionKeys.exact.get(name.toLowerCase());
  }

  /**
   * The key of a service that a key used in a policy stands for: the exact name, else a templated
   * one whose placeholder takes the rest (`s3:ExistingObjectTag/env` is `s3:ExistingObjectTag/<key>`).
   */
  findServiceConditionKey(prefix: string, used: string): ConditionKeyDetail | undefined {
    const keys = this.loaded(prefix)?.conditionKeys;
    return keys ? findKey(keys, used) : undefined;
  }

  /** Every condition key a service defines (empty for unknown services). */
  serviceConditionKeys(prefix: string): readonly ConditionKeyDetail[] {
    return this.loaded(prefix)?.conditionKeys.list ?? [];
  }

  /** A global condition key (`aws:SourceIp`, `aws:PrincipalTag/team`), matched like service keys. */
  globalConditionKey(used: string): ConditionKeyDetail | undefined {
    return findKey(this.globalKeys, used);
  }

  globalConditionKeys(): readonly ConditionKeyDetail[] {
    return this.globalKeys.list;
  }

  /** Services other than `keyPrefix` itself that define keys with that prefix (`saml` → `sts`). */
  conditionKeyHosts(keyPrefix: string): readonly string[] {
    const lower = keyPrefix.toLowerCase();
    return this.keyHosts.filter((host) => host.pattern.test(lower)).flatMap((h) => h.services);
  }

  private loaded(prefix: string): LoadedService | undefined {
    const service = this.service(prefix);
    if (!service) return undefined;
    if (this.details.has(service.prefix)) return this.details.get(service.prefix);
    let data: ServiceDetailData | undefined;
    try {
      data = this.dataSource.loadService(service.prefix);
    } catch {
      data = undefined;
    }
    const loaded = data ? this.build(service, data) : undefined;
    this.details.set(service.prefix, loaded);
    return loaded;
  }

  private build(service: ServiceInfo, data: ServiceDetailData): LoadedService {
    const resourceTypes = new Map<string, ResourceTypeDetail>();
    for (const r of data.resourceTypes) resourceTypes.set(r.name.toLowerCase(), r);
    const conditionKeys = indexConditionKeys(data.conditionKeys);
    const actions = new Map<string, ActionDetail>();
    for (const a of data.actions) {
      const info = service.byName.get(a.name.toLowerCase());
      if (!info) continue;
      actions.set(a.name.toLowerCase(), {
        ...info,
        description: a.description,
        resourceTypes: a.resourceTypes.map((r) => ({
          name: r.name,
          required: r.required,
          detail: resourceTypes.get(r.name.toLowerCase()),
        })),
        conditionKeys: a.conditionKeys,
      });
    }
    return { actions, resourceTypes, conditionKeys };
  }
}

const PLACEHOLDER = /\$\{[^}]*\}|<[^>]*>/g;

/** Whether a catalog key name is templated (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`). */
export function isTemplatedKey(name: string): boolean {
  return /\$\{[^}]*\}|<[^>]*>/.test(name);
}

/** A catalog key name as a case-insensitive pattern whose placeholders match any non-empty text. */
export function conditionKeyPattern(name: string): RegExp {
  const source = name
    .split(PLACEHOLDER)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${source}$`, 'i');
}

function indexConditionKeys(list: readonly ConditionKeyDetail[]): ConditionKeyIndex {
  const exact = new Map<string, ConditionKeyDetail>();
  const templates: { pattern: RegExp; detail: ConditionKeyDetail }[] = [];
  for (const detail of list) {
    exact.set(detail.name.toLowerCase(), detail);
    if (isTemplatedKey(detail.name)) {
      templates.push({ pattern: conditionKeyPattern(detail.name), detail });
    }
  }
  return { list, exact, templates };
}

function findKey(keys: ConditionKeyIndex, used: string): ConditionKeyDetail | undefined {
  return (
    keys.exact.get(used.toLowerCase()) ?? keys.templates.find((t) => t.pattern.test(used))?.detail
  );
}
