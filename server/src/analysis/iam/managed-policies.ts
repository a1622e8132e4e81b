import type {
  CatalogSource,
  FullAccessGrant,
  JsonValue,
  ManagedPolicyEntryData,
  ManagedPolicyIndexData,
} from './data';

/** An AWS managed policy as the generated index knows it. */
export interface ManagedPolicy {
  readonly name: string;
  /** `/`, or a path such as `/service-role/`. */
  readonly path: string;
  /** Its ARN in the `aws` partition. */
  readonly arn: string;
  /** The version id of its default version, `v3`. */
  readonly version: string;
  /** When that version was published, `YYYY-MM-DD`. */
  readonly updated: string;
  /** Set when it grants full or near-full access (see `iam/full-access.ts`). */
  readonly fullAccess: FullAccessGrant | undefined;
}

/** The parts of an AWS managed policy ARN, `arn:aws:iam::aws:policy/service-role/Name`. */
export interface ManagedPolicyArn {
  readonly partition: string;
  readonly path: string;
  readonly name: string;
}

const MANAGED_POLICY_ARN =
  /^arn:(aws(?:-[a-z]+)*):iam::aws:policy(\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/;

/**
 * Reads an AWS managed policy ARN in any partition (`aws`, `aws-cn`, `aws-us-gov`, ...), with or
 * without a path; undefined for anything else, customer managed policies included.
 */
export function parseManagedPolicyArn(text: string): ManagedPolicyArn | undefined {
  const match = MANAGED_POLICY_ARN.exec(text);
  if (!match) return undefined;
  return { partition: match[1] ?? 'aws', path: match[2] ?? '/', name: match[3] ?? '' };
}

interface LoadedIndex {
  readonly data: ManagedPolicyIndexData;
  readonly byName: ReadonlyMap<string, ManagedPolicy>;
  readonly list: readonly ManagedPolicy[];
}

/**
 * The AWS managed policies of the bundled data: the index is read the first time a policy is
 * looked up, each document the first time it is asked for, each once. Names come from documents,
 * so lookups go through `Map`s only, and the source is only ever asked for names of its own index.
 */
export class ManagedPolicies {
  /** `null` once the source was asked and had no index. */
  private index: LoadedIndex | null | undefined;
  private readonly documents = new Map<string, JsonValue | undefined>();

  constructor(private readonly dataSource: CatalogSource) {}

  /** The data's source, version and date (`YYYY-MM-DD`); undefined when the host has none. */
  get dataVersion():
    { readonly source: string; readonly version: string; readonly date: string } | undefined {
    const data = this.loaded()?.data;
    return (
      data && { source: data.source, version: data.version, date: data.updatedAt.slice(0, 10) }
    );
  }

  /** Every AWS managed policy, sorted by name. */
  all(): readonly ManagedPolicy[] {
    return this.loaded()?.list ?? [];
  }

  /**
   * An AWS managed policy by ARN (its path must be the policy's own) or by name, as SAM
   * `Policies` name them. Names are case-sensitive, as in ARNs.
   */
  find(arnOrName: string): ManagedPolicy | undefined {
    if (!arnOrName.startsWith('arn:')) return this.named(arnOrName);
    const arn = parseManagedPolicyArn(arnOrName);
    return arn && this.named(arn.name, arn.path);
  }

  /** An AWS managed policy by name, and by path too when one is given (`/service-role/`). */
  named(name: string, path?: string): ManagedPolicy | undefined {
    const policy = this.loaded()?.byName.get(name);
    return path === undefined || policy?.path === path ? policy : undefined;
  }

  /**
   * The latest document of an AWS managed policy (by ARN or name), as parsed JSON; undefined for
   * an unknown policy or when the data cannot be read. Loaded on first use, once.
   */
  document(arnOrName: string): JsonValue | undefined {
    const policy = this.find(arnOrName);
    return policy && this.documentOf(policy);
  }

  /** The latest document of a policy of this index; see {@link document}. */
  documentOf(policy: ManagedPolicy): JsonValue | undefined {
    if (this.loaded()?.byName.get(policy.name) !== policy) return undefined;
    if (this.documents.has(policy.name)) return this.documents.get(policy.name);
    let document: JsonValue | undefined;
    try {
      document = this.dataSource.loadManagedPolicy?.(policy.name);
    } catch {
      document = undefined;
    }
    this.documents.set(policy.name, document);
    return document;
  }

  private loaded(): LoadedIndex | undefined {
    if (this.index === undefined) this.index = this.read() ?? null;
    return this.index ?? undefined;
  }

  private read(): LoadedIndex | undefined {
    let data: ManagedPolicyIndexData | undefined;
    try {
      data = this.dataSource.loadManagedPolicyIndex?.();
    } catch {
      data = undefined;
    }
    if (!data) return undefined;
    const list = data.policies.map(toPolicy);
    return { data, list, byName: new Map(list.map((p) => [p.name, p])) };
  }
}

function toPolicy(entry: ManagedPolicyEntryData): ManagedPolicy {
  return {
    name: entry.name,
    path: entry.path,
    arn: `arn:aws:iam::aws:policy${entry.path}${entry.name}`,
    version: entry.version,
    updated: entry.updated,
    fullAccess: entry.fullAccess,
  };
}
