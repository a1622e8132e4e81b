import { getValue, type ObjectNode, type ParsedDocument } from '../document';
import { insertProperty } from '../edits';
import type { Catalog } from '../iam/catalog';
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
          fixes: () => addFix(document, role, missing, resourcesFor(catalog, need, missing)),
        });
      }
    }
  },
});

/**
 * The fix's `Resource`: the provider's resources when every missing action accepts that
 * resource type (the catalog says so), else `*`.
 */
function resourcesFor(
  catalog: Catalog,
  need: Requirement,
  missing: readonly string[],
): readonly Value[] {
  const scope = need.scope;
  if (!scope) return need.resources;
  const accepts = (name: string) => {
    const info = catalog.action(name);
    const detail = info && catalog.actionDetail(info);
    return (
      info?.service.prefix === scope.service &&
      detail?.resourceTypes.some((t) => t.name === scope.resourceType) === true
    );
  };
  return missing.every(accepts) ? need.resources : ['*'];
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
  resources: readonly Value[],
): Fix[] {
  const statement: Value = {
    map: [
      ['Effect', 'Allow'],
      ['Action', actions.length === 1 ? (actions[0] ?? '') : [...actions]],
      ['Resource', resources.length === 1 ? (resources[0] ?? '*') : [...resources]],
    ],
  };
  const title = `Allow ${listWords(actions)} in the role "${role.resource.name}"`;
  const candidates = [
    ...role.policies.filter((p) => p.holder === role.resource),
    ...role.policies.filter((p) => p.holder !== role.resource && !p.shared),
  ];
  for (const candidate of candidates) {
    if (getValue(candidate.policy.node, 'Statement')?.kind !== 'array') continue;
    const edit = appendStatement(document, candidate.policy.node, statement);
    if (edit) return [{ title, safe: false, edits: [edit] }];
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
              ['Statement', [statement]],
            ],
          },
        ],
      ],
    },
  ]);
  return edit ? [{ title, safe: false, edits: [edit] }] : [];
}
