/** The shapes of the generated IAM data files (see scripts/gen-iam-data.mjs). */

export interface IamIndexData {
  readonly source: string;
  readonly version: string;
  readonly updatedAt: string;
  readonly services: readonly {
    readonly prefix: string;
    readonly name: string;
    readonly actions: readonly string[];
    /** One letter per action: L(ist), R(ead), W(rite), P(ermissions management), T(agging). */
    readonly levels: string;
    /** One digit per action: 1 when the action accepts only `*` as its resource. */
    readonly wildcardOnly: string;
  }[];
  /**
   * Condition keys available in every request (`aws:SourceIp`, `aws:ResourceTag/${TagKey}`, ...).
   * Optional so that data generated before they were added still loads.
   */
  readonly globalConditionKeys?: readonly ConditionKeyData[];
  /**
   * Condition-key prefixes defined by services other than the one of that name, lower-case
   * (`saml` keys live in `sts`, some `ec2` keys in `ssm`); prefixes may hold `${...}` placeholders.
   */
  readonly conditionKeyHosts?: readonly {
    readonly prefix: string;
    readonly services: readonly string[];
  }[];
}

/** One condition key: its name as AWS writes it (templated keys hold a `${...}` or `<...>` placeholder). */
export interface ConditionKeyData {
  readonly name: string;
  /** String, ARN, Bool, Date, IPAddress, Numeric, Binary, or ArrayOf one of them. */
  readonly type: string;
  readonly description: string;
}

export interface ServiceDetailData {
  readonly actions: readonly {
    readonly name: string;
    readonly description: string;
    readonly accessLevel: string;
    readonly resourceTypes: readonly {
      readonly name: string;
      readonly required: boolean;
      readonly conditionKeys: readonly string[];
    }[];
    readonly conditionKeys: readonly string[];
  }[];
  readonly resourceTypes: readonly {
    readonly name: string;
    readonly arn: string;
    readonly conditionKeys: readonly string[];
  }[];
  readonly conditionKeys: readonly ConditionKeyData[];
}

/** A JSON value, as `JSON.parse` returns it: what an AWS managed policy document is. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Why an AWS managed policy counts as full or near-full access, derived from its document at build
 * time (see `iam/full-access.ts`): it grants every action, every action but those its `NotAction`
 * lists (`except`), every IAM action, or every IAM Permissions management action, on `*`.
 */
export type FullAccessGrant =
  | { readonly kind: 'all-actions' }
  | { readonly kind: 'all-actions-except'; readonly except: readonly string[] }
  | { readonly kind: 'iam' }
  | { readonly kind: 'iam-permissions-management' };

/** One AWS managed policy in the generated index (see scripts/gen-managed-policies.ts). */
export interface ManagedPolicyEntryData {
  /** The policy's name, the last part of its ARN (`AWSCodePipeline_FullAccess`). */
  readonly name: string;
  /** Its IAM path, `/` or such as `/service-role/`. */
  readonly path: string;
  /** The version id of its default (latest) version, `v3`. */
  readonly version: string;
  /** When that version was published, `YYYY-MM-DD`. */
  readonly updated: string;
  /** Which generated document file holds its latest document. */
  readonly file: number;
  /** Set when the policy grants full or near-full access. */
  readonly fullAccess?: FullAccessGrant;
}

/** The index of the AWS managed policies: small, but loaded only when a managed policy is met. */
export interface ManagedPolicyIndexData {
  readonly source: string;
  readonly version: string;
  /** The most recent policy change the data records (ISO date and time). */
  readonly updatedAt: string;
  /** Sorted by name. */
  readonly policies: readonly ManagedPolicyEntryData[];
}

/**
 * How many AWS managed policies name each action (see `iam/action-usage.ts`), generated with the
 * managed policy data against one IAM catalog version.
 */
export interface ActionUsageData {
  /** The managed policy package and version the counts come from. */
  readonly source: string;
  readonly version: string;
  /** The IAM catalog version whose action order the rows follow. */
  readonly catalogVersion: string;
  /** How many policies were counted. */
  readonly policies: number;
  /**
   * Per service prefix with any count: one count per action of the catalog's list for that
   * service, in its order, comma-separated, empty for zero.
   */
  readonly services: { readonly [prefix: string]: string };
}

/**
 * Supplies the generated data to the engine. The host (CLI, language server, tests) implements
 * it; `loadService` is only ever called with a prefix taken from the index.
 */
export interface CatalogSource {
  readonly index: IamIndexData;
  loadService(prefix: string): ServiceDetailData | undefined;
  /**
   * The AWS managed policy index, read the first time a managed policy is looked up; a host
   * without the data leaves it out, and no managed policy is then known.
   */
  loadManagedPolicyIndex?(): ManagedPolicyIndexData | undefined;
  /**
   * The latest document of an AWS managed policy. Only ever called with a name taken from the
   * managed policy index, and at most once per name.
   */
  loadManagedPolicy?(name: string): JsonValue | undefined;
  /** How often AWS managed policies name each action, read on first completion of actions. */
  loadActionUsage?(): ActionUsageData | undefined;
}
