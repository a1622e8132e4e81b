/**
 * Document symbols for CodePipeline declarations: each pipeline, its stages, their actions. The
 * LSP layer maps the tree onto `DocumentSymbol`s (pipeline → Class, stage → Namespace, action →
 * Function, or whatever it prefers).
 */
import type { Range } from '../document';
import type { Action, DocumentModel, Pipeline, Stage } from '../model';

export interface PipelineSymbol {
  readonly kind: 'pipeline' | 'stage' | 'action';
  readonly name: string;
  /** Pipelines: the type (`CodePipeline` or the template resource type); actions: `category/provider`. */
  readonly detail: string;
  /** The whole declaration (UTF-16 offsets). */
  readonly range: Range;
  /**
   * What to highlight, inside `range`: the name value (even an intrinsic one), else the first key
   * of the declaration; for a template pipeline without a literal name, the logical id.
   */
  readonly selectionRange: Range;
  readonly children: readonly PipelineSymbol[];
}

/**
 * The pipelines of a document as a symbol tree, in document order. Names that are not literal
 * show as their position (`Stage 2`, `Action 1`); an `Fn::If` branch shows each alternative.
 */
export function pipelineSymbols(model: DocumentModel): PipelineSymbol[] {
  return model.pipelines.map(pipelineSymbol);
}

function pipelineSymbol(pipeline: Pipeline): PipelineSymbol {
  const resource = pipeline.resource;
  const name = pipeline.name?.value ?? resource?.name ?? 'pipeline';
  // In a template the resource (its logical id and all) is the declaration.
  const range = resource
    ? span(resource.node.property?.key ?? resource.node, resource.node)
    : span(pipeline.node, pipeline.node);
  const selection =
    pipeline.name?.value !== undefined
      ? pipeline.name.node
      : (resource?.node.property?.key ?? pipeline.node);
  return {
    kind: 'pipeline',
    name,
    detail: resource ? resource.type : 'CodePipeline',
    range,
    selectionRange: span(selection, selection),
    children: pipeline.stages.map(stageSymbol),
  };
}

function stageSymbol(stage: Stage): PipelineSymbol {
  const selection = stage.name?.node ?? stage.node.properties[0]?.key ?? stage.node;
  return {
    kind: 'stage',
    name: stage.name?.value ?? `Stage ${stage.index + 1}`,
    detail: stage.conditional ? 'conditional' : '',
    range: span(stage.node, stage.node),
    selectionRange: span(selection, selection),
    children: stage.actions.map((action, index) => actionSymbol(action, index)),
  };
}

function actionSymbol(action: Action, index: number): PipelineSymbol {
  const selection = action.name?.node ?? action.node.properties[0]?.key ?? action.node;
  return {
    kind: 'action',
    name: action.name?.value ?? `Action ${index + 1}`,
    detail: `${action.category?.value ?? '?'}/${action.provider?.value ?? '?'}`,
    range: span(action.node, action.node),
    selectionRange: span(selection, selection),
    children: [],
  };
}

function span(from: Range, to: Range): Range {
  return { start: from.start, end: to.end };
}
