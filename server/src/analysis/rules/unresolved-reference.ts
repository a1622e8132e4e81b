import {
  getValue,
  stringSourceRange,
  type Node,
  type ObjectNode,
  type ParsedDocument,
  type Range,
} from '../document';
import { editDistance } from '../iam/nearest';
import { intrinsicName } from '../model/values';
import { defineRule, type Fix, type RuleContext } from './rule';

/** The pseudo parameters CloudFormation defines in every stack. */
const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const FOR_EACH = 'Fn::ForEach::';

export default defineRule({
  id: 'unresolved-reference',
  defaultSeverity: 'error',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A \`Ref\`, \`Fn::GetAtt\` or \`\${Name}\` in \`Fn::Sub\` names something the template does not
      define: no parameter, resource, pseudo parameter or \`Fn::ForEach\` identifier of that name.
    `,
    why: `
      CloudFormation rejects the whole template (\`Unresolved resource dependencies [Buket] in the
      Resources block of the template\`) and creates nothing, so a misspelt logical id, a resource
      renamed in one place only or a parameter deleted while still referenced fails the deployment,
      usually long after the edit. \`Fn::GetAtt\` and \`\${Name.Attribute}\` must name a resource.
      An IAM policy variable written unescaped in \`Fn::Sub\` (\`\${aws:username}\`) is such a name
      too: CloudFormation hands it to IAM only when escaped as \`\${!aws:username}\`.
      Templates with a \`Transform\` (SAM, \`AWS::LanguageExtensions\`, macros) are not checked: the
      transform creates names of its own, such as SAM's \`ServerlessRestApi\` or a function's
      \`Role\`. Nor is a template that does not parse, whose definitions may be in the part that did
      not.
    `,
    fix: `
      Correct the name, or define the parameter or resource. When one defined name is within two
      edits of the one written (\`Buket\` for \`Bucket\`), the quick-fix replaces it; it is unsafe,
      since the intended target may be another. For a policy variable the quick-fix escapes it.
    `,
    references: [
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html',
    ],
  },
  check({ document, model, report }) {
    const template = model.template;
    if (!template || getValue(template.root, 'Transform') !== undefined) return;
    if (document.problems.some((p) => p.code === 'parse-error')) return;
    // Rain (`!Rain::Module`, `{"Rain::Embed": ...}`) rewrites the template before CloudFormation
    // sees it, and its modules add resources named after the module.
    if (document.text.includes('Rain::')) return;
    const names = definedNames(template.root);
    if (names.transformed) return;
    const check = (written: string, name: string, at: Range, needsResource: boolean) => {
      if (needsResource ? names.resources.has(name) : names.all.has(name)) return;
      // A module's resources are named by its logical id followed by their own.
      if (names.modules.some((module) => name.startsWith(module))) return;
      const kind = names.all.has(name) ? 'a parameter' : undefined;
      const candidates = needsResource ? names.resources : names.all;
      const nearest = nearestName(name, candidates);
      const what = needsResource ? 'resource' : 'parameter, resource or pseudo parameter';
      const hint = nearest ? ` Did you mean "${nearest}"?` : '';
      report({
        at,
        message: kind
          ? `"${name}" is ${kind}, not a resource: ${written} cannot read its attributes, and CloudFormation rejects the template.${hint}`
          : `"${name}" is no ${what} of this template: CloudFormation cannot resolve ${written} and rejects the template.${hint}`,
        fixes: nearest ? rename(document, at, name, nearest) : [],
      });
    };
    const visit = (node: Node): void => {
      if (node.kind === 'array') {
        for (const item of node.items) visit(item);
        return;
      }
      if (node.kind !== 'object') return;
      switch (intrinsicName(node)) {
        case 'Ref':
          checkRef(node, check);
          break;
        case 'Fn::GetAtt':
          checkGetAtt(document, node, check);
          break;
        case 'Fn::Sub':
          checkSub(document, node, check, report);
          break;
      }
      for (const property of node.properties) if (property.value) visit(property.value);
    };
    for (const section of template.root.properties) {
      // The template's own Metadata is free-form: CloudFormation does not resolve intrinsics there.
      if (section.key.value !== 'Metadata' && section.value) visit(section.value);
    }
  },
});

type Check = (written: string, name: string, at: Range, needsResource: boolean) => void;

function checkRef(node: ObjectNode, check: Check): void {
  const target = getValue(node, 'Ref');
  if (target?.kind === 'string') check(`Ref ${target.value}`, target.value, target, false);
}

/** `[Name, Attribute]`, or the `Name.Attribute` string of the short form. */
function checkGetAtt(document: ParsedDocument, node: ObjectNode, check: Check): void {
  const args = getValue(node, 'Fn::GetAtt');
  const first = args?.kind === 'array' ? args.items[0] : args;
  if (first?.kind !== 'string') return;
  if (args?.kind === 'array') {
    check(`Fn::GetAtt ${first.value}`, first.value, first, true);
    return;
  }
  const dot = first.value.indexOf('.');
  if (dot <= 0) return;
  const name = first.value.slice(0, dot);
  check(`Fn::GetAtt ${first.value}`, name, stringSourceRange(document.text, first, 0, dot), true);
}

/** Every `${Name}` and `${Name.Attribute}` of the text, except `${!Literal}` and mapped names. */
function checkSub(
  document: ParsedDocument,
  node: ObjectNode,
  check: Check,
  report: RuleContext['report'],
): void {
  const args = getValue(node, 'Fn::Sub');
  const textNode = args?.kind === 'array' ? args.items[0] : args;
  const variables = args?.kind === 'array' ? args.items[1] : undefined;
  if (textNode?.kind !== 'string') return;
  // A map built by an intrinsic could define any name.
  if (variables !== undefined && variables.kind !== 'object') return;
  const mapped = new Set(variables?.properties.map((p) => p.key.value) ?? []);
  for (const match of textNode.value.matchAll(/\$\{([^}]*)\}/g)) {
    const name = (match[1] ?? '').trim();
    if (name === '' || name.startsWith('!') || mapped.has(name)) continue;
    const at = stringSourceRange(
      document.text,
      textNode,
      match.index,
      match.index + match[0].length,
    );
    // `${AWS:Region}` is a misspelt pseudo parameter, not a policy variable.
    const pseudo = PSEUDO_PARAMETERS.has(name.replace(/^AWS:(?!:)/, 'AWS::'));
    if (!pseudo && POLICY_VARIABLE.test(name)) {
      policyVariable(document, at, match[0], report);
      continue;
    }
    const dot = name.indexOf('.');
    if (dot > 0) check(match[0], name.slice(0, dot), at, true);
    else check(match[0], name, at, false);
  }
}

/** An IAM policy variable (`aws:username`, `s3:prefix`): a key with one colon, never `::`. */
const POLICY_VARIABLE = /^[\w.-]+:(?!:)[^}]*$/;

/**
 * `${aws:username}` unescaped in `Fn::Sub`: CloudFormation takes it for a name of its own and
 * rejects the template; `${!aws:username}` hands the variable to IAM.
 */
function policyVariable(
  document: ParsedDocument,
  at: Range,
  written: string,
  report: RuleContext['report'],
): void {
  const escaped = `\${!${written.slice(2)}`;
  const exact = document.text.slice(at.start, at.end) === written;
  report({
    at,
    message: `${written} in Fn::Sub is read as a CloudFormation name, which does not exist, so CloudFormation rejects the template. Write ${escaped} to pass the IAM policy variable through.`,
    fixes: exact
      ? [
          {
            title: `Escape as ${escaped}`,
            safe: false,
            edits: [{ start: at.start + 2, end: at.start + 2, newText: '!' }],
          },
        ]
      : [],
  });
}

interface DefinedNames {
  readonly resources: ReadonlySet<string>;
  /** Parameters, resources, pseudo parameters and `Fn::ForEach` identifiers. */
  readonly all: ReadonlySet<string>;
  /** Resources that are modules (`Org::Service::Name::MODULE`), whose resources they prefix. */
  readonly modules: readonly string[];
  /** An `Fn::Transform` somewhere: a macro may add names. */
  readonly transformed: boolean;
}

function definedNames(root: ObjectNode): DefinedNames {
  const keys = (section: string) => {
    const node = getValue(root, section);
    return node?.kind === 'object' ? node.properties.map((p) => p.key.value) : [];
  };
  const resources = new Set(keys('Resources'));
  const modules = [...resources].filter((name) => {
    const type = getValue(getValue(getValue(root, 'Resources'), name), 'Type');
    return type?.kind === 'string' && type.value.endsWith('::MODULE');
  });
  const all = new Set([...PSEUDO_PARAMETERS, ...keys('Parameters'), ...resources]);
  let transformed = false;
  const visit = (node: Node): void => {
    if (node.kind === 'array') for (const item of node.items) visit(item);
    if (node.kind !== 'object') return;
    for (const property of node.properties) {
      const key = property.key.value;
      if (key === 'Fn::Transform') transformed = true;
      const args = property.value;
      if (key.startsWith(FOR_EACH) && args?.kind === 'array' && args.items[0]?.kind === 'string') {
        all.add(args.items[0].value);
      }
      if (args) visit(args);
    }
  };
  visit(root);
  return { resources, all, modules, transformed };
}

/** The one defined name within two edits of the written one, if there is exactly one. */
function nearestName(name: string, candidates: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  let tied = false;
  for (const candidate of candidates) {
    if (PSEUDO_PARAMETERS.has(candidate) && !name.startsWith('AWS')) continue;
    const distance = editDistance(name, candidate, 2);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) {
      tied = true;
    }
  }
  return best !== undefined && !tied ? best : undefined;
}

/**
 * The fix that writes the nearest name in place of the written one, when the range holds just the
 * name (quoted, or as `${Name}`); a range that fell back to a whole block scalar gets none.
 */
function rename(document: ParsedDocument, at: Range, from: string, to: string): Fix[] {
  const written = document.text.slice(at.start, at.end);
  const inner = /^(["']?)(.*)\1$/.exec(written)?.[2] ?? written;
  const bare = inner.startsWith('${') ? inner.slice(2, -1).trim() : inner;
  if (bare !== from && !bare.startsWith(`${from}.`)) return [];
  const start = at.start + written.indexOf(from);
  return [
    {
      title: `Change "${from}" to "${to}"`,
      safe: false,
      edits: [{ start, end: start + from.length, newText: to }],
    },
  ];
}
