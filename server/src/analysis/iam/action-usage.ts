/**
 * How often each action is named in real policies: the number of AWS managed policies whose
 * latest version names it in an `Action` (see scripts/gen-managed-policies.ts). Completion ranks
 * actions by it. Only exact names count: a wildcard such as `s3:Get*` votes equally for every
 * action it matches, so within one completion list (itself a prefix family) it could not tell
 * them apart, and it would lift actions nobody names above the family's common ones.
 */
import type { ActionUsageData, CatalogSource, JsonValue } from './data';
import { hasWildcard } from './glob';

/**
 * What usage needs of a catalog service: its prefix and its actions in catalog order. Structural,
 * so that this module does not import the catalog, which holds an `ActionUsage`.
 */
export interface UsageService<A> {
  readonly prefix: string;
  readonly actions: readonly A[];
}

/**
 * Counts, per action, the documents that name it in an `Action` of any statement (once per
 * document, however often it is named there). `resolve` maps a name to its catalog action
 * (case-insensitively); patterns, unknown names and non-strings are skipped.
 */
export function countActionNames<A>(
  documents: Iterable<JsonValue>,
  resolve: (name: string) => A | undefined,
): Map<A, number> {
  const counts = new Map<A, number>();
  for (const document of documents) {
    const named = new Set<A>();
    for (const statement of statementsOf(document)) {
      const action = statement['Action'];
      const names = Array.isArray(action) ? action : [action];
      for (const name of names) {
        if (typeof name !== 'string' || hasWildcard(name)) continue;
        const found = resolve(name);
        if (found) named.add(found);
      }
    }
    for (const action of named) counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  return counts;
}

function statementsOf(document: JsonValue): readonly { readonly [key: string]: JsonValue }[] {
  if (!isObject(document)) return [];
  const statement = document['Statement'];
  const list = Array.isArray(statement) ? statement : [statement];
  return list.filter(isObject);
}

function isObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Encodes counts for the data file: per service with any count, one entry per action in the
 * service's catalog order, comma-separated, empty for zero (`",177,,3"`). Some 11,000 of the
 * 22,000 actions are named at least once; this keeps the file near 50 KB.
 */
export function encodeActionUsage<A>(
  counts: ReadonlyMap<A, number>,
  services: Iterable<UsageService<A>>,
): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const service of services) {
    const row = service.actions.map((a) => counts.get(a) ?? 0);
    if (row.some((n) => n > 0)) encoded[service.prefix] = row.map((n) => n || '').join(',');
  }
  return encoded;
}

/**
 * The usage counts of the bundled data, read on first use. A host without the data, or data
 * generated from another catalog version, gives every action 0: completion is then alphabetical.
 */
export class ActionUsage {
  private rows: Map<string, string> | undefined;
  private readonly byService = new Map<UsageService<unknown>, ReadonlyMap<unknown, number>>();

  constructor(
    private readonly dataSource: CatalogSource,
    private readonly catalogVersion: string,
  ) {}

  /** The number of AWS managed policies that name the action. */
  of<A extends { readonly service: UsageService<A> }>(action: A): number {
    return this.service(action.service).get(action) ?? 0;
  }

  private service<A>(service: UsageService<A>): ReadonlyMap<unknown, number> {
    let counts = this.byService.get(service);
    if (!counts) {
      const row = this.loaded().get(service.prefix)?.split(',') ?? [];
      counts = new Map(
        // A row of another length belongs to another catalog: ignored rather than misread.
        row.length === service.actions.length
          ? service.actions.map((a, i) => [a, /^\d+$/.test(row[i] ?? '') ? Number(row[i]) : 0])
          : [],
      );
      this.byService.set(service, counts);
    }
    return counts;
  }

  private loaded(): Map<string, string> {
    if (this.rows) return this.rows;
    let data: ActionUsageData | undefined;
    try {
      data = this.dataSource.loadActionUsage?.();
    } catch {
      data = undefined;
    }
    this.rows = new Map(
      data?.catalogVersion === this.catalogVersion ? Object.entries(data.services) : [],
    );
    return this.rows;
  }
}
