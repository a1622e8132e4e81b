/**
 * Action namespaces and the variable references (`#{namespace.key}`) in action configurations.
 *
 * CodePipeline knows three kinds of namespace (user guide, "Variables reference"): the reserved
 * `codepipeline` one (execution facts such as `PipelineExecutionId`), `variables` for the
 * pipeline-level variables, and the namespace an action declares for the variables it produces.
 * An action's variables are only available to actions that run after it: in a later stage, or in
 * the same stage at a higher `runOrder`. Namespaces are unique in a pipeline and may not share a
 * name with an artifact.
 */
import { stringSourceRange, type StringNode } from '../../document';
import {
  alternatives,
  effectiveRunOrder,
  intrinsicName,
  type Action,
  type LocatedValue,
  type Pipeline,
} from '../../model';
import type { RuleContext } from '../rule';
import { actionLabel, mayBeAbsent, spell } from '../../pipeline/spelling';

type Report = RuleContext['report'];

/** Namespace names (API `ActionDeclaration.namespace`: `[A-Za-z0-9@\-_]+`, 1 to 100). */
const NAMESPACE = /^[A-Za-z0-9@\-_]{1,100}$/;
/** A reference: the namespace is held to the namespace pattern, the key is anything up to `}`. */
const REFERENCE = /#\{([A-Za-z0-9@\-_]+)\.([^}]*)\}/g;
/** The namespace of the variables every execution has (`PipelineExecutionId`, ...). */
const RESERVED = 'codepipeline';
/** The namespace of pipeline-level variables. */
const PIPELINE_VARIABLES = 'variables';

/** A `#{namespace.key}` found in a string, with its offsets in the decoded value. */
export interface VariableReference {
  readonly namespace: string;
  readonly key: string;
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

/** Every `#{namespace.key}` in a string value. */
export function variableReferences(value: string): VariableReference[] {
  const found: VariableReference[] = [];
  for (const match of value.matchAll(REFERENCE)) {
    const from = match.index;
    found.push({
      namespace: match[1] ?? '',
      key: match[2] ?? '',
      text: match[0],
      from,
      to: from + match[0].length,
    });
  }
  return found;
}

/** Checks namespaces (pattern, uniqueness, artifact clashes) and every variable reference. */
export function checkVariables(pipeline: Pipeline, text: string, report: Report): void {
  checkNamespaces(pipeline, report);
  checkReferences(pipeline, text, report);
}

/** `action "Build" in stage 2`, for messages about another action. */
function describe(action: Action): string {
  const name = action.name?.value;
  return `${name !== undefined ? `action "${name}"` : 'an action'} in stage ${action.stage.index + 1}`;
}

function allActions(pipeline: Pipeline): Action[] {
  return pipeline.stages.flatMap((stage) => stage.actions);
}

function literal(value: LocatedValue | undefined): string | undefined {
  return value?.node.kind === 'string' ? value.value : undefined;
}

function checkNamespaces(pipeline: Pipeline, report: Report): void {
  const key = spell(pipeline, 'namespace');
  const actions = allActions(pipeline);
  // Artifact names of actions that are surely there: a clash with a conditional one may not occur.
  const artifacts = new Set(
    actions
      .filter((a) => !mayBeAbsent(a))
      .flatMap((a) => a.outputArtifacts.items.map((item) => item.name.value))
      .filter((name): name is string => name !== undefined),
  );
  const seen = new Map<string, Action>();
  for (const action of actions) {
    const namespace = literal(action.namespace);
    if (namespace === undefined || action.namespace === undefined) continue;
    const at = action.namespace.node;
    if (!NAMESPACE.test(namespace)) {
      report({
        at,
        message: `${actionLabel(action)} has ${key} "${namespace}", which is not valid: use 1 to 100 letters, digits, "@", "-" or "_".`,
      });
      continue;
    }
    if (mayBeAbsent(action)) continue;
    const earlier = seen.get(namespace);
    if (earlier !== undefined) {
      report({
        at,
        message: `Namespace "${namespace}" is already used by ${describe(earlier)}; namespaces must be unique in the pipeline.`,
      });
    } else {
      seen.set(namespace, action);
    }
    if (artifacts.has(namespace)) {
      report({
        at,
        message: `${actionLabel(action)} has ${key} "${namespace}", which is also the name of an artifact; CodePipeline requires namespaces to differ from artifact names.`,
      });
    }
  }
}

/** Whether `producer` surely runs before `consumer`; undefined when a run order is unknown. */
function runsBefore(producer: Action, consumer: Action): boolean | undefined {
  if (producer === consumer) return false;
  if (producer.stage.index !== consumer.stage.index) {
    return producer.stage.index < consumer.stage.index;
  }
  // Two branches of one Fn::If stage never both run.
  if (producer.stage !== consumer.stage) return false;
  const before = effectiveRunOrder(producer);
  const after = effectiveRunOrder(consumer);
  if (before === undefined || after === undefined) return undefined;
  return before < after;
}

function checkReferences(pipeline: Pipeline, text: string, report: Report): void {
  const actions = allActions(pipeline);
  const declared = new Set<string>();
  let variablesKnown = pipeline.variables.complete;
  for (const variable of pipeline.variables.items) {
    if (variable.name?.value === undefined) variablesKnown = false;
    else declared.add(variable.name.value);
  }
  // A namespace nobody declares is an error only when every action and namespace is known.
  const namespacesKnown =
    pipeline.complete &&
    pipeline.stages.every((s) => s.complete) &&
    actions.every((a) => a.namespace === undefined || literal(a.namespace) !== undefined);
  const variablesKey = spell(pipeline, 'variables');

  for (const consumer of actions) {
    for (const { node, reference } of configurationReferences(consumer)) {
      const at = stringSourceRange(text, node, reference.from, reference.to);
      const { namespace, key } = reference;
      if (namespace === RESERVED) continue;
      if (namespace === PIPELINE_VARIABLES) {
        if (!variablesKnown || declared.has(key)) continue;
        report({
          at,
          message:
            declared.size === 0
              ? `"${reference.text}" refers to a pipeline variable, but the pipeline declares no "${variablesKey}"; declare "${key}" there or remove the reference.`
              : `"${reference.text}" names no pipeline variable; the pipeline declares ${[...declared].map((n) => `"${n}"`).join(', ')}.`,
        });
        continue;
      }
      const producers = actions.filter((a) => literal(a.namespace) === namespace);
      if (producers.length === 0) {
        if (!namespacesKnown) continue;
        report({
          at,
          message: `"${reference.text}" refers to namespace "${namespace}", which no action of the pipeline declares; set ${spell(pipeline, 'namespace')} "${namespace}" on the action that produces the variable.`,
        });
        continue;
      }
      // An action whose namespace is unknown might be the earlier producer.
      if (!namespacesKnown) continue;
      const order = producers.map((p) => runsBefore(p, consumer));
      if (order.some((o) => o !== false)) continue;
      const producer = producers[0];
      if (producer === undefined) continue;
      report({
        at,
        message:
          producer === consumer
            ? `"${reference.text}" refers to the namespace of the action that holds it; an action can only use variables of actions that ran before it.`
            : `"${reference.text}" refers to namespace "${namespace}" of ${describe(producer)}, which does not run before this action; variables reach only later stages, or a higher ${spell(pipeline, 'runOrder')} in the same stage.`,
      });
    }
  }
}

/**
 * The references in an action's literal configuration values. `Fn::Sub` and other intrinsics are
 * skipped: their text is not final, and `${...}` in them is CloudFormation's, not CodePipeline's.
 */
function configurationReferences(
  action: Action,
): { node: StringNode; reference: VariableReference }[] {
  const configuration = action.configuration;
  if (configuration?.kind !== 'object' || intrinsicName(configuration) !== undefined) return [];
  const found: { node: StringNode; reference: VariableReference }[] = [];
  for (const property of configuration.properties) {
    for (const value of alternatives(property.value)) {
      if (value.kind !== 'string') continue;
      for (const reference of variableReferences(value.value))
        found.push({ node: value, reference });
    }
  }
  return found;
}
