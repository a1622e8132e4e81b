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

/**
 * Supplies the generated data to the engine. The host (CLI, language server, tests) implements
 * it; `loadService` is only ever called with a prefix taken from the index.
 */
export interface CatalogSource {
  readonly index: IamIndexData;
  loadService(prefix: string): ServiceDetailData | undefined;
}
