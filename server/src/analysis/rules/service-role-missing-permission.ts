import { getValue, type ObjectNode, type ParsedDocument } from '../document';
import { insertProperty } from '../edits';
import { formatTokens, literalTokens, tokensIntersect } from '../iam/arn-match';
import type { ActionInfo, Catalog } from '../iam/catalog';
import { arnFormat, resourceTypesOf, templatePlaceholderArn } from '../iam/targets';
import { resolveRole, roleMayAllow, serviceRole, type ServiceRole } from '../pipeline/service-role';
import { requirements, type Requirement } from '../pipeline/service-role-needs';
import { listWords } from '../prose';
import type { Value } from '../render';
import { appendStatement } from '../fixes/bucket-policy';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'service-role-missing-permission',
  defaultSeverity: 'warning',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A CodePipeline pipeline's service role, declared in the same template, does not allow an
      action that one of the pipeline's action providers needs (for example \`codebuild:StartBuild\`
      for a CodeBuild action, or \`sts:AssumeRole\` for an action that runs as its own role).
    `,
    why: `
      CodePipeline calls the provider's API as the pipeline's service role: a CodeBuild action
      starts the build with \`codebuild:StartBuild\`, a CodeCommit source uploads the commit with
      \`codecommit:UploadArchive\`, and an action with its own \`RoleArn\` is run by assuming that
      role. When the role lacks one of these permissions the stack deploys fine and the pipeline
      fails at run time with an access-denied error in that action. The rule knows each AWS
      provider's permissions from its own action-type table and only speaks when it can see every
      policy the role has: the role must be a resource of the template (\`!GetAtt Role.Arn\`), and
      every policy attached to it must be in the template too. AWS managed policies, policy ARNs
      from parameters or imports, and policies attached through unknown values silence it. A grant
      on any resource, under any condition, counts as a grant, and an explicit Deny never raises a
      finding here.
    `,
    fix: `
      Add the missing actions to the role. The quick-fix appends one statement with exactly the
      missing actions to the role's first inline policy (or to a policy resource attached to the
      role only, or adds an inline policy), scoped to what the pipeline names: the CodeBuild
      projects, CodeCommit repositories or CloudFormation stacks of its actions (when every missing
      action accepts that resource type), the action roles for \`sts:AssumeRole\`, the artifact
      bucket for S3; \`*\` where the configuration does not name the resource. It is unsafe because
      it widens what the role may do: read the new statement before you accept it.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/how-to-custom-role.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html',
    ],
  },
  check({ document, model, catalog, report }) {
    const template = model.template;
    if (!template) return;
    const roles = new Map<string, ServiceRole>();
    for (const pipeline of model.pipelines) {
      const resource = resolveRole(template, pipeline.roleArn);
      if (!resource) continue;
      let role = roles.get(resource.name);
      if (!role) {
        role = serviceRole(template, model.policies, resource);
        roles.set(resource.name, role);
      }
      if (!role.complete) continue;
      for (const need of requirements(pipeline, template, resource)) {
        const missing = need.actions.filter(
          (a) => ![a, ...(need.spellings.get(a) ?? [])].some((x) => roleMayAllow(role, x)),
        );
        if (missing.length === 0) continue;
        report({
          at: need.at,
          message: `The pipeline's service role "${resource.name}" does not allow ${listWords(missing)}, which ${need.subject(missing)}; add ${missing.length === 1 ? 'it' : 'them'} to the role's policy.`,
          fixes: () => addFix(document, role, missing, grantsFor(catalog, need, missing)),
        });
      }
    }
  },
});

/** A statement the fix adds: some of the missing actions and their resources. */
interface Grant {
  readonly actions: readonly string[];
  readonly resources: readonly Value[];
}

/**
 * The statements the fix adds: the missing actions on the resources the pipeline names, each action
 * that acts on one of them (the catalog's ARN formats say so); the others on their ARN formats with
 * placeholders to fill in (never `*`, which would hand them every resource); and actions that
 * accept only `*` on `*`, in a statement of their own.
 */
function grantsFor(catalog: Catalog, need: Requirement, missing: readonly string[]): Grant[] {
  const named = need.resources.filter((r) => r !== '*');
  const starOnly: string[] = [];
  const scoped: string[] = [];
  const unnamed: ActionInfo[] = [];
  for (const name of missing) {
    const action = catalog.action(name);
    if (action?.wildcardOnly) starOnly.push(name);
    else if (action && !named.some((resource) => mayName(catalog, resource, name)))
      unnamed.push(action);
    else scoped.push(name);
  }
  const grants: Grant[] = [];
  if (scoped.length > 0)
    grants.push({ actions: scoped, resources: named.length > 0 ? named : ['*'] });
  if (unnamed.length > 0) {
    const formats = [...resourceTypesOf(catalog, unnamed)].flatMap(
      (key) => arnFormat(catalog, key) ?? [],
    );
    grants.push({
      actions: unnamed.map((a) => `${a.service.prefix}:${a.name}`),
      resources: formats.length > 0 ? formats.map(templatePlaceholderArn) : ['*'],
    });
  }
  if (starOnly.length > 0) grants.push({ actions: starOnly, resources: ['*'] });
  return grants;
}

/**
 * Whether a resource value may be one the action acts on: its text (each `${...}` read as a
 * plain name) meets one of the action's ARN formats. A `GetAtt` is taken to fit: it comes
 * from the pipeline's own table of what each provider names.
 */
function mayName(catalog: Catalog, resource: Value, name: string): boolean {
  const text =
    typeof resource === 'string'
      ? resource
      : typeof resource === 'object' && 'sub' in resource
        ? resource.sub
        : undefined;
  if (text === undefined) return true;
  const action = catalog.action(name);
  const detail = action && catalog.actionDetail(action);
  if (!detail) return true;
  // A `${...}` is a name, Region or account: one field, read as a name no format rules out.
  const tokens = literalTokens(text.replace(/\$\{[^}]*\}/g, 'x'), true);
  return detail.resourceTypes.some(
    (type) => type.detail === undefined || tokensIntersect(tokens, formatTokens(type.detail.arn)),
  );
}

/**
 * Appends a statement with exactly the missing actions: to the role's first inline policy whose
 * `Statement` is a list, else to a policy resource attached to this role alone, else as a new
 * inline policy. Unsafe: it widens what the role may do.
 */
function addFix(
  document: ParsedDocument,
  role: ServiceRole,
  actions: readonly string[],
  grants: readonly Grant[],
): Fix[] {
  const statements: Value[] = grants.map(({ actions: names, resources }) => ({
    map: [
      ['Effect', 'Allow'],
      ['Action', names.length === 1 ? (names[0] ?? '') : [...names]],
      ['Resource', resources.length === 1 ? (resources[0] ?? '*') : [...resources]],
    ],
  }));
  const title = `Allow ${listWords(actions)} in the role "${role.resource.name}"`;
  const candidates = [
    ...role.policies.filter((p) => p.holder === role.resource),
    ...role.policies.filter((p) => p.holder !== role.resource && !p.shared),
  ];
  for (const candidate of candidates) {
    if (getValue(candidate.policy.node, 'Statement')?.kind !== 'array') continue;
    // Each statement goes after the same last one: their texts follow each other in one edit.
    const edits = statements.map((statement) =>
      appendStatement(document, candidate.policy.node, statement),
    );
    const [first] = edits;
    if (first && edits.every((e) => e !== undefined)) {
      const newText = edits.map((e) => e?.newText ?? '').join('');
      return [{ title, safe: false, edits: [{ ...first, newText }] }];
    }
  }
  const properties = role.resource.properties;
  if (properties?.kind !== 'object' || getValue(properties, 'Policies') !== undefined) return [];
  const edit = insertProperty(document, properties as ObjectNode, 'Policies', [
    {
      map: [
        ['PolicyName', 'pipeline-actions'],
        [
          'PolicyDocument',
          {
            map: [
              ['Version', '2012-10-17'],
              ['Statement', statements],
            ],
          },
        ],
      ],
    },
  ]);
  return edit ? [{ title, safe: false, edits: [edit] }] : [];
}
