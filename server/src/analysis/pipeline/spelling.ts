import type { Node, Range } from '../document';
import type { Action, Pipeline } from '../model';

/** A key as the pipeline's document spells it: camelCase in API JSON, PascalCase in templates. */
export function spell(pipeline: Pipeline, camel: string): string {
  return pipeline.spelling === 'cfn' ? camel.charAt(0).toUpperCase() + camel.slice(1) : camel;
}

/**
 * Where to report on an object that lacks something: its property key (`"actionTypeId"`,
 * `Properties`), so the squiggle stays on one line instead of the whole object.
 */
export function keyOf(node: Node): Range {
  return node.property?.key ?? { start: node.start, end: Math.min(node.end, node.start + 1) };
}

/** `Action "Build"`, or `An action` when its name is not literal. */
export function actionLabel(action: Action): string {
  return action.name?.value !== undefined ? `Action "${action.name.value}"` : 'An action';
}

/** Whether an action may be absent: it, or its stage, is one branch of an `Fn::If`. */
export function mayBeAbsent(action: Action): boolean {
  return action.conditional || action.stage.conditional;
}
