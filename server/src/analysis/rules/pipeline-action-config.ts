import type { ObjectNode } from '../document';
import { editDistance } from '../iam/nearest';
import { alternatives, intrinsicName, type Action, type Pipeline } from '../model';
import { configKey, type ActionType } from '../pipeline/action-types';
import { actionLabel, keyOf, spell } from '../pipeline/spelling';
import { listWords } from '../prose';
import { renameKeyFix } from '../edits';
import { defineRule, type RuleContext } from './rule';

/** A key that is itself an intrinsic (`Fn::Transform`, a language-extension merge) may add keys. */
const INTRINSIC_KEY = /^(Ref|Fn::[A-Za-z]+)$/;
/** How many keys the unknown-key message lists before pointing at the hover instead. */
const LISTED_KEYS = 6;

export default defineRule({
  id: 'pipeline-action-config',
  defaultSeverity: 'error',
  appliesTo: ['codepipeline', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A CodePipeline action whose \`configuration\` lacks a key its provider requires (error), or
      holds a key the provider does not know (warning), such as a misspelt \`ProjectName\`.
    `,
    why: `
      CodePipeline checks an action's configuration against its action type when the pipeline is
      created or updated: a missing required key or an unknown one makes \`create-pipeline\`,
      \`update-pipeline\` or the CloudFormation stack fail, often after other resources were already
      deployed. Configuration keys are case-sensitive, so \`Projectname\` or \`branchName\` is as
      wrong as a missing key. Only action types of the AWS table are judged (custom and partner
      actions are not), only literal keys are compared, and a configuration given as an intrinsic,
      or carrying an intrinsic key, is never said to miss a key it might supply; each branch of an
      \`Fn::If\` is judged on its own.
    `,
    fix: `
      Add each required key the message names, and remove or correct the unknown ones; hovering the
      provider lists every configuration key of its action type. When an unknown key differs from a
      known one only in case or by a slip of one or two letters (and the known key is not already
      there), a safe quick-fix renames it.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-action-requirements.html',
      'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html',
    ],
  },
  check({ document, model, report }) {
    for (const pipeline of model.pipelines) {
      for (const stage of pipeline.stages) {
        for (const action of stage.actions) checkAction(document, pipeline, action, report);
      }
    }
  },
});

type Report = RuleContext['report'];

function checkAction(
  document: RuleContext['document'],
  pipeline: Pipeline,
  action: Action,
  report: Report,
): void {
  // Providers outside the table (custom, partner, or simply wrong) belong to pipeline-structure.
  const type = action.type;
  const provider = action.provider?.value;
  if (type === undefined || provider === undefined) return;
  const label = `${actionLabel(action)} (${provider})`;
  const configKeyName = spell(pipeline, 'configuration');
  if (action.configuration === undefined) {
    const required = type.configuration.filter((key) => key.required).map((key) => key.name);
    if (required.length > 0 && action.provider) {
      report({
        at: action.provider.node,
        message: `${label} has no "${configKeyName}"; ${provider} requires ${quoteList(required)}.`,
      });
    }
    return;
  }
  // Each Fn::If branch is a configuration of its own; a Ref or other intrinsic is unknown.
  for (const choice of alternatives(action.configuration)) {
    if (choice.kind !== 'object' || intrinsicName(choice) !== undefined) continue;
    checkConfiguration(document, choice, type, label, report);
  }
}

function checkConfiguration(
  document: RuleContext['document'],
  configuration: ObjectNode,
  type: ActionType,
  label: string,
  report: Report,
): void {
  const present = new Set(configuration.properties.map((p) => p.key.value));
  /** Known keys an unknown one is taken to mean: reported there, not again as missing. */
  const meant = new Set<string>();
  let open = false;
  for (const property of configuration.properties) {
    const name = property.key.value;
    if (INTRINSIC_KEY.test(name)) {
      open = true;
      continue;
    }
    if (configKey(type, name) !== undefined) continue;
    const intended = intendedKey(type, name);
    const free = intended !== undefined && !present.has(intended);
    if (free) meant.add(intended);
    report({
      at: property.key,
      severity: 'warning',
      message:
        intended !== undefined && !free
          ? `${label}: "${name}" is "${intended}" in another case, and "${intended}" is set as well; CodePipeline rejects "${name}", so remove it.`
          : unknownMessage(type, label, name, intended),
      fixes: free ? [renameKeyFix(document, property.key, intended)] : [],
    });
  }
  if (open) return;
  const missing = type.configuration
    .filter((key) => key.required && !present.has(key.name) && !meant.has(key.name))
    .map((key) => key.name);
  if (missing.length === 0) return;
  report({
    at: keyOf(configuration),
    message: `${label} lacks the required configuration key${missing.length === 1 ? '' : 's'} ${quoteList(missing)}; ${type.provider} cannot run without ${missing.length === 1 ? 'it' : 'them'}.`,
  });
}

function unknownMessage(
  type: ActionType,
  label: string,
  name: string,
  intended: string | undefined,
): string {
  const head = `${label}: "${name}" is not a configuration key of ${type.owners[0] ?? 'AWS'}/${type.provider}, and CodePipeline rejects it`;
  if (intended !== undefined) return `${head}; did you mean "${intended}"?`;
  const keys = type.configuration.map((key) => key.name);
  if (keys.length === 0) return `${head}; this action type takes no configuration.`;
  if (keys.length <= LISTED_KEYS) return `${head}; its keys are ${quoteList(keys)}.`;
  return `${head}; hover the provider for its ${keys.length} keys.`;
}

/**
 * The known key an unknown one most likely stands for: the same in another case, or the only key
 * one or two edits away (long keys only, so short keys do not match by accident).
 */
export function intendedKey(type: ActionType, name: string): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = type.configuration.find((key) => key.name.toLowerCase() === lower);
  if (sameCase) return sameCase.name;
  const limit = name.length >= 8 ? 2 : name.length >= 5 ? 1 : 0;
  if (limit === 0) return undefined;
  const close = type.configuration.filter((key) => editDistance(name, key.name, limit) <= limit);
  return close.length === 1 ? close[0]?.name : undefined;
}

function quoteList(names: readonly string[]): string {
  return listWords(names.map((n) => `"${n}"`));
}
