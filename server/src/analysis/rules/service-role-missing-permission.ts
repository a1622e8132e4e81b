import { getValue, type Node, type ObjectNode, type ParsedDocument, type Range } from '../document';
import { insertProperty } from '../edits';
import {
  alternatives,
  getAttTarget,
  intrinsicName,
  type Action,
  type Pipeline,
  type Template,
  type TemplateResource,
} from '../model';
import type { Catalog } from '../iam/catalog';
import { findActionType, type RolePermission } from '../pipeline/action-types';
import { resolveRole, roleMayAllow, serviceRole, type ServiceRole } from '../pipeline/service-role';
import { keyOf } from '../pipeline/spelling';
import type { Value } from '../render';
import { appendStatement } from './bucket-policy-edits';
import { contentEnd, indentUnit, lineBreakOf } from '../edits';
import { renderYamlItem } from '../render';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'service-role-missing-permission',
  defaultSeverity: 'warning',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary:
      "A CodePipeline pipeline's service role, declared in the same template, does not allow an action that one of the pipeline's action providers needs (for example `codebuild:StartBuild` for a CodeBuild action, or `sts:AssumeRole` for an action that runs as its own role).",
    why: "CodePipeline calls the provider's API as the pipeline's service role: a CodeBuild action starts the build with `codebuild:StartBuild`, a CodeCommit source uploads the commit with `codecommit:UploadArchive`, and an action with its own `RoleArn` is run by assuming that role. When the role lacks one of these permissions the stack deploys fine and the pipeline fails at run time with an access-denied error in that action. The rule knows each AWS provider's permissions from its own action-type table and only speaks when it can see every policy the role has: the role must be a resource of the template (`!GetAtt Role.Arn`), and every policy attached to it must be in the template too. AWS managed policies, policy ARNs from parameters or imports, and policies attached through unknown values silence it. A grant on any resource, under any condition, counts as a grant, and an explicit Deny never raises a finding here.",
    bad: {
      language: 'yaml',
      code: "Resources:\n  PipelineRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: codepipeline.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: pipeline\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [s3:GetObject, s3:PutObject]\n                Resource: '*'\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      RoleArn: !GetAtt PipelineRole.Arn\n      ArtifactStore: { Type: S3, Location: app-artifacts }\n      Stages:\n        - Name: Build\n          Actions:\n            - Name: Build\n              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1' }\n              Configuration: { ProjectName: app-build }\n              InputArtifacts: [{ Name: Src }]\n",
    },
    good: {
      language: 'yaml',
      code: "Resources:\n  PipelineRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: codepipeline.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: pipeline\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [s3:GetObject, s3:PutObject]\n                Resource: '*'\n              - Effect: Allow\n                Action: [codebuild:BatchGetBuilds, codebuild:StartBuild]\n                Resource: !Sub 'arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:project/app-build'\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      RoleArn: !GetAtt PipelineRole.Arn\n      ArtifactStore: { Type: S3, Location: app-artifacts }\n      Stages:\n        - Name: Build\n          Actions:\n            - Name: Build\n              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1' }\n              Configuration: { ProjectName: app-build }\n              InputArtifacts: [{ Name: Src }]\n",
    },
    fix: "Add the missing actions to the role. The quick-fix appends one statement with exactly the missing actions to the role's first inline policy (or to a policy resource attached to the role only, or adds an inline policy), scoped to what the pipeline names: the CodeBuild projects, CodeCommit repositories or CloudFormation stacks of its actions (when every missing action accepts that resource type), the action roles for `sts:AssumeRole`, the artifact bucket for S3; `*` where the configuration does not name the resource. It is unsafe because it widens what the role may do: read the new statement before you accept it.",
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
          message: `The pipeline's service role "${resource.name}" does not allow ${list(missing)}, which ${need.subject(missing)}; add ${missing.length === 1 ? 'it' : 'them'} to the role's policy.`,
          fixes: addFix(document, role, missing, resourcesFor(catalog, need, missing)),
        });
      }
    }
  },
});

/**
 * The permission row as the table is growing it: `whenValue` narrows `whenConfig` to some values,
 * `alternatives` are other spellings of the same permission (`codeconnections:` for
 * `codestar-connections:`). Read through this type so the rule works with or without them.
 */
type Permission = RolePermission & {
  readonly whenValue?: readonly string[];
  readonly alternatives?: readonly string[];
};

/** What one group of a pipeline's actions needs from the service role. */
interface Requirement {
  readonly at: Node | Range;
  /** Who needs it, with the verb: `the CodeBuild actions "Build" and "Test" need`. */
  readonly subject: (missing: readonly string[]) => string;
  readonly actions: readonly string[];
  /** Other spellings that grant a needed action just as well. */
  readonly spellings: ReadonlyMap<string, readonly string[]>;
  /** What the fix's statement names as `Resource`; `*` when the pipeline does not say. */
  readonly resources: readonly Value[];
  /** The resource type the provider's `resources` are ARNs of; a missing action must accept it. */
  readonly scope?: Scope;
}

interface Group {
  at: Node | Range;
  label: string;
  /** Each action of the group with what it needs, so a finding names only the ones concerned. */
  members: { readonly name: string | undefined; readonly needs: readonly string[] }[];
  actions: Set<string>;
  spellings: Map<string, string[]>;
  resources: Value[];
}

/**
 * The pipeline's requirements, one per provider (two CodeBuild actions make one finding), one for
 * the action roles it assumes, and one for its artifact store.
 */
function requirements(
  pipeline: Pipeline,
  template: Template,
  pipelineRole: TemplateResource,
): Requirement[] {
  const groups = new Map<string, Group>();
  const add = (
    key: string,
    action: Action,
    label: string,
    at: Node,
    needs: string[],
    resources: Value[],
    spellings: ReadonlyMap<string, readonly string[]> = new Map(),
  ) => {
    let group = groups.get(key);
    if (!group) {
      group = { at, label, members: [], actions: new Set(), spellings: new Map(), resources: [] };
      groups.set(key, group);
    }
    group.members.push({ name: action.name?.value, needs });
    for (const need of needs) group.actions.add(need);
    for (const [need, others] of spellings) {
      group.spellings.set(need, [...(group.spellings.get(need) ?? []), ...others]);
    }
    for (const resource of resources) {
      if (!group.resources.some((r) => JSON.stringify(r) === JSON.stringify(resource)))
        group.resources.push(resource);
    }
  };
  let readsArtifacts = false;
  for (const stage of pipeline.stages) {
    for (const action of stage.actions) {
      const owner = action.owner?.value;
      const category = action.category?.value;
      const provider = action.provider?.value;
      if (owner === undefined || category === undefined || provider === undefined) continue;
      const type = findActionType(owner, category, provider);
      if (!type || !action.provider) continue;
      // An action role that is the pipeline's own role changes nothing.
      const ownRole =
        action.roleArn !== undefined && resolveRole(template, action.roleArn) === pipelineRole;
      if (action.roleArn !== undefined && !ownRole) {
        // The action runs as its own role (often in another account): the pipeline's role only
        // assumes it, and the provider permissions belong to that role. An `Fn::If` that may drop
        // the role leaves both possible, so neither is required.
        if (intrinsicName(action.roleArn) === 'Fn::If') continue;
        add(
          'sts',
          action,
          'action',
          action.roleArn,
          ['sts:AssumeRole'],
          [roleValue(action.roleArn)],
        );
        continue;
      }
      if (action.inputArtifacts.items.length > 0 || action.outputArtifacts.items.length > 0)
        readsArtifacts = true;
      const needs: string[] = [];
      const spellings = new Map<string, string[]>();
      for (const permission of type.permissions as readonly Permission[]) {
        if (
          permission.whenConfig !== undefined &&
          !configOn(action.configuration, permission.whenConfig, permission.whenValue)
        )
          continue;
        needs.push(...permission.actions);
        for (const other of permission.alternatives ?? []) {
          const name = other.slice(other.indexOf(':'));
          for (const need of permission.actions) {
            if (need.endsWith(name)) spellings.set(need, [...(spellings.get(need) ?? []), other]);
          }
        }
      }
      if (needs.length === 0) continue;
      add(
        `${owner}\0${provider}`,
        action,
        `${provider} action`,
        action.provider.node,
        needs,
        providerResources(SCOPES.get(provider), action.configuration, template),
        spellings,
      );
    }
  }
  const result: Requirement[] = [];
  for (const [key, group] of groups) {
    const subject = (missing: readonly string[]) => {
      const concerned = group.members.filter((m) => m.needs.some((n) => missing.includes(n)));
      const plural = concerned.length > 1;
      const named = concerned.flatMap((m) => (m.name === undefined ? [] : [`"${m.name}"`]));
      const names = named.length === concerned.length ? ` ${list(named)}` : '';
      return key === 'sts'
        ? `the pipeline needs to assume the role${plural ? 's' : ''} of ${plural ? 'actions' : 'action'}${names || ' with a RoleArn'}`
        : `the ${group.label}${plural ? 's' : ''}${names} ${plural ? 'need' : 'needs'}`;
    };
    const resources = group.resources.some((r) => r === '*') ? ['*'] : group.resources;
    result.push({
      at: group.at,
      subject,
      actions: [...group.actions],
      spellings: group.spellings,
      resources,
      scope: SCOPES.get(key.split('\0')[1] ?? ''),
    });
  }
  // An action provider that already needs an S3 action reports it; the store asks for the rest.
  const store = artifactRequirement(pipeline, template, readsArtifacts);
  const claimed = new Set(result.flatMap((r) => r.actions));
  const rest = store?.actions.filter((a) => !claimed.has(a)) ?? [];
  if (store && rest.length > 0) result.push({ ...store, actions: rest });
  return result;
}

/**
 * CodePipeline reads and writes the artifacts of actions that run as the pipeline's role. Only
 * required when no bucket policy in the template allows anything: such a policy may grant the
 * role the access instead (a resource policy in the same account is enough on its own).
 */
function artifactRequirement(
  pipeline: Pipeline,
  template: Template,
  readsArtifacts: boolean,
): Requirement | undefined {
  const store = pipeline.artifactStores[0];
  if (!readsArtifacts || pipeline.artifactStores.length !== 1 || !store) return undefined;
  if (store.type?.value !== 'S3') return undefined;
  for (const resource of template.resources.values()) {
    if (resource.type === 'AWS::S3::BucketPolicy') return undefined;
  }
  const location = store.location;
  const target = location ? refName(location.node) : undefined;
  const bucket =
    location?.value !== undefined
      ? { sub: `arn:\${AWS::Partition}:s3:::${location.value}/*` }
      : target !== undefined && template.resources.get(target)?.type === 'AWS::S3::Bucket'
        ? { sub: `\${${target}.Arn}/*` }
        : '*';
  return {
    at: keyOf(store.node),
    subject: () =>
      "CodePipeline needs to read and write the pipeline's artifacts in the artifact store",
    actions: ['s3:GetObject', 's3:PutObject'],
    spellings: new Map(),
    resources: [bucket],
  };
}

/**
 * A configuration key holding a literal other than `false` (or, with `values`, one of those,
 * without case), in every `Fn::If` branch; unknown values are not assumed on.
 */
function configOn(
  configuration: Node | undefined,
  key: string,
  values: readonly string[] | undefined,
): boolean {
  const choices = alternatives(getValue(configuration, key));
  if (choices.length === 0) return false;
  if (values !== undefined) {
    const wanted = values.map((v) => v.toLowerCase());
    return choices.every(
      (value) => value.kind === 'string' && wanted.includes(value.value.trim().toLowerCase()),
    );
  }
  return choices.every((value) =>
    value.kind === 'boolean'
      ? value.value
      : value.kind === 'string'
        ? value.value.trim().toLowerCase() !== 'false' && value.value.trim() !== ''
        : value.kind === 'number',
  );
}

/** How a provider's configuration names the resource its permissions act on. */
interface Scope {
  readonly service: string;
  readonly key: string;
  /** The IAM resource type, as the catalog names it. */
  readonly resourceType: string;
  readonly arn: (name: string) => string;
}

const SCOPES: ReadonlyMap<string, Scope> = new Map([
  [
    'CodeBuild',
    {
      service: 'codebuild',
      key: 'ProjectName',
      resourceType: 'project',
      arn: (n: string) => `project/${n}`,
    },
  ],
  [
    'CodeCommit',
    {
      service: 'codecommit',
      key: 'RepositoryName',
      resourceType: 'repository',
      arn: (n: string) => n,
    },
  ],
  [
    'CloudFormation',
    {
      service: 'cloudformation',
      key: 'StackName',
      resourceType: 'stack',
      arn: (n: string) => `stack/${n}/*`,
    },
  ],
]);

/**
 * The ARN of the resource a provider's action names in its configuration (CodeBuild project,
 * CodeCommit repository, CloudFormation stack), as a `!Sub`; `*` for other providers and for
 * names the document does not give.
 */
function providerResources(
  scope: Scope | undefined,
  configuration: Node | undefined,
  template: Template,
): Value[] {
  if (!scope) return ['*'];
  const value = getValue(configuration, scope.key);
  let name: string | undefined;
  if (value?.kind === 'string') name = value.value;
  const target = refName(value);
  if (target !== undefined) {
    const type = template.resources.get(target)?.type;
    if (template.parameters.has(target) || type === 'AWS::CodeBuild::Project')
      name = `\${${target}}`;
  }
  // `Ref` of a CodeCommit repository is its id; its name is an attribute.
  const attribute = getAttTarget(value);
  if (
    attribute !== undefined &&
    template.resources.get(attribute)?.type === 'AWS::CodeCommit::Repository'
  )
    name = `\${${attribute}.Name}`;
  if (name === undefined || /[${}]/.test(name.replace(/\$\{[A-Za-z0-9.:]+\}/g, ''))) return ['*'];
  return [
    {
      sub: `arn:\${AWS::Partition}:${scope.service}:\${AWS::Region}:\${AWS::AccountId}:${scope.arn(name)}`,
    },
  ];
}

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

/** An action role ARN as a value for the fix's `Resource`. */
function roleValue(node: Node): Value {
  const target = getAttTarget(node);
  if (target !== undefined) return { getAtt: [target, 'Arn'] };
  if (node.kind === 'string') return node.value;
  const sub = intrinsicName(node) === 'Fn::Sub' ? getValue(node, 'Fn::Sub') : undefined;
  if (sub?.kind === 'string') return { sub: sub.value };
  return '*';
}

function refName(node: Node | undefined): string | undefined {
  const target = intrinsicName(node) === 'Ref' ? getValue(node, 'Ref') : undefined;
  return target?.kind === 'string' ? target.value : undefined;
}

function list(actions: readonly string[]): string {
  if (actions.length === 1) return actions[0] ?? '';
  return `${actions.slice(0, -1).join(', ')} and ${actions[actions.length - 1]}`;
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
  const title = `Allow ${list(actions)} in the role "${role.resource.name}"`;
  const candidates = [
    ...role.policies.filter((p) => p.holder === role.resource),
    ...role.policies.filter((p) => p.holder !== role.resource && !p.shared),
  ];
  for (const candidate of candidates) {
    if (getValue(candidate.policy.node, 'Statement')?.kind !== 'array') continue;
    const edit = appendTo(document, candidate.policy.node, statement);
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

/**
 * `appendStatement`, plus the YAML style that puts each `-` on a line of its own with the
 * statement below it (`appendStatement` would write the new item at the statement's column,
 * which YAML reads as a key of the previous statement).
 */
function appendTo(document: ParsedDocument, policy: ObjectNode, statement: Value) {
  const list = getValue(policy, 'Statement');
  const last = list?.kind === 'array' ? list.items[list.items.length - 1] : undefined;
  const { text } = document;
  if (document.format === 'yaml' && last !== undefined && text[list?.start ?? 0] !== '[') {
    const lineStart = text.lastIndexOf('\n', last.start - 1) + 1;
    const head = text.slice(lineStart, last.start);
    const dashLineEnd = lineStart - 1;
    const dashLineStart = text.lastIndexOf('\n', dashLineEnd - 1) + 1;
    const dashLine = text.slice(dashLineStart, dashLineEnd).replace(/\r$/, '');
    if (/^[ \t]*$/.test(head) && /^[ \t]*-[ \t]*$/.test(dashLine)) {
      const eol = lineBreakOf(text);
      const at = contentEnd(text, last.end);
      const item = renderYamlItem(statement, head, indentUnit(text), eol);
      return { start: at, end: at, newText: `${eol}${dashLine.trimEnd()}${eol}${head}${item}` };
    }
  }
  return appendStatement(document, policy, statement);
}
