import { getValue, type Node, type StringNode } from '../document';
import { alternatives, intrinsicName } from '../model';
import { credentialKind, isPlaceholderValue, mask } from '../secrets';
import { defineRule } from './rule';

/** An e-mail address; the domain needs a dot and a letters-only top-level domain. */
const LOCAL_PART = /[A-Za-z0-9._%+-]/;
/** The domain after an `@`, read from there only (sticky). */
const EMAIL_DOMAIN = /[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/y;
/** The longest domain name DNS allows. */
const MAX_DOMAIN = 255;

/**
 * The first e-mail address in a value. Tried only at each `@`, on at most a domain's length after
 * it: one regular expression over the whole value would try every start position and take time
 * quadratic in a long run of address characters.
 */
function firstEmail(text: string): string | undefined {
  for (let at = text.indexOf('@'); at > 0; at = text.indexOf('@', at + 1)) {
    if (!LOCAL_PART.test(text.charAt(at - 1))) continue;
    EMAIL_DOMAIN.lastIndex = 0;
    const domain = EMAIL_DOMAIN.exec(text.slice(at + 1, at + 1 + MAX_DOMAIN));
    if (!domain) continue;
    let start = at - 1;
    while (start > 0 && LOCAL_PART.test(text.charAt(start - 1))) start--;
    return `${text.slice(start, at)}@${domain[0]}`;
  }
  return undefined;
}
/** Reserved example domains (RFC 2606) are placeholders, not anybody's address. */
const EXAMPLE_DOMAIN =
  /@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:example|invalid|test|localhost))$/i;

export default defineRule({
  id: 'sensitive-data-in-tags',
  defaultSeverity: 'info',
  appliesTo: ['cloudformation', 'codepipeline'],
  fixable: false,
  docs: {
    summary: `
      An e-mail address, access key, token or private key in a tag (\`Tags\` as a \`[{Key, Value}]\`
      list or as a map) or in a name property (\`Name\`, \`BucketName\`, \`FunctionName\`, ... and a
      pipeline's \`name\` and \`tags\`).
    `,
    why: `
      Tags and resource names are metadata, not data: they are copied into Cost and Usage Reports,
      Cost Explorer, AWS Config, CloudTrail events, resource ARNs and many service logs, where they
      are readable by people who have no access to the resource, and AWS advises against putting
      confidential or personal information in them. A credential there is exposed; an e-mail address
      is personal data that spreads to billing exports. Intrinsic functions, placeholders and the
      reserved example domains (\`example.com\`, \`.example\`, \`.test\`) are never reported. A
      credential in a tag is also reported by \`hardcoded-credential\`; this finding adds where the
      tag travels.
    `,
    fix: `
      Use a team, cost centre or role name instead of a personal address, and never put a credential
      in a tag or a name: keep it in Secrets Manager. A credential that was in a tag is exposed and
      must be rotated.
    `,
    references: [
      'https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html',
      'https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-alloc-tags.html',
    ],
  },
  check({ document, model, report }) {
    const check = (node: Node | undefined, what: string) => {
      for (const choice of alternatives(node)) {
        if (choice.kind !== 'string') continue;
        const problem = sensitive(choice);
        if (problem)
          report({
            at: choice,
            message: `${what} holds ${problem} ("${mask(choice.value)}"); tags and names are copied into billing reports, logs and ARNs where anyone with access to those sees them. ${problem.includes('address') ? 'Use a team or role name instead.' : 'Remove it, keep the secret in Secrets Manager and rotate it.'}`,
          });
      }
    };
    const template = model.template;
    if (template) {
      for (const resource of template.resources.values()) {
        for (const properties of alternatives(resource.properties)) {
          if (properties.kind !== 'object') continue;
          for (const property of properties.properties) {
            const key = property.key.value;
            if (key === 'Tags') checkTags(property.value, 'Key', 'Value', check);
            else if (/Name$/.test(key)) check(property.value, `${key} of "${resource.name}"`);
          }
        }
      }
    } else if (document.root?.kind === 'object') {
      const pipeline = getValue(document.root, 'pipeline') ?? document.root;
      check(getValue(pipeline, 'name'), 'The pipeline name');
      checkTags(getValue(document.root, 'tags'), 'key', 'value', check);
    }
  },
});

/** Tags as a `[{Key, Value}]` list (CloudFormation, the CodePipeline API) or a map (SAM, SSM). */
function checkTags(
  tags: Node | undefined,
  keyName: string,
  valueName: string,
  check: (node: Node | undefined, what: string) => void,
): void {
  for (const alternative of alternatives(tags)) {
    if (alternative.kind === 'array') {
      for (const item of alternative.items) {
        for (const tag of alternatives(item)) {
          const key = getValue(tag, keyName);
          const label = key?.kind === 'string' ? `Tag "${key.value}"` : 'A tag';
          check(key, 'A tag key');
          check(getValue(tag, valueName), label);
        }
      }
    } else if (alternative.kind === 'object' && !intrinsicName(alternative)) {
      for (const property of alternative.properties) {
        check(property.key, 'A tag key');
        check(property.value, `Tag "${property.key.value}"`);
      }
    }
  }
}

/** What sensitive data a string holds, or `undefined`. */
function sensitive(node: StringNode): string | undefined {
  const value = node.value;
  if (isPlaceholderValue(value)) return undefined;
  const kind = credentialKind(value);
  if (kind) return kind;
  const email = firstEmail(value);
  return email && !EXAMPLE_DOMAIN.test(email) ? 'an e-mail address' : undefined;
}
