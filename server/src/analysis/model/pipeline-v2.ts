import type { Node, ObjectNode } from '../document';
import { eachEntry, field, scalarValue, type PipelineSpelling } from './pipeline-fields';
import { intrinsicName, stringItems, type LocatedValue } from './values';

/**
 * The parts of a pipeline declaration that V2 pipelines added: pipeline-level `variables` and
 * `triggers` (API `PipelineDeclaration`; `Variables`/`Triggers` in `AWS::CodePipeline::Pipeline`).
 * Like the rest of the model, every element keeps its node and unknown values are `undefined`.
 */

/** A pipeline-level variable (`{name, defaultValue, description}`). */
export interface PipelineVariable {
  readonly node: ObjectNode;
  /** One branch of an `Fn::If`: it may be absent, or replaced by another. */
  readonly conditional: boolean;
  readonly name: LocatedValue | undefined;
  readonly defaultValue: LocatedValue | undefined;
  readonly description: LocatedValue | undefined;
}

/** The `variables` list; absent means an empty, complete list. */
export interface VariableList {
  readonly node: Node | undefined;
  readonly items: readonly PipelineVariable[];
  /** False when the list, or some entry, is not a literal object. */
  readonly complete: boolean;
}

/** A trigger (`{providerType, gitConfiguration}`); only `CodeStarSourceConnection` exists. */
export interface Trigger {
  readonly node: ObjectNode;
  readonly conditional: boolean;
  readonly providerType: LocatedValue | undefined;
  readonly gitConfiguration: GitConfiguration | undefined;
}

export interface TriggerList {
  readonly node: Node | undefined;
  readonly items: readonly Trigger[];
  readonly complete: boolean;
}

/** Which source action the trigger starts from, and on which pushes and pull requests. */
export interface GitConfiguration {
  readonly node: Node;
  /** Unknown (`value: undefined`) when the whole configuration is an intrinsic. */
  readonly sourceActionName: LocatedValue | undefined;
  readonly push: FilterList;
  readonly pullRequest: FilterList;
}

export interface FilterList {
  readonly node: Node | undefined;
  readonly items: readonly GitFilter[];
  readonly complete: boolean;
}

/** A push or pull-request filter; `tags` exists on push filters, `events` on pull requests. */
export interface GitFilter {
  readonly node: ObjectNode;
  readonly branches: FilterCriteria | undefined;
  readonly filePaths: FilterCriteria | undefined;
  readonly tags: FilterCriteria | undefined;
  readonly events: readonly LocatedValue[];
}

/** `{includes, excludes}` glob lists. */
export interface FilterCriteria {
  readonly node: Node;
  readonly includes: readonly LocatedValue[];
  readonly excludes: readonly LocatedValue[];
}

/** The pipeline's `variables`. */
export function readVariables(pipeline: ObjectNode, spelling: PipelineSpelling): VariableList {
  const node = field(pipeline, 'variables', spelling);
  const items: PipelineVariable[] = [];
  const complete =
    node === undefined ||
    eachEntry(node, (entry, _index, conditional) =>
      items.push({
        node: entry,
        conditional,
        name: scalarValue(field(entry, 'name', spelling)),
        defaultValue: scalarValue(field(entry, 'defaultValue', spelling)),
        description: scalarValue(field(entry, 'description', spelling)),
      }),
    );
  return { node, items, complete };
}

/** The pipeline's `triggers`. */
export function readTriggers(pipeline: ObjectNode, spelling: PipelineSpelling): TriggerList {
  const node = field(pipeline, 'triggers', spelling);
  const items: Trigger[] = [];
  const complete =
    node === undefined ||
    eachEntry(node, (entry, _index, conditional) => {
      const git = field(entry, 'gitConfiguration', spelling);
      items.push({
        node: entry,
        conditional,
        providerType: scalarValue(field(entry, 'providerType', spelling)),
        gitConfiguration: git === undefined ? undefined : readGit(git, spelling),
      });
    });
  return { node, items, complete };
}

function readGit(node: Node, spelling: PipelineSpelling): GitConfiguration {
  if (node.kind !== 'object' || intrinsicName(node) !== undefined) {
    const unknown: FilterList = { node: undefined, items: [], complete: false };
    return {
      node,
      sourceActionName: { node, value: undefined },
      push: unknown,
      pullRequest: unknown,
    };
  }
  return {
    node,
    sourceActionName: scalarValue(field(node, 'sourceActionName', spelling)),
    push: readFilters(field(node, 'push', spelling), spelling),
    pullRequest: readFilters(field(node, 'pullRequest', spelling), spelling),
  };
}

function readFilters(node: Node | undefined, spelling: PipelineSpelling): FilterList {
  const items: GitFilter[] = [];
  const complete =
    node === undefined ||
    eachEntry(node, (entry) =>
      items.push({
        node: entry,
        branches: readCriteria(field(entry, 'branches', spelling), spelling),
        filePaths: readCriteria(field(entry, 'filePaths', spelling), spelling),
        tags: readCriteria(field(entry, 'tags', spelling), spelling),
        events: stringItems(field(entry, 'events', spelling)),
      }),
    );
  return { node, items, complete };
}

function readCriteria(
  node: Node | undefined,
  spelling: PipelineSpelling,
): FilterCriteria | undefined {
  if (node === undefined) return undefined;
  return {
    node,
    includes: stringItems(field(node, 'includes', spelling)),
    excludes: stringItems(field(node, 'excludes', spelling)),
  };
}
