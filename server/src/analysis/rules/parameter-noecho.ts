import { getValue, type Node, type ObjectNode, type ParsedDocument } from '../document';
import { insertProperty, replace } from '../edits';
import { secretIn } from '../masking';
import { alternatives, intrinsicName, refTarget, type Template } from '../model';
import { credentialKind, findSecrets, isPlaceholderValue, isSecretName, mask } from '../secrets';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'parameter-noecho',
  defaultSeverity: 'warning',
  appliesTo: ['cloudformation'],
  fixable: true,
  findsSecrets: true,
  docs: {
    summary: `
      A template parameter that holds a secret, by its name (\`DBPassword\`, \`GitHubToken\`) or
      because it is the value of a credential property (\`MasterUserPassword\`, \`OAuthToken\`,
      \`SecretToken\`, \`Password\`, \`SecretString\`, a secret-named environment variable), without
      \`NoEcho: true\`, or with a \`Default\`.
    `,
    why: `
      CloudFormation shows parameter values in the console, in \`describe-stacks\` output and in
      stack events unless the parameter is \`NoEcho\`, so a password passed through an ordinary
      parameter is readable by anyone who can look at the stack. A \`Default\` is worse: the secret
      is written in the template itself, and ends up in source control and in every copy of the
      template. Parameters with a fixed list of \`AllowedValues\`, typed \`AWS::\` parameters (which
      hold names, such as SSM parameter names) and names that point to a secret rather than hold it
      (\`DBPasswordSecretArn\`) are not reported; neither is an empty or placeholder default. A
      \`Default\` that is itself a credential, or that a credential property uses through a \`Ref\`,
      is reported once, by \`hardcoded-credential\`.
    `,
    fix: `
      Add \`NoEcho: true\` and remove any \`Default\`, so the value is supplied at deploy time;
      better still, keep the secret in Secrets Manager and use a dynamic reference
      (\`{{resolve:secretsmanager:...}}\`) or \`ManageMasterUserPassword\` where the resource
      supports it. The quick-fix adds \`NoEcho: true\`; it is safe because it changes only what
      CloudFormation displays, not what is deployed. \`NoEcho\` does not mask values you copy into
      \`Outputs\` or \`Metadata\`.
    `,
    references: [
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html',
    ],
  },
  check({ document, model, report }) {
    const template = model.template;
    if (!template) return;
    const { uses, secretNames, reportedDefaults } = credentialUses(template);
    for (const [name, parameter] of template.parameters) {
      if (!holdsValue(parameter)) continue;
      const use = uses.get(name);
      const defaultValue = getValue(parameter, 'Default');
      const defaultText = defaultValue?.kind === 'string' ? defaultValue.value : undefined;
      const defaultKind = defaultText === undefined ? undefined : credentialKind(defaultText);
      const byName = isSecretName(name) && !secretNames.has(name);
      if (!use && !byName && !defaultKind) continue;
      const why = use
        ? `it is the ${use}`
        : byName
          ? 'by its name'
          : `its Default looks like ${defaultKind ?? 'a credential'}`;
      const key = parameter.property?.key ?? parameter;
      // The default of a parameter that holds a secret is the secret.
      const secrets =
        defaultValue?.kind === 'string' && !isPlaceholderValue(defaultValue.value)
          ? [secretIn(document.text, defaultValue)]
          : [];
      const noEcho = getValue(parameter, 'NoEcho');
      if (!isTrue(noEcho)) {
        const fix: Fix | undefined = noEchoFix(document, parameter, noEcho);
        report({
          at: key,
          message: `Parameter "${name}" holds a secret (${why}) but is not NoEcho: CloudFormation shows its value in the console, in describe-stacks and in stack events. Add "NoEcho: true".`,
          fixes: fix ? [fix] : [],
          secrets,
        });
      }
      // hardcoded-credential already reports a Default that is a credential, or that a credential
      // property uses through a Ref; one finding per default is enough.
      const reportedElsewhere =
        reportedDefaults.has(name) ||
        (defaultText !== undefined && findSecrets(defaultText).length > 0);
      if (
        defaultValue?.kind === 'string' &&
        !isPlaceholderValue(defaultValue.value) &&
        !reportedElsewhere
      ) {
        report({
          at: defaultValue,
          message: `Parameter "${name}" holds a secret (${why}) but has a Default ("${mask(defaultValue.value)}"), which writes the secret into the template. Remove the Default and pass the value at deploy time, or use a Secrets Manager dynamic reference.`,
          secrets,
        });
      }
    }
  },
});

function noEchoFix(
  document: ParsedDocument,
  parameter: ObjectNode,
  noEcho: Node | undefined,
): Fix | undefined {
  if (noEcho) return { title: 'Set "NoEcho: true"', safe: true, edits: [replace(noEcho, 'true')] };
  const edit = insertProperty(document, parameter, 'NoEcho', 'true');
  // The renderer quotes the string "true"; NoEcho reads better as the boolean it means.
  return edit
    ? {
        title: 'Add "NoEcho: true"',
        safe: true,
        edits: [{ ...edit, newText: edit.newText.replace(/(["'])true\1$/, 'true') }],
      }
    : undefined;
}

function isTrue(node: Node | undefined): boolean {
  return (
    (node?.kind === 'boolean' && node.value) ||
    (node?.kind === 'string' && node.value.toLowerCase() === 'true')
  );
}

/**
 * Whether a parameter can carry a secret: typed `AWS::` parameters hold names and ids (an SSM
 * parameter name, a key pair name), and a parameter with `AllowedValues` is a choice, not a secret.
 */
function holdsValue(parameter: ObjectNode): boolean {
  const type = getValue(parameter, 'Type');
  if (type?.kind === 'string' && !/^(String|CommaDelimitedList)$/.test(type.value)) return false;
  return getValue(parameter, 'AllowedValues') === undefined;
}

/**
 * Parameters used as credentials, with how: the value of a property whose name denotes a secret
 * (`MasterUserPassword: !Ref P`), or of a plain-text environment variable with a secret name
 * (`{Name: DB_PASSWORD, Value: !Ref P}`). Only a whole value counts: a parameter spliced into a
 * longer `!Sub` or `!Join` may be any part of it.
 */
function credentialUses(template: Template): {
  uses: Map<string, string>;
  secretNames: Set<string>;
  reportedDefaults: Set<string>;
} {
  // Parameters `Ref`d by a property that hardcoded-credential treats as a credential.
  const reportedDefaults = new Set<string>();
  const uses = new Map<string, string>();
  // Parameters given to a SECRETS_MANAGER or PARAMETER_STORE variable hold the name of a secret.
  const secretNames = new Set<string>();
  const record = (value: Node | undefined, how: string) => {
    for (const choice of alternatives(value)) {
      const name = refName(choice);
      if (name !== undefined && !uses.has(name)) uses.set(name, how);
    }
  };
  const visit = (node: Node | undefined, resource: string): void => {
    if (node?.kind === 'array') {
      for (const item of node.items) visit(item, resource);
      return;
    }
    if (node?.kind !== 'object') return;
    const variable = getValue(node, 'Name');
    const type = getValue(node, 'Type');
    if (
      variable?.kind === 'string' &&
      isSecretName(variable.value) &&
      (type === undefined || (type.kind === 'string' && type.value.toUpperCase() === 'PLAINTEXT'))
    ) {
      record(
        getValue(node, 'Value'),
        `value of environment variable ${variable.value} in "${resource}"`,
      );
    } else if (
      variable !== undefined &&
      type?.kind === 'string' &&
      /^(SECRETS_MANAGER|PARAMETER_STORE)$/i.test(type.value)
    ) {
      for (const choice of alternatives(getValue(node, 'Value'))) {
        const name = refName(choice);
        if (name !== undefined) secretNames.add(name);
      }
    }
    for (const property of node.properties) {
      if (isSecretName(property.key.value)) {
        record(property.value, `${property.key.value} of "${resource}"`);
        // hardcoded-credential reads `!Ref P` and `!Sub '${P}'` through the intrinsic resolver.
        for (const choice of alternatives(property.value)) {
          const name = refName(choice);
          if (name !== undefined) reportedDefaults.add(name);
        }
      }
      visit(property.value, resource);
    }
  };
  for (const resource of template.resources.values()) visit(resource.properties, resource.name);
  return { uses, secretNames, reportedDefaults };
}

/** The parameter a `Ref` or a whole-value `!Sub '${P}'` names. */
function refName(node: Node): string | undefined {
  const ref = refTarget(node);
  if (ref !== undefined) return ref;
  const sub = intrinsicName(node) === 'Fn::Sub' ? getValue(node, 'Fn::Sub') : undefined;
  return sub?.kind === 'string' ? /^\$\{([^}!.]+)\}$/.exec(sub.value)?.[1] : undefined;
}
