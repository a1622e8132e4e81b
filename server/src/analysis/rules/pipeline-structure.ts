import type { Node, ParsedDocument } from '../document';
import { replaceString } from '../edits';
import { intrinsicName } from '../model';
import type { Action, LocatedValue, Pipeline, Stage } from '../model';
import { editDistance } from '../iam/nearest';
import { ACTION_TYPES, actionTypesFor } from '../pipeline/action-types';
import { actionLabel, keyOf, spell } from '../pipeline/spelling';
import { checkVariables } from './pipeline-structure/variables';
import { defineRule, type RuleContext } from './rule';

const CATEGORIES = ['Source', 'Build', 'Test', 'Deploy', 'Approval', 'Invoke', 'Compute'];
const OWNERS = ['AWS', 'ThirdParty', 'Custom'];
/** Stage and action names (API reference: `[A-Za-z0-9.@\-_]+`, 1 to 100 characters). */
const NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;
/** Provider (`[0-9A-Za-z_-]+`, at most 35) and version (at most 9) patterns from the API. */
const PROVIDER = /^[0-9A-Za-z_-]{1,35}$/;
const VERSION = /^[0-9A-Za-z_-]{1,9}$/;
/** How far a provider may be from a known one to be taken for a misspelling of it. */
const MAX_PROVIDER_EDITS = 2;
/** The API accepts run orders from 1 to 999. */
const MAX_RUN_ORDER = 999;
/** Pipeline variable names (API `PipelineVariableDeclaration`: `[A-Za-z0-9@\-_]+`, 1 to 128). */
const VARIABLE_NAME = /^[A-Za-z0-9@\-_]{1,128}$/;
/** The only trigger provider (API `PipelineTriggerDeclaration.providerType`). */
const TRIGGER_PROVIDER = 'CodeStarSourceConnection';

type Report = RuleContext['report'];

export default defineRule({
  id: 'pipeline-structure',
  defaultSeverity: 'error',
  appliesTo: ['codepipeline', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A CodePipeline declaration that CodePipeline rejects: fewer than two stages, Source actions
      outside the first stage or other actions inside it, repeated stage or action names, an invalid
      category, owner, provider (including a misspelt AWS provider), version, \`runOrder\` or name;
      triggers, pipeline variables or V2-only action types in a V1 pipeline; a trigger on an action
      that is not a connection source; repeated variable names or namespaces; a \`#{namespace.key}\`
      reference to a variable that is not declared or not produced before the action runs.
    `,
    why: `
      CodePipeline validates the whole structure when the pipeline is created or updated, and a
      CloudFormation stack fails (and rolls back) on the first mistake, often after minutes of
      deploying other resources. Catching these in the editor saves that round trip. Variable
      references are checked the way CodePipeline resolves them:
      \`#{codepipeline.PipelineExecutionId}\` always exists, \`#{variables.NAME}\` needs a
      pipeline-level variable \`NAME\`, and \`#{Namespace.Key}\` needs an action with that namespace
      that runs earlier (an earlier stage, or a lower \`runOrder\` in the same stage), since an
      action's variables exist only once it has run. Only literal values are judged: a \`Ref\`,
      \`Fn::Sub\` or \`Fn::If\` is never reported, and V2 features are reported only when
      \`pipelineType\` is written as \`V1\` (without a type, CodePipeline makes such a pipeline V2).
    `,
    fix: `
      Give the pipeline a Source stage first and at least one more stage; keep Source actions in the
      first stage only; rename repeated stages and actions; use a category from \`Source\`,
      \`Build\`, \`Test\`, \`Deploy\`, \`Approval\`, \`Invoke\`, \`Compute\` and an owner from
      \`AWS\`, \`ThirdParty\`, \`Custom\`; give every action type a version (usually \`"1"\`) and
      every action a whole \`runOrder\` of 1 or more. Set \`pipelineType\` to \`V2\` to use
      triggers, pipeline variables or V2-only actions; point each trigger at a
      CodeStarSourceConnection source action; give the producing action a unique \`namespace\` and
      reference its variables only from later actions. The one quick-fix corrects a misspelt AWS
      provider (\`CodeComit\` to \`CodeCommit\`); the rest has none, because the right stage layout
      is a design decision.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-valid-providers.html',
      'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-codepipeline-pipeline.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipeline-types.html',
      'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GitConfiguration.html',
    ],
  },
  check({ model, report, document }) {
    for (const pipeline of model.pipelines) {
      checkPipeline(document, pipeline, report);
      checkV2(pipeline, report);
      checkVariables(pipeline, document.text, report);
    }
  },
});

function checkPipeline(document: ParsedDocument, pipeline: Pipeline, report: Report): void {
  const stagesKey = spell(pipeline, 'stages');
  if (pipeline.stagesNode === undefined) {
    report({
      at: keyOf(pipeline.node),
      message: `The pipeline has no "${stagesKey}": it needs a Source stage and at least one more stage.`,
    });
  } else if (
    pipeline.complete &&
    !pipeline.stages.some((s) => s.conditional) &&
    pipeline.stages.length < 2
  ) {
    report({
      at: pipeline.stagesNode.property?.key ?? pipeline.stagesNode,
      message: `The pipeline has ${pipeline.stages.length} stage${pipeline.stages.length === 1 ? '' : 's'}; CodePipeline needs at least two (a Source stage, then at least one more).`,
    });
  }
  // Branches of an Fn::If may be alternatives to each other: only unconditional names are compared.
  checkUnique(
    pipeline.stages.filter((s) => !s.conditional).map((s) => s.name),
    (name) => `Stage name "${name}" is used by an earlier stage; stage names must be unique.`,
    report,
  );
  for (const stage of pipeline.stages) {
    checkName(stage.name, 'Stage', report);
    checkUnique(
      stage.conditional ? [] : stage.actions.filter((a) => !a.conditional).map((a) => a.name),
      (name) =>
        `Action name "${name}" is used by an earlier action in ${stageLabel(stage)}; action names must be unique within a stage.`,
      report,
    );
    for (const action of stage.actions) checkAction(document, pipeline, stage, action, report);
  }
}

function checkAction(
  document: ParsedDocument,
  pipeline: Pipeline,
  stage: Stage,
  action: Action,
  report: Report,
): void {
  checkName(action.name, 'Action', report);
  const label = actionLabel(action);
  const typeKey = spell(pipeline, 'actionTypeId');
  if (action.actionTypeId === undefined) {
    report({ at: anchor(action), message: `${label} has no "${typeKey}".` });
  } else if (
    action.actionTypeId.kind === 'object' &&
    intrinsicName(action.actionTypeId) === undefined
  ) {
    for (const [camel, value] of [
      ['category', action.category],
      ['owner', action.owner],
      ['provider', action.provider],
      ['version', action.version],
    ] as const) {
      if (value === undefined) {
        report({
          at: keyOf(action.actionTypeId),
          message: `${label}: "${typeKey}" has no "${spell(pipeline, camel)}".`,
        });
      }
    }
    checkEnum(action.category, CATEGORIES, `${label} has category`, report);
    checkEnum(action.owner, OWNERS, `${label} has owner`, report);
    checkPattern(
      action.provider,
      PROVIDER,
      `${label} has provider`,
      `1 to 35 letters, digits, "-" or "_"${providerHint(action.provider?.value)}`,
      report,
    );
    checkMisspeltProvider(document, action, label, report);
    checkPattern(
      action.version,
      VERSION,
      `${label} has version`,
      '1 to 9 letters, digits, "-" or "_"',
      report,
    );
  }
  const category = action.category?.value;
  if (category !== undefined && CATEGORIES.includes(category)) {
    // Whether the stage is first is known only when no Fn::If stage may come before it or stand in
    // for it.
    const first = stage.index === 0 && !stage.conditional;
    const notFirst = pipeline.stages.some((s) => s.index < stage.index && !s.conditional);
    if (first && category !== 'Source') {
      report({
        at: action.category?.node ?? anchor(action),
        message: `${label} is a ${category} action in the first stage, which may hold only Source actions; move it to a later stage.`,
      });
    } else if (notFirst && category === 'Source') {
      report({
        at: action.category?.node ?? anchor(action),
        message: `${label} is a Source action in ${stageLabel(stage)}; Source actions belong in the first stage only.`,
      });
    }
  }
  const runOrder = action.runOrder;
  if (runOrder !== undefined && (runOrder.node.kind === 'number' || runOrder.value !== undefined)) {
    const value = runOrder.value;
    if (value === undefined || !Number.isInteger(value) || value < 1 || value > MAX_RUN_ORDER) {
      report({
        at: runOrder.node,
        message: `${label} has ${spell(pipeline, 'runOrder')} ${String(value ?? sourceText(runOrder.node))}; it must be a whole number from 1 to ${MAX_RUN_ORDER}.`,
      });
    }
  }
}

/**
 * Pipeline type, triggers, pipeline variables and V2-only action types. A V2 feature is reported
 * only when `pipelineType` is literally `V1`: without a type, CodePipeline makes a pipeline that
 * uses V2 features a V2 pipeline, but an explicit V1 with them is rejected.
 */
function checkV2(pipeline: Pipeline, report: Report): void {
  const typeKey = spell(pipeline, 'pipelineType');
  if (pipeline.pipelineType?.node.kind === 'string') {
    checkEnum(pipeline.pipelineType, ['V1', 'V2'], `The pipeline has ${typeKey}`, report);
  }
  const v1 = pipeline.pipelineType?.node.kind === 'string' && pipeline.pipelineType.value === 'V1';
  for (const [list, camel] of [
    [pipeline.triggers, 'triggers'],
    [pipeline.variables, 'variables'],
  ] as const) {
    if (!v1 || list.node === undefined || (list.complete && list.items.length === 0)) continue;
    report({
      at: list.node.property?.key ?? list.node,
      message: `The pipeline's ${typeKey} is "V1", and only V2 pipelines accept "${spell(pipeline, camel)}"; set ${typeKey} to "V2" or remove them.`,
    });
  }
  for (const stage of pipeline.stages) {
    for (const action of stage.actions) {
      const provider = action.provider;
      if (!v1 || action.type?.v2Only !== true || provider === undefined) continue;
      report({
        at: provider.node,
        message: `${actionLabel(action)} uses the ${provider.value} action type, which only V2 pipelines accept, and ${typeKey} is "V1"; set ${typeKey} to "V2".`,
      });
    }
  }
  checkPipelineVariables(pipeline, report);
  checkTriggers(pipeline, report);
}

function checkPipelineVariables(pipeline: Pipeline, report: Report): void {
  const nameKey = spell(pipeline, 'name');
  for (const variable of pipeline.variables.items) {
    if (variable.name === undefined) {
      report({ at: keyOf(variable.node), message: `A pipeline variable has no "${nameKey}".` });
    } else if (
      variable.name.node.kind === 'string' &&
      variable.name.value !== undefined &&
      !VARIABLE_NAME.test(variable.name.value)
    ) {
      report({
        at: variable.name.node,
        message: `Pipeline variable name "${variable.name.value}" is not valid: use 1 to 128 letters, digits, "@", "-" or "_".`,
      });
    }
  }
  checkUnique(
    pipeline.variables.items.filter((v) => !v.conditional).map((v) => v.name),
    (name) => `Pipeline variable "${name}" is declared twice; variable names must be unique.`,
    report,
  );
}

function checkTriggers(pipeline: Pipeline, report: Report): void {
  const gitKey = spell(pipeline, 'gitConfiguration');
  const sourceKey = spell(pipeline, 'sourceActionName');
  const actions = pipeline.stages.flatMap((s) => s.actions);
  // A name no action has is reported only when every stage, action and name is known.
  const namesKnown =
    pipeline.complete &&
    pipeline.stages.every((s) => s.complete) &&
    actions.every((a) => a.name?.value !== undefined);
  for (const trigger of pipeline.triggers.items) {
    if (trigger.providerType === undefined) {
      report({
        at: keyOf(trigger.node),
        message: `A trigger has no "${spell(pipeline, 'providerType')}"; use "${TRIGGER_PROVIDER}".`,
      });
    } else if (trigger.providerType.node.kind === 'string') {
      checkEnum(trigger.providerType, [TRIGGER_PROVIDER], 'A trigger has provider type', report);
    }
    const git = trigger.gitConfiguration;
    if (git === undefined) {
      report({ at: keyOf(trigger.node), message: `A trigger has no "${gitKey}".` });
      continue;
    }
    const name = git.sourceActionName;
    if (name === undefined) {
      report({ at: keyOf(git.node), message: `"${gitKey}" has no "${sourceKey}".` });
      continue;
    }
    if (name.value === undefined || name.node.kind !== 'string') continue;
    const named = actions.filter((a) => a.name?.value === name.value);
    const sources = named.filter((a) => a.category?.value === 'Source');
    if (named.length === 0) {
      if (!namesKnown) continue;
      report({
        at: name.node,
        message: `The trigger's ${sourceKey} "${name.value}" names no action of the pipeline; name the CodeStarSourceConnection source action it should start from.`,
      });
    } else if (sources.length === 0) {
      if (named.some((a) => a.category?.value === undefined)) continue;
      report({
        at: name.node,
        message: `The trigger's ${sourceKey} "${name.value}" names a ${named[0]?.category?.value ?? ''} action; triggers start from a Source action.`,
      });
    } else if (
      sources.every((a) => a.provider?.value !== undefined && a.provider.value !== TRIGGER_PROVIDER)
    ) {
      report({
        at: name.node,
        message: `The trigger's ${sourceKey} "${name.value}" names a source action whose provider is ${sources[0]?.provider?.value ?? ''}; triggers work only with ${TRIGGER_PROVIDER} sources.`,
      });
    }
  }
  checkUnique(
    pipeline.triggers.items
      .filter((t) => !t.conditional)
      .map((t) => t.gitConfiguration?.sourceActionName),
    (name) =>
      `Source action "${name}" already has a trigger; CodePipeline accepts one trigger per source action.`,
    report,
  );
}

/** Where to report about an action as a whole: its name, or its opening. */
function anchor(action: Action): Node | { start: number; end: number } {
  return action.name?.node ?? keyOf(action.node);
}

function sourceText(node: Node): string {
  return node.kind === 'string' ? `"${node.value}"` : node.kind;
}

function checkName(name: LocatedValue | undefined, what: string, report: Report): void {
  if (name?.value === undefined || name.node.kind !== 'string') return;
  if (!NAME.test(name.value)) {
    report({
      at: name.node,
      message: `${what} name "${name.value}" is not valid: use 1 to 100 letters, digits, ".", "@", "-" or "_".`,
    });
  }
}

function checkEnum(
  value: LocatedValue | undefined,
  allowed: readonly string[],
  prefix: string,
  report: Report,
): void {
  if (value?.value === undefined || allowed.includes(value.value)) return;
  const near = allowed.find((a) => a.toLowerCase() === value.value?.toLowerCase());
  report({
    at: value.node,
    message: `${prefix} "${value.value}", which is not one of ${allowed.join(', ')}${near ? ` (did you mean "${near}"? values are case-sensitive)` : ''}.`,
  });
}

function checkPattern(
  value: LocatedValue | undefined,
  pattern: RegExp,
  prefix: string,
  expected: string,
  report: Report,
): void {
  if (value?.value === undefined || pattern.test(value.value)) return;
  report({ at: value.node, message: `${prefix} "${value.value}"; it must be ${expected}.` });
}

function checkUnique(
  names: readonly (LocatedValue | undefined)[],
  message: (name: string) => string,
  report: Report,
): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name?.value === undefined) continue;
    if (seen.has(name.value)) report({ at: name.node, message: message(name.value) });
    seen.add(name.value);
  }
}

/** `stage 2 ("Build")`, or `stage 2` when the name is not literal. */
function stageLabel(stage: Stage): string {
  const name = stage.name?.value;
  return `stage ${stage.index + 1}${name !== undefined ? ` ("${name}")` : ''}`;
}

/**
 * An AWS-owned provider that the table does not know but that is one or two edits away from one
 * it knows for the same category (`CodeComit`): CodePipeline rejects it as an unknown action type.
 * A provider far from every known one may be newer than the table, so it is never reported.
 */
function checkMisspeltProvider(
  document: ParsedDocument,
  action: Action,
  label: string,
  report: Report,
): void {
  const { owner, category, provider } = action;
  if (owner?.value !== 'AWS' || category?.value === undefined || provider?.value === undefined)
    return;
  if (provider.node.kind !== 'string' || !PROVIDER.test(provider.value)) return;
  const candidates = actionTypesFor(category.value, 'AWS');
  if (candidates.some((t) => t.provider === provider.value)) return;
  const lower = provider.value.toLowerCase();
  const near = candidates.filter(
    (t) => editDistance(t.provider.toLowerCase(), lower, MAX_PROVIDER_EDITS) <= MAX_PROVIDER_EDITS,
  );
  const [only] = near;
  if (near.length !== 1 || !only) return;
  report({
    at: provider.node,
    message: `${label} has provider "${provider.value}", which is no AWS ${category.value} action type; did you mean "${only.provider}"?`,
    // A misspelt provider is rejected outright: naming the intended one grants nothing new.
    fixes: [
      {
        title: `Change to "${only.provider}"`,
        safe: true,
        edits: [replaceString(document, provider.node, only.provider)],
      },
    ],
  });
}

/** A known provider the value was probably meant to be (`AWS CodeBuild` is `CodeBuild`). */
function providerHint(value: string | undefined): string {
  if (value === undefined) return '';
  const squeezed = value.replace(/^(AWS|Amazon)\s+/i, '').replace(/\s+/g, '');
  const known = ACTION_TYPES.find((t) => t.provider.toLowerCase() === squeezed.toLowerCase());
  return known ? ` (did you mean "${known.provider}"?)` : '';
}
