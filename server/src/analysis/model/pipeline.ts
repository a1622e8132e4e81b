import { getProperty, getValue, type Node, type ObjectNode } from '../document';
import { findActionType, type ActionType } from '../pipeline/action-types';
import { eachEntry, field, numberOf, scalarValue } from './pipeline-fields';
import { readTriggers, readVariables, type TriggerList, type VariableList } from './pipeline-v2';
import type { Template, TemplateResource } from './template';
import { alternatives, intrinsicName, type LocatedValue } from './values';

export { scalarValue } from './pipeline-fields';
export type * from './pipeline-v2';

/**
 * One model of a CodePipeline declaration, whichever way it is written: the camelCase JSON of
 * `aws codepipeline get-pipeline` / `create-pipeline` (wrapped in `{"pipeline": ...}` or bare), or
 * the PascalCase `Properties` of an `AWS::CodePipeline::Pipeline` resource. Every element keeps
 * its tree node so rules can report on it; values the engine cannot know (intrinsics, parameters)
 * have `value: undefined`.
 */
export interface Pipeline {
  /** The pipeline declaration object (the `pipeline` value, or the resource's `Properties`). */
  readonly node: ObjectNode;
  /** `json` for the API's camelCase spelling, `cfn` for the template's PascalCase one. */
  readonly spelling: 'json' | 'cfn';
  /** The template resource, for pipelines declared in a template. */
  readonly resource: TemplateResource | undefined;
  /** The `metadata` object next to a `get-pipeline` pipeline. */
  readonly metadata: Node | undefined;
  readonly name: LocatedValue | undefined;
  /** `V1` or `V2`; undefined in the source means V1. */
  readonly pipelineType: LocatedValue | undefined;
  readonly roleArn: Node | undefined;
  /** `artifactStore`, or each entry of the per-region `artifactStores`. */
  readonly artifactStores: readonly ArtifactStore[];
  readonly stages: readonly Stage[];
  /**
   * False when some stage could not be read as a literal object (a `Ref`, `Fn::Split`, ...), so
   * rules that need the whole pipeline (which action produces an artifact) stay quiet.
   */
  readonly complete: boolean;
  /** The node holding the stage list (for findings about the whole list), if present. */
  readonly stagesNode: Node | undefined;
  /** Pipeline-level variables (V2). */
  readonly variables: VariableList;
  /** Triggers on Git pushes and pull requests (V2). */
  readonly triggers: TriggerList;
}

export interface ArtifactStore {
  readonly node: ObjectNode;
  /** The region of an `artifactStores` entry; undefined for `artifactStore`. */
  readonly region: LocatedValue | undefined;
  readonly type: LocatedValue | undefined;
  readonly location: LocatedValue | undefined;
  readonly encryptionKey: EncryptionKey | undefined;
}

export interface EncryptionKey {
  readonly node: Node;
  /** The `id`/`Id` value: a key ARN, alias, key id or an intrinsic. */
  readonly id: Node | undefined;
  readonly type: LocatedValue | undefined;
}

export interface Stage {
  readonly node: ObjectNode;
  /** Position in the stage list, from 0; the branches of one `Fn::If` share it. */
  readonly index: number;
  /** The stage is one branch of an `Fn::If`: it may be absent, or replaced by another. */
  readonly conditional: boolean;
  readonly name: LocatedValue | undefined;
  readonly actions: readonly Action[];
  /** False when some action could not be read as a literal object. */
  readonly complete: boolean;
  readonly actionsNode: Node | undefined;
}

export interface Action {
  readonly node: ObjectNode;
  readonly stage: Stage;
  /** The action is one branch of an `Fn::If`: it may be absent, or replaced by another. */
  readonly conditional: boolean;
  readonly name: LocatedValue | undefined;
  readonly actionTypeId: Node | undefined;
  readonly category: LocatedValue | undefined;
  readonly owner: LocatedValue | undefined;
  readonly provider: LocatedValue | undefined;
  readonly version: LocatedValue | undefined;
  /**
   * The row of our action-type table for its owner, category and provider, when all three are
   * literal and the table knows them; read once here so that rules, fixes and hover agree.
   */
  readonly type: ActionType | undefined;
  /** `runOrder`, with its numeric value when literal; absent means 1. */
  readonly runOrder: { readonly node: Node; readonly value: number | undefined } | undefined;
  readonly configuration: Node | undefined;
  readonly inputArtifacts: ArtifactList;
  readonly outputArtifacts: ArtifactList;
  readonly namespace: LocatedValue | undefined;
  readonly roleArn: Node | undefined;
  readonly region: LocatedValue | undefined;
}

export interface ArtifactList {
  readonly node: Node | undefined;
  readonly items: readonly ArtifactRef[];
  /** False when the list or an entry's name is not literal. */
  readonly complete: boolean;
  /** How many artifacts the list holds, when that is known (names may still be unknown). */
  readonly count: number | undefined;
}

export interface ArtifactRef {
  readonly node: Node;
  readonly name: LocatedValue;
}

/** The table's action type for three literal parts, if it knows them. */
export function actionTypeOf(
  owner: string | undefined,
  category: string | undefined,
  provider: string | undefined,
): ActionType | undefined {
  if (owner === undefined || category === undefined || provider === undefined) return undefined;
  return findActionType(owner, category, provider);
}

/** The effective run order of an action: its literal `runOrder`, 1 when absent, or undefined. */
export function effectiveRunOrder(action: Action): number | undefined {
  return action.runOrder === undefined ? 1 : action.runOrder.value;
}

/** The pipeline of a `codepipeline` document (`{"pipeline": {...}}` or the bare object). */
export function readPipelineDocument(root: ObjectNode): Pipeline | undefined {
  const wrapped = getValue(root, 'pipeline');
  if (wrapped?.kind === 'object') {
    return readPipeline(wrapped, 'json', undefined, getValue(root, 'metadata'));
  }
  return readPipeline(root, 'json', undefined, undefined);
}

/** Every `AWS::CodePipeline::Pipeline` in a template, in document order. */
export function templatePipelines(template: Template): Pipeline[] {
  const pipelines: Pipeline[] = [];
  for (const resource of template.resources.values()) {
    if (resource.type !== 'AWS::CodePipeline::Pipeline') continue;
    const properties = resource.properties;
    if (properties?.kind !== 'object' || intrinsicName(properties) !== undefined) continue;
    pipelines.push(readPipeline(properties, 'cfn', resource, undefined));
  }
  return pipelines.sort((a, b) => a.node.start - b.node.start);
}

function readPipeline(
  node: ObjectNode,
  spelling: 'json' | 'cfn',
  resource: TemplateResource | undefined,
  metadata: Node | undefined,
): Pipeline {
  const f = (n: Node | undefined, camel: string) => field(n, camel, spelling);
  const stagesNode = f(node, 'stages');
  const stages: Stage[] = [];
  const complete = eachEntry(stagesNode, (entry, index, conditional) =>
    stages.push(readStage(entry, index, conditional, spelling)),
  );
  return {
    node,
    spelling,
    resource,
    metadata,
    name: scalarValue(f(node, 'name')),
    pipelineType: scalarValue(f(node, 'pipelineType')),
    roleArn: f(node, 'roleArn'),
    artifactStores: readArtifactStores(node, spelling),
    stages,
    complete,
    stagesNode,
    variables: readVariables(node, spelling),
    triggers: readTriggers(node, spelling),
  };
}

function readArtifactStores(node: ObjectNode, spelling: 'json' | 'cfn'): ArtifactStore[] {
  const stores: ArtifactStore[] = [];
  for (const single of alternatives(field(node, 'artifactStore', spelling))) {
    if (single.kind === 'object') stores.push(readStore(single, undefined, spelling));
  }
  const many = field(node, 'artifactStores', spelling);
  if (spelling === 'json' && many?.kind === 'object') {
    // The API spells per-region stores as a map from region to store.
    for (const property of many.properties) {
      if (property.value?.kind === 'object') {
        stores.push(
          readStore(property.value, { node: property.key, value: property.key.value }, spelling),
        );
      }
    }
  } else {
    // Templates spell them as a list of `{Region, ArtifactStore}`.
    for (const list of alternatives(many)) {
      if (list.kind !== 'array') continue;
      for (const item of list.items) {
        for (const entry of alternatives(item)) {
          const store = field(entry, 'artifactStore', spelling);
          if (store?.kind === 'object') {
            stores.push(readStore(store, scalarValue(field(entry, 'region', spelling)), spelling));
          }
        }
      }
    }
  }
  return stores;
}

function readStore(
  node: ObjectNode,
  region: LocatedValue | undefined,
  spelling: 'json' | 'cfn',
): ArtifactStore {
  const keyNode = field(node, 'encryptionKey', spelling);
  return {
    node,
    region,
    type: scalarValue(field(node, 'type', spelling)),
    location: scalarValue(field(node, 'location', spelling)),
    encryptionKey:
      keyNode === undefined
        ? undefined
        : {
            node: keyNode,
            id: field(keyNode, 'id', spelling),
            type: scalarValue(field(keyNode, 'type', spelling)),
          },
  };
}

function readStage(
  node: ObjectNode,
  index: number,
  conditional: boolean,
  spelling: 'json' | 'cfn',
): Stage {
  const actionsNode = field(node, 'actions', spelling);
  const actions: Action[] = [];
  const stage = {
    node,
    index,
    conditional,
    name: scalarValue(field(node, 'name', spelling)),
    actions,
    complete: false,
    actionsNode,
  };
  stage.complete = eachEntry(actionsNode, (entry, _index, conditionalAction) =>
    actions.push(readAction(entry, stage, conditionalAction, spelling)),
  );
  return stage;
}

function readAction(
  node: ObjectNode,
  stage: Stage,
  conditional: boolean,
  spelling: 'json' | 'cfn',
): Action {
  const f = (n: Node | undefined, camel: string) => field(n, camel, spelling);
  const typeId = f(node, 'actionTypeId');
  // An intrinsic action type (`Fn::If` between providers) leaves every part of it unknown.
  const part = (camel: string): LocatedValue | undefined =>
    typeId !== undefined && intrinsicName(typeId) !== undefined
      ? { node: typeId, value: undefined }
      : scalarValue(f(typeId, camel));
  const runOrderNode = f(node, 'runOrder');
  const [category, owner, provider] = [part('category'), part('owner'), part('provider')];
  return {
    node,
    stage,
    name: scalarValue(f(node, 'name')),
    actionTypeId: typeId,
    conditional,
    category,
    owner,
    provider,
    version: part('version'),
    type: actionTypeOf(owner?.value, category?.value, provider?.value),
    runOrder:
      runOrderNode === undefined
        ? undefined
        : { node: runOrderNode, value: numberOf(runOrderNode) },
    configuration: f(node, 'configuration'),
    inputArtifacts: readArtifacts(f(node, 'inputArtifacts'), spelling),
    outputArtifacts: readArtifacts(f(node, 'outputArtifacts'), spelling),
    namespace: scalarValue(f(node, 'namespace')),
    roleArn: f(node, 'roleArn'),
    region: scalarValue(f(node, 'region')),
  };
}

function readArtifacts(node: Node | undefined, spelling: 'json' | 'cfn'): ArtifactList {
  if (node === undefined) return { node, items: [], complete: true, count: 0 };
  const choices = alternatives(node);
  const list = choices[0];
  if (choices.length !== 1 || list?.kind !== 'array') {
    const known = choices.length === 0;
    return { node, items: [], complete: known, count: known ? 0 : undefined };
  }
  const items: ArtifactRef[] = [];
  let complete = true;
  let countKnown = true;
  for (const item of list.items) {
    const entries = alternatives(item);
    const entry = entries[0];
    if (entries.length !== 1 || entry?.kind !== 'object') {
      if (entries.length !== 0) complete = countKnown = false;
      continue;
    }
    const name = scalarValue(getProperty(entry, spelling === 'cfn' ? 'Name' : 'name')?.value);
    if (name?.value === undefined) complete = false;
    items.push({ node: entry, name: name ?? { node: entry, value: undefined } });
  }
  return { node, items, complete, count: countKnown ? items.length : undefined };
}
