/**
 * What a pipeline in a template needs from its service role: the permissions of each action
 * provider (from the action-type table, narrowed by the configuration), `sts:AssumeRole` for
 * actions that run as their own role, and artifact access; with the resources a fix can scope
 * them to. Only what is certain is required: unknown configuration values require nothing.
 */
import { getValue, type Node, type Range } from '../document';
import {
  alternatives,
  getAttTarget,
  intrinsicName,
  patternText,
  refTarget,
  resolveValue,
  type Action,
  type Pipeline,
  type Template,
  type TemplateResource,
} from '../model';
import { listWords } from '../prose';
import type { Value } from '../render';
import { type RolePermission } from './action-types';
import { resolveRole } from './service-role';
import { keyOf } from './spelling';

/**
 * The permission row as the table is growing it: `whenValue` narrows `whenConfig` to some values,
 * `alternatives` are other spellings of the same permission (`codeconnections:` for
 * `codestar-connections:`). Read through this type so the rule works with or without them.
 */
type Permission = RolePermission & {
  readonly whenValue?: readonly string[];
  readonly alternatives?: readonly string[];
};

/** What one group of a pipeline's actions needs from its service role. */
export interface Requirement {
  readonly at: Node | Range;
  /** Who needs it, with the verb: `the CodeBuild actions "Build" and "Test" need`. */
  readonly subject: (missing: readonly string[]) => string;
  readonly actions: readonly string[];
  /** Other spellings that grant a needed action just as well. */
  readonly spellings: ReadonlyMap<string, readonly string[]>;
  /** What the fix's statement names as `Resource`; `*` when the pipeline does not say. */
  readonly resources: readonly Value[];
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
export function requirements(
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
      const type = action.type;
      const owner = action.owner?.value;
      const provider = action.provider?.value;
      if (!type || !action.provider || provider === undefined) continue;
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
          [roleValue(action.roleArn, template)],
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
        owner === 'AWS' && NAMED_BY.has(provider)
          ? (NAMED_BY.get(provider)?.(action.configuration, template) ?? ['*'])
          : providerResources(SCOPES.get(provider), action.configuration, template),
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
      const names = named.length === concerned.length ? ` ${listWords(named)}` : '';
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
  const target = location ? refTarget(location.node) : undefined;
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
export interface Scope {
  readonly service: string;
  /** The configuration key that holds the resource's name. */
  readonly key: string;
  /** The IAM resource type, as the catalog names it. */
  readonly resourceType: string;
  /** The resource's ARN as `Fn::Sub` text, from its name written as a `Fn::Sub` fragment. */
  readonly arn: (name: string) => string;
}

/** A regional ARN in the stack's account, as `Fn::Sub` text; `resource` is the part after the account. */
export const regional = (service: string, resource: (name: string) => string) => (name: string) =>
  `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource(name)}`;

/**
 * The resources providers name by their names, with the ARN formats of the Service Authorization
 * Reference; the one table for what the role needs and for the scope fixes (`pipeline-targets`).
 */
export const SCOPES: ReadonlyMap<string, Scope> = new Map([
  [
    'CodeBuild',
    {
      service: 'codebuild',
      key: 'ProjectName',
      resourceType: 'project',
      arn: regional('codebuild', (n) => `project/${n}`),
    },
  ],
  [
    'CodeCommit',
    {
      service: 'codecommit',
      key: 'RepositoryName',
      resourceType: 'repository',
      arn: regional('codecommit', (n) => n),
    },
  ],
  [
    'CloudFormation',
    {
      service: 'cloudformation',
      key: 'StackName',
      resourceType: 'stack',
      arn: regional('cloudformation', (n) => `stack/${n}/*`),
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
  const target = refTarget(value);
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
  return [{ sub: scope.arn(name) }];
}

/**
 * A configuration value that names a resource, as a `Fn::Sub` fragment: a literal name, a
 * parameter, or the `Ref` of a template resource of one of `types` (whose `Ref` is its name).
 */
function configName(
  configuration: Node | undefined,
  key: string,
  template: Template,
  types: readonly string[],
): string | undefined {
  const value = getValue(configuration, key);
  if (value?.kind === 'string') return /[${}*?]/.test(value.value) ? undefined : value.value;
  const target = refTarget(value);
  if (target === undefined) return undefined;
  const type = template.resources.get(target)?.type;
  return template.parameters.has(target) || (type !== undefined && types.includes(type))
    ? `\${${target}}`
    : undefined;
}

/**
 * What an S3 action's bucket and object key name, as `Fn::Sub` text: the bucket, and its object
 * (every object without a key). Names are `Fn::Sub` fragments.
 */
export function s3Arns(bucket: string, key: string | undefined): [string, string] {
  const arn = `arn:\${AWS::Partition}:s3:::${bucket}`;
  return [arn, `${arn}/${key ?? '*'}`];
}

/**
 * What an ECS deployment's cluster and service name, as `Fn::Sub` text: the service, and the
 * cluster's tasks and container instances, which a deployment describes and lists.
 */
export function ecsServiceArns(cluster: string, service: string): [string, string, string] {
  const ecs = regional('ecs', (name) => name);
  return [
    ecs(`service/${cluster}/${service}`),
    ecs(`task/${cluster}/*`),
    ecs(`container-instance/${cluster}/*`),
  ];
}

/**
 * Providers whose configuration names the resources of more than one type: the S3 source's and
 * deployment's bucket and objects, the ECS deployment's service with its tasks and container
 * instances. Undefined when the configuration does not name them all.
 */
const NAMED_BY: ReadonlyMap<
  string,
  (configuration: Node | undefined, template: Template) => Value[] | undefined
> = new Map([
  [
    'S3',
    (configuration, template) => {
      const bucket =
        configName(configuration, 'S3Bucket', template, ['AWS::S3::Bucket']) ??
        configName(configuration, 'BucketName', template, ['AWS::S3::Bucket']);
      if (bucket === undefined) return undefined;
      const key = configName(configuration, 'S3ObjectKey', template, []);
      return s3Arns(bucket, key).map((sub) => ({ sub }));
    },
  ],
  [
    'ECS',
    (configuration, template) => {
      const cluster = configName(configuration, 'ClusterName', template, ['AWS::ECS::Cluster']);
      const service = configName(configuration, 'ServiceName', template, []);
      if (cluster === undefined || service === undefined) return undefined;
      return ecsServiceArns(cluster, service).map((sub) => ({ sub }));
    },
  ],
]);

/** An action role ARN as a value for the fix's `Resource`. */
function roleValue(node: Node, template: Template): Value {
  const target = getAttTarget(node);
  if (target !== undefined) return { getAtt: [target, 'Arn'] };
  if (node.kind === 'string') return node.value;
  const sub = intrinsicName(node) === 'Fn::Sub' ? getValue(node, 'Fn::Sub') : undefined;
  if (sub?.kind === 'string') return { sub: sub.value };
  // `Fn::Join` and the like: the same text as a `Fn::Sub`, when every part can be written there.
  const [only, ...others] = resolveValue(node, { template, defaults: false });
  if (
    only &&
    others.length === 0 &&
    only.segments.every((p) => p.kind === 'text' || p.source.kind !== 'unknown')
  )
    return { sub: patternText(only) };
  return '*';
}
