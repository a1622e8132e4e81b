import {
  getValue,
  stringValue,
  type Node,
  type ParsedDocument,
  type StringNode,
} from '../document';
import { insertProperty, replace, replaceString } from '../edits';
import {
  defaultOf,
  intrinsicName,
  resolveValue,
  type DocumentModel,
  type Template,
} from '../model';
import { secretIn } from '../masking';
import { renderInline } from '../render';
import {
  findSecrets,
  isPlaceholderValue,
  isSecretAccessKey,
  isSecretKeyName,
  isSecretName,
  mask,
} from '../secrets';
import { defineRule, type Fix, type RuleContext, type TextEdit } from './rule';

/** The dynamic reference the quick-fix writes; its placeholders name what the user must fill in. */
export const SECRET_REFERENCE =
  '{{resolve:secretsmanager:REPLACE_WITH_SECRET_ID:SecretString:REPLACE_WITH_JSON_KEY}}';

export default defineRule({
  id: 'hardcoded-credential',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'codepipeline', 'cloudformation'],
  fixable: true,
  findsSecrets: true,
  docs: {
    summary: `
      A literal secret in a template, pipeline or policy: an AWS access key id or secret access key,
      a GitHub, GitLab or Slack token, a private key, or a literal value of a credential property
      such as \`OAuthToken\`, \`SecretToken\`, \`Password\` or \`MasterUserPassword\` (also through
      a parameter default).
    `,
    why: `
      Templates and pipeline definitions are copied into repositories, build logs, change sets and
      the CloudFormation console, where everyone who can read them can read the secret too, and a
      committed secret stays in version history after it is removed. Keep secrets in Secrets Manager
      or Parameter Store and let CloudFormation resolve them at deploy time. Dynamic references
      (\`{{resolve:secretsmanager:...}}\`, \`{{resolve:ssm-secure:...}}\`), \`Ref\`s to parameters
      without a default, masked values (\`****\`, as \`get-pipeline\` returns them) and placeholders
      (\`<token>\`, \`\${Token}\`, \`REPLACE_ME\`, \`changeme\`, values containing \`EXAMPLE\`) are
      not reported; a parameter whose literal \`Default\` feeds a credential property is, at the
      default. Messages show at most the first four characters of a secret.
    `,
    fix: `
      Revoke the exposed secret first: it is already in the file history. Then store it in Secrets
      Manager and refer to it with a dynamic reference, or pass it as a \`NoEcho\` parameter without
      a default. In templates the quick-fixes (unsafe) write a Secrets Manager dynamic reference
      with placeholders to fill in, or a \`Ref\` to a new \`NoEcho\` parameter.
    `,
    references: [
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/appendix-github-oauth.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    ],
  },
  check(context) {
    const { document, model } = context;
    const reportedDefaults = new Set<Node>();
    walkStrings(document.root, (node) => checkString(context, node));
    // `Password: !Ref P` where P has a literal Default: the secret sits in the template after all.
    if (model.template) checkParameterDefaults(context, model.template, reportedDefaults);
  },
});

function walkStrings(node: Node | undefined, visit: (node: StringNode) => void): void {
  if (node === undefined) return;
  if (node.kind === 'string') visit(node);
  else if (node.kind === 'array') for (const item of node.items) walkStrings(item, visit);
  else if (node.kind === 'object')
    for (const property of node.properties) walkStrings(property.value, visit);
}

function checkString(context: RuleContext, node: StringNode): void {
  const { document, model, report } = context;
  const secrets = findSecrets(node.value);
  const first = secrets[0];
  if (first) {
    const whole = first.from === 0 && first.to === node.value.length;
    const kinds = [...new Set(secrets.map((s) => `${s.label} ("${s.masked}")`))];
    report({
      at: node,
      message: `This value contains ${kinds.join(' and ')}: anyone who can read the file can use it. Revoke it and keep it in Secrets Manager.`,
      fixes: whole ? templateFixes(document, model, node) : [],
      secrets: secrets.map((s) => secretIn(document.text, node, s.from, s.to)),
    });
    return;
  }
  const name = credentialName(node);
  if (name === undefined || isPlaceholderValue(node.value)) return;
  if (isSecretAccessKey(node.value) && isSecretKeyName(name)) {
    report({
      at: node,
      message: `"${name}" holds an AWS secret access key ("${mask(node.value)}"): anyone who can read the file can use it. Deactivate the key and use a role or Secrets Manager instead.`,
      fixes: templateFixes(document, model, node),
      secrets: [secretIn(document.text, node)],
    });
    return;
  }
  if (!isSecretName(name) || inSection(node, 'Parameters', model)) return;
  const store = model.kind === 'codepipeline' ? 'pipeline definition' : 'file';
  report({
    at: node,
    message: `"${name}" is set to a literal secret, readable by anyone who can read the ${store}. ${
      model.kind === 'cloudformation'
        ? 'Use a Secrets Manager dynamic reference or a NoEcho parameter.'
        : 'Keep it in Secrets Manager and supply it when the definition is deployed.'
    }`,
    fixes: templateFixes(document, model, node),
    secrets: [secretIn(document.text, node)],
  });
}

/**
 * The name a string value is stored under: its property key (looking through `Fn::If` branches),
 * or the `Name`/`Key` of a `{Name, Value}` pair. Strings inside other intrinsics (`Fn::Sub`,
 * `Fn::Join`, a `Fn::If` condition name, ...) have none: they are not the stored value itself.
 * Tags are another rule's concern (`sensitive-data-in-tags`), and CodeBuild environment variables
 * `plaintext-secret-env`'s, except for the shapes `findSecrets` knows.
 */
function credentialName(node: Node): string | undefined {
  let current: Node = node;
  for (;;) {
    const parent = current.parent;
    if (parent?.kind === 'array') {
      // Only the branches of `Fn::If` (items 1 and 2) carry the value.
      if (parent.property?.key.value !== 'Fn::If' || parent.items.indexOf(current) === 0)
        return undefined;
      current = parent.property.parent;
      continue;
    }
    const key = current.property?.key.value;
    if (key === undefined || parent === undefined) return undefined;
    if (key === 'Fn::If' && intrinsicName(parent) === 'Fn::If') {
      current = parent;
      continue;
    }
    if (/^(Ref|Condition|Fn::.*)$/.test(key)) return undefined;
    // Metadata holds documentation and suppression reasons, not values a resource uses.
    if (underKey(parent, /^(Tags|tags|TagSpecifications|Metadata)$/)) return undefined;
    if (/^(Value|value)$/.test(key)) {
      const pairName = stringValue(getValue(parent, 'Name') ?? getValue(parent, 'name'));
      const tagName = stringValue(getValue(parent, 'Key') ?? getValue(parent, 'key'));
      const paired = pairName ?? tagName;
      if (paired === undefined) return key;
      // CodeBuild variables are `plaintext-secret-env`'s, but for an AWS secret access key.
      if (
        underKey(parent, /^(EnvironmentVariables|environmentVariables)$/) &&
        !(isSecretKeyName(paired) && node.kind === 'string' && isSecretAccessKey(node.value))
      )
        return undefined;
      return paired;
    }
    return key;
  }
}

function underKey(node: Node, pattern: RegExp): boolean {
  for (let current: Node | undefined = node; current; current = current.parent) {
    const key = current.property?.key.value;
    if (key !== undefined && pattern.test(key)) return true;
  }
  return false;
}

/** Whether a node lies in a top-level section of a template (`Parameters`, `Resources`, ...). */
function inSection(node: Node, section: string, model: DocumentModel): boolean {
  if (model.template === undefined) return false;
  for (let current: Node | undefined = node; current; current = current.parent) {
    if (current.parent === model.template.root) return current.property?.key.value === section;
  }
  return false;
}

function checkParameterDefaults(
  context: RuleContext,
  template: Template,
  reported: Set<Node>,
): void {
  const visit = (node: Node | undefined): void => {
    if (node === undefined) return;
    if (node.kind === 'array') node.items.forEach(visit);
    if (node.kind !== 'object') return;
    for (const property of node.properties) {
      const value = property.value;
      if (isSecretName(property.key.value) && !property.key.value.includes(':')) {
        // `!Ref P`, `!Sub '${P}'`, each `Fn::If` branch: the value is the String parameter's default.
        for (const resolved of resolveValue(value, { template })) {
          const ref = defaultOf(resolved);
          const parameter = ref === undefined ? undefined : template.parameters.get(ref);
          const fallback = getValue(parameter, 'Default');
          if (fallback?.kind !== 'string' || reported.has(fallback)) continue;
          if (isPlaceholderValue(fallback.value) || findSecrets(fallback.value).length > 0)
            continue;
          reported.add(fallback);
          context.report({
            at: fallback,
            message: `Parameter "${ref}" has a literal Default that "${property.key.value}" uses as a secret, so the secret is stored in the template. Remove the Default and supply the value at deploy time, or use a Secrets Manager dynamic reference.`,
            secrets: [secretIn(context.document.text, fallback)],
          });
        }
      }
      visit(value);
    }
  };
  for (const resource of template.resources.values()) visit(resource.properties);
}

/**
 * Unsafe quick-fixes for a literal inside a template resource: a Secrets Manager dynamic reference
 * with placeholders, or a `Ref` to a new `NoEcho` parameter. Pipelines and policies get none: they
 * cannot resolve either.
 */
function templateFixes(document: ParsedDocument, model: DocumentModel, node: StringNode): Fix[] {
  const template = model.template;
  if (template === undefined || !inSection(node, 'Resources', model)) return [];
  if (document.text.slice(node.start, node.end).includes('\n')) return [];
  const fixes: Fix[] = [
    {
      title:
        'Replace the literal with a Secrets Manager dynamic reference (store the secret first)',
      safe: false,
      edits: [replaceString(document, node, SECRET_REFERENCE)],
    },
  ];
  const name = parameterName(template, node);
  const definition = { map: [['Type', 'String'] as const, ['NoEcho', 'true'] as const] };
  const parameters = template.root.properties.find((p) => p.key.value === 'Parameters')?.value;
  const insert = atContentEnd(
    document,
    parameters?.kind === 'object' && parameters.properties.length > 0
      ? insertProperty(document, parameters, name, definition)
      : parameters === undefined
        ? insertProperty(document, template.root, 'Parameters', { map: [[name, definition]] })
        : undefined,
  );
  if (insert) {
    fixes.push({
      title: `Replace the literal with a Ref to a new NoEcho parameter "${name}"`,
      safe: false,
      edits: [replace(node, renderInline({ ref: name }, document.format)), insert],
    });
  }
  return fixes;
}

/**
 * Moves an insertion back over the line breaks that end a YAML block mapping: `insertProperty`
 * inserts at the end of the last value, which for a nested block mapping lies after its final
 * line break, so the new lines would otherwise run into the next key.
 */
function atContentEnd(document: ParsedDocument, edit: TextEdit | undefined): TextEdit | undefined {
  if (edit === undefined || edit.start !== edit.end) return edit;
  let at = edit.start;
  while (at > 0 && /\s/.test(document.text[at - 1] ?? '')) at--;
  return { start: at, end: at, newText: edit.newText };
}

/** A parameter name from the resource and property (`DatabaseMasterUserPassword`), made unique. */
function parameterName(template: Template, node: Node): string {
  let resource = '';
  for (let current: Node = node; current.parent; current = current.parent) {
    const parent: Node = current.parent;
    if (parent.property?.key.value === 'Resources' && parent.parent === template.root) {
      resource = current.property?.key.value ?? '';
      break;
    }
  }
  const key = credentialName(node) ?? 'Secret';
  const base = `${resource}${key}`.replace(/[^A-Za-z0-9]/g, '') || 'Secret';
  let name = base;
  for (let i = 2; template.parameters.has(name) || template.resources.has(name); i++)
    name = `${base}${i}`;
  return name;
}
