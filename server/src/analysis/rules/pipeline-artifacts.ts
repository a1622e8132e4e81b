import type { Action, ArtifactList, ArtifactRef, Pipeline } from '../model';
import { effectiveRunOrder } from '../model';
import { type CountRange } from '../pipeline/action-types';
import { actionLabel, keyOf, mayBeAbsent, spell } from '../pipeline/spelling';
import { defineRule, type RuleContext } from './rule';

type Report = RuleContext['report'];

interface Producer {
  readonly action: Action;
  readonly ref: ArtifactRef;
}

export default defineRule({
  id: 'pipeline-artifacts',
  defaultSeverity: 'error',
  appliesTo: ['codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      A CodePipeline action reads an artifact that no earlier action produces, two actions produce
      artifacts with the same name, or an action has more or fewer input or output artifacts than
      its provider accepts.
    `,
    why: `
      Artifacts are how stages hand work to each other: an action can only read what an action in an
      earlier stage, or an earlier \`runOrder\` of its own stage, has written. CodePipeline rejects
      a pipeline whose inputs come from nowhere or from later actions, whose output names collide,
      or whose actions break their provider's artifact counts (a Source action writes exactly one
      artifact, a CodeBuild action reads one to five, a manual approval none). Only literal names
      and lists are judged; a pipeline with an \`Fn::If\` or other unknown stage, action or artifact
      list is not checked for missing producers.
    `,
    fix: `
      Name an input after an output of an earlier action (artifact names are case-sensitive), give
      every output a name used nowhere else in the pipeline, and keep each action within its
      provider's artifact counts (see the provider's action reference page). There is no quick-fix.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-action-artifacts.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/welcome-introducing-artifacts.html',
    ],
  },
  check({ model, report }) {
    for (const pipeline of model.pipelines) checkPipeline(pipeline, report);
  },
});

function checkPipeline(pipeline: Pipeline, report: Report): void {
  const actions = pipeline.stages.flatMap((stage) => stage.actions);
  // Outputs: every name once across the pipeline.
  const producers = new Map<string, Producer[]>();
  for (const action of actions) {
    for (const ref of action.outputArtifacts.items) {
      const name = ref.name.value;
      if (name === undefined) continue;
      const list = producers.get(name) ?? [];
      // Fn::If branches may be alternatives to each other (a GitHub or an S3 source, say).
      if (list.length > 0 && !mayBeAbsent(action) && !list.some((p) => mayBeAbsent(p.action))) {
        report({
          at: ref.name.node,
          message: `Output artifact "${name}" is also produced by ${named(list[0]?.action)}; output artifact names must be unique in the pipeline.`,
        });
      }
      list.push({ action, ref });
      producers.set(name, list);
    }
  }
  // A producer we cannot see (an Fn::If stage or action, an unknown output list) may be the
  // missing one, so "produced by nobody" needs the whole pipeline to be literal.
  const whole =
    pipeline.complete &&
    pipeline.stages.every((s) => s.complete) &&
    actions.every((a) => a.outputArtifacts.complete);
  for (const action of actions) {
    for (const ref of action.inputArtifacts.items) {
      const name = ref.name.value;
      if (name === undefined) continue;
      const found = producers.get(name) ?? [];
      if (found.some((p) => producedBefore(p.action, action))) continue;
      const label = actionLabel(action);
      if (!whole) continue;
      if (found.length > 0) {
        const producer = found[0]?.action;
        const where =
          producer?.stage === action.stage
            ? `in the same stage at the same or a later ${spell(pipeline, 'runOrder')}`
            : `in a later stage${producer?.stage.name?.value ? ` ("${producer.stage.name.value}")` : ''}`;
        report({
          at: ref.name.node,
          message: `${label} reads artifact "${name}", but ${named(producer)} produces it ${where}; an input must come from an earlier stage or an earlier ${spell(pipeline, 'runOrder')}.`,
        });
      } else {
        const near = [...producers.keys()].find((n) => n.toLowerCase() === name.toLowerCase());
        report({
          at: ref.name.node,
          message: `${label} reads artifact "${name}", which no action in the pipeline produces; ${near ? `did you mean "${near}"? artifact names are case-sensitive` : 'name an output artifact of an earlier action'}.`,
        });
      }
    }
    checkCounts(pipeline, action, report);
  }
}

/** Whether `producer` runs before `consumer`: an earlier stage, or an earlier run order. */
function producedBefore(producer: Action, consumer: Action): boolean {
  if (producer.stage.index !== consumer.stage.index) {
    return producer.stage.index < consumer.stage.index;
  }
  const a = effectiveRunOrder(producer);
  const b = effectiveRunOrder(consumer);
  // An unknown run order may well be the right one.
  return a === undefined || b === undefined || a < b;
}

function checkCounts(pipeline: Pipeline, action: Action, report: Report): void {
  const limits = action.type;
  if (!limits) return;
  const label = `${actionLabel(action)} (${action.category?.value} ${action.provider?.value})`;
  const sides: [string, ArtifactList, CountRange][] = [
    ['inputArtifacts', action.inputArtifacts, limits.inputs],
    ['outputArtifacts', action.outputArtifacts, limits.outputs],
  ];
  for (const [camel, list, range] of sides) {
    const count = list.count;
    if (count === undefined || (count >= range.min && count <= range.max)) continue;
    const key = spell(pipeline, camel);
    report({
      at: list.node
        ? (list.node.property?.key ?? list.node)
        : (action.provider?.node ?? keyOf(action.node)),
      message: `${label} has ${count} ${key.replace(/Artifacts$/, '').toLowerCase()} artifact${count === 1 ? '' : 's'}; it takes ${describe(range)}.`,
    });
  }
}

function describe(range: CountRange): string {
  if (range.min === range.max) return `exactly ${range.min}`;
  return `${range.min} to ${range.max}`;
}

/** `action "Build"`, or `another action` when the name is not literal. */
function named(action: Action | undefined): string {
  return action?.name?.value !== undefined ? `action "${action.name.value}"` : 'another action';
}
