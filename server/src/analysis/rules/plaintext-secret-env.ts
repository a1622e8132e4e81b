import {
  getValue,
  parseJson,
  stringSourceRange,
  type Node,
  type ObjectNode,
  type ParsedDocument,
  type Range,
  type StringNode,
} from '../document';
import { insertProperty, replaceString } from '../edits';
import { secretIn, type DocumentSecret } from '../masking';
import { alternatives, intrinsicName } from '../model';
import { credentialKind, isPlaceholderValue, isSecretName, mask } from '../secrets';
import { defineRule, type Fix } from './rule';

/** One environment variable whose name, type and value are all known. */
interface EnvVar {
  readonly name: string;
  /** `undefined` when the variable has no type (CodeBuild's default is PLAINTEXT). */
  readonly type: string | undefined;
  readonly value: string;
  /** Where to report: the value itself, or its place inside a configuration string. */
  readonly at: Node | Range;
  /** Set for a CodeBuild project's variable, whose type and value the quick-fix can edit. */
  readonly object?: ObjectNode;
  readonly valueNode?: StringNode;
}

export default defineRule({
  id: 'plaintext-secret-env',
  defaultSeverity: 'warning',
  appliesTo: ['cloudformation', 'codepipeline'],
  fixable: true,
  findsSecrets: true,
  docs: {
    summary: `
      A CodeBuild environment variable of type \`PLAINTEXT\` (or with no type, which means
      \`PLAINTEXT\`) whose name says it holds a secret (\`GITHUB_TOKEN\`, \`DB_PASSWORD\`,
      \`AWS_SECRET_ACCESS_KEY\`, ...) or whose value looks like a credential, in a CodeBuild project
      or in the \`EnvironmentVariables\` of a CodePipeline CodeBuild action.
    `,
    why: `
      Plain-text environment variables are part of the build project's or the pipeline's definition:
      anyone who can read the project, the pipeline or the stack template sees them, and they show
      up in the console and in \`batch-get-projects\` output. CodeBuild can fetch the value at build
      time from Secrets Manager or Parameter Store instead, so the secret never sits in the
      definition. A name counts as secret only when the secret word is its last word: \`TOKEN_URL\`,
      \`SECRET_ARN\` or \`PASSWORD_PARAMETER\` name where a secret lives, not the secret.
      Placeholders, masked values (\`****\`), dynamic references, ARNs and parameter paths are never
      reported, nor are values CloudFormation fills in (\`!Ref\`, \`!Sub\`). A value that is a
      recognisable credential is also reported by \`hardcoded-credential\`: that finding is about
      the leaked secret (revoke it), this one about the variable's type (move it to a secret store).
    `,
    fix: `
      Store the secret in Secrets Manager (or as a Parameter Store \`SecureString\`), set \`Type\`
      to \`SECRETS_MANAGER\` (or \`PARAMETER_STORE\`) and make \`Value\` the secret's name. The
      quick-fixes do both for a CodeBuild project, writing a \`<secret-name>\` or
      \`<parameter-name>\` placeholder that you replace with the real name; they are unsafe because
      the build fails until that secret exists. Rotate the exposed secret: it has been readable for
      as long as it was plain text.
    `,
    references: [
      'https://docs.aws.amazon.com/codebuild/latest/APIReference/API_EnvironmentVariable.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-codebuild-project-environmentvariable.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html',
      'https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html#build-spec.env.secrets-manager',
    ],
  },
  check({ document, model, report }) {
    for (const variable of environmentVariables(document, model.template?.resources)) {
      if (variable.type !== undefined && variable.type.toUpperCase() !== 'PLAINTEXT') continue;
      if (isPlaceholderValue(variable.value)) continue;
      const kind = credentialKind(variable.value);
      if (!kind && !isSecretName(variable.name)) continue;
      const type =
        variable.type === undefined ? 'has no Type (so it is PLAINTEXT)' : 'is PLAINTEXT';
      const reason = kind
        ? `its value looks like ${kind} ("${mask(variable.value)}")`
        : `its name says it holds a secret ("${mask(variable.value)}")`;
      report({
        at: variable.at,
        message: `CodeBuild environment variable "${variable.name}" ${type} but ${reason}: anyone who can read the build definition sees it. Keep it in Secrets Manager or Parameter Store and set Type to SECRETS_MANAGER or PARAMETER_STORE.`,
        fixes: fixes(document, variable),
        secrets: [secretOf(document, variable)],
      });
    }
  },
});

/** The variable's value, located: the string node, or the value inside a configuration string. */
function secretOf(document: ParsedDocument, variable: EnvVar): DocumentSecret {
  if (variable.valueNode) return secretIn(document.text, variable.valueNode);
  return { value: variable.value, start: variable.at.start, end: variable.at.end };
}

function fixes(document: ParsedDocument, variable: EnvVar): Fix[] {
  const { object, valueNode } = variable;
  if (!object || !valueNode) return [];
  const typeNode = getValue(object, 'Type');
  const choices = [
    { type: 'SECRETS_MANAGER', placeholder: '<secret-name>', where: 'Secrets Manager' },
    { type: 'PARAMETER_STORE', placeholder: '<parameter-name>', where: 'Parameter Store' },
  ];
  const result: Fix[] = [];
  for (const choice of choices) {
    const typeEdit =
      typeNode?.kind === 'string'
        ? replaceString(document, typeNode, choice.type)
        : insertProperty(document, object, 'Type', choice.type);
    if (!typeEdit) continue;
    result.push({
      title: `Read "${variable.name}" from ${choice.where} (Type: ${choice.type})`,
      safe: false,
      edits: [typeEdit, replaceString(document, valueNode, choice.placeholder)],
    });
  }
  return result;
}

/** Every CodeBuild environment variable of the document with a literal name and value. */
function* environmentVariables(
  document: ParsedDocument,
  resources: ReadonlyMap<string, { type: string; properties: Node | undefined }> | undefined,
): Generator<EnvVar> {
  if (resources) {
    for (const resource of resources.values()) {
      if (resource.type === 'AWS::CodeBuild::Project') {
        for (const environment of alternatives(getValue(resource.properties, 'Environment'))) {
          yield* projectVariables(getValue(environment, 'EnvironmentVariables'));
        }
      } else if (resource.type === 'AWS::CodePipeline::Pipeline') {
        yield* pipelineVariables(document, getValue(resource.properties, 'Stages'), 'template');
      }
    }
  } else if (document.root?.kind === 'object') {
    const pipeline = getValue(document.root, 'pipeline') ?? document.root;
    yield* pipelineVariables(document, getValue(pipeline, 'stages'), 'api');
  }
}

function* projectVariables(list: Node | undefined): Generator<EnvVar> {
  for (const alternative of alternatives(list)) {
    if (alternative.kind !== 'array') continue;
    for (const item of alternative.items) {
      for (const object of alternatives(item)) {
        if (object.kind !== 'object' || intrinsicName(object)) continue;
        const name = getValue(object, 'Name');
        const type = getValue(object, 'Type');
        const value = getValue(object, 'Value');
        // A type written as an intrinsic is unknown: it may well be SECRETS_MANAGER.
        if (name?.kind !== 'string' || value?.kind !== 'string') continue;
        if (type !== undefined && type.kind !== 'string') continue;
        yield {
          name: name.value,
          type: type?.kind === 'string' ? type.value : undefined,
          value: value.value,
          at: value,
          object,
          valueNode: value,
        };
      }
    }
  }
}

/**
 * The variables of every CodeBuild action: `EnvironmentVariables` is a JSON string of
 * `[{name, value, type}]`, written literally or as the text of a `Fn::Sub`.
 */
function* pipelineVariables(
  document: ParsedDocument,
  stages: Node | undefined,
  style: 'template' | 'api',
): Generator<EnvVar> {
  const [actionsKey, typeKey, providerKey, configKey] =
    style === 'template'
      ? ['Actions', 'ActionTypeId', 'Provider', 'Configuration']
      : ['actions', 'actionTypeId', 'provider', 'configuration'];
  for (const stage of items(stages)) {
    for (const action of items(getValue(stage, actionsKey))) {
      const provider = getValue(getValue(action, typeKey), providerKey);
      if (provider?.kind !== 'string' || provider.value !== 'CodeBuild') continue;
      for (const config of alternatives(getValue(action, configKey))) {
        for (const value of alternatives(getValue(config, 'EnvironmentVariables'))) {
          const sub = getValue(value, 'Fn::Sub');
          const text =
            value.kind === 'string'
              ? value
              : intrinsicName(value) === 'Fn::Sub'
                ? sub?.kind === 'array'
                  ? sub.items[0]
                  : sub
                : undefined;
          if (text?.kind === 'string')
            yield* configurationVariables(document, text, text !== value);
        }
      }
    }
  }
}

function* configurationVariables(
  document: ParsedDocument,
  text: StringNode,
  isSub: boolean,
): Generator<EnvVar> {
  const parsed = parseJson(text.value);
  if (parsed.problems.length > 0 || parsed.root?.kind !== 'array') return;
  for (const item of parsed.root.items) {
    const name = getValue(item, 'name');
    const type = getValue(item, 'type');
    const value = getValue(item, 'value');
    if (name?.kind !== 'string' || value?.kind !== 'string') continue;
    if (type !== undefined && type.kind !== 'string') continue;
    // Inside `Fn::Sub`, `${...}` is filled in by CloudFormation: the value is not known.
    if (isSub && /\$\{(?!!)/.test(value.value)) continue;
    yield {
      name: name.value,
      type: type?.kind === 'string' ? type.value : undefined,
      value: value.value,
      // The inner value's offsets are in the decoded string; map them back through its escapes.
      at: stringSourceRange(document.text, text, value.start, value.end),
    };
  }
}

function items(node: Node | undefined): Node[] {
  const result: Node[] = [];
  for (const alternative of alternatives(node)) {
    if (alternative.kind !== 'array') continue;
    for (const item of alternative.items) result.push(...alternatives(item));
  }
  return result;
}
