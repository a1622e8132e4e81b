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
  readonly conditionKeys: readonly {
    readonly name: string;
    readonly type: string;
    readonly description: string;
  }[];
}

/**
 * Supplies the generated data to the engine. The host (CLI, language server, tests) implements
 * it; `loadService` is only ever called with a prefix taken from the index.
 */
export interface CatalogSource {
  readonly index: IamIndexData;
  loadService(prefix: string): ServiceDetailData | undefined;
}
