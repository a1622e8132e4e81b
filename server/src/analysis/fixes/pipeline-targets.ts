/**
 * The resources a CodePipeline's service role works on, as scope targets for `"Resource": "*"`:
 * the pipeline's artifact buckets, and what its actions name in their configuration (CodeBuild
 * projects, CloudFormation stacks and the roles passed to them, source repositories, functions,
 * ...). Used when the policy with the `*` belongs to a role the pipeline names in `RoleArn`.
 */
import { getValue, type Node } from '../document';
import { templateResourceArn, type ResourceTypeKey } from '../iam/targets';
import {
  alternatives,
  getAttTarget,
  refTarget,
  type Pipeline,
  type Policy,
  type Template,
} from '../model';
import { roleReferences, rolesOfPolicy } from '../pipeline/service-role';
import { ecsServiceArns, regional, s3Arns, SCOPES } from '../pipeline/service-role-needs';
import type { Value } from '../render';

/** One of the pipeline's resources, with its ARN as each IAM resource type it can be. */
export interface PipelineTarget {
  /** How the fix names it, e.g. `artifact bucket ArtifactBucket` or `stack app-stack`. */
  readonly label: string;
  readonly arns: readonly { readonly type: ResourceTypeKey; readonly arn: Value }[];
  /**
   * The one action this resource is for, when only that action uses it: a role the pipeline passes
   * (`iam:PassRole`) is not one it assumes (`sts:AssumeRole`), though both are `iam/role`.
   */
  readonly action?: string;
}

/** How an action's configuration key names a resource, per provider. */
interface ConfigTarget {
  readonly key: string;
  readonly noun: string;
  /** See `PipelineTarget.action`. */
  readonly action?: string;
  /** `name`: the value is the resource's name; `arn`: the value is its ARN. */
  readonly kind: 'name' | 'arn';
  /** For names: the ARNs per IAM type, from the name written as an `Fn::Sub` fragment. */
  readonly arns: readonly { type: ResourceTypeKey; sub: (name: string, config: Node) => string }[];
}

const byName = (key: string, noun: string, arns: ConfigTarget['arns']): ConfigTarget => ({
  key,
  noun,
  kind: 'name',
  arns,
});
const byArn = (key: string, noun: string, ...types: ResourceTypeKey[]): ConfigTarget => ({
  key,
  noun,
  kind: 'arn',
  arns: types.map((type) => ({ type, sub: () => '' })),
});

const bucket = (key: string, objectKey?: string) =>
  byName(key, 'bucket', [
    { type: 's3/bucket', sub: (n) => s3Arns(n, undefined)[0] },
    {
      type: 's3/object',
      sub: (n, config) => s3Arns(n, objectKey ? literal(config, objectKey) : undefined)[1],
    },
  ]);

/** A resource named the way the service role's needs scope it (`SCOPES`, one table of ARNs). */
function scoped(provider: string, noun: string): ConfigTarget {
  const scope = SCOPES.get(provider);
  return byName(
    scope?.key ?? '',
    noun,
    scope ? [{ type: `${scope.service}/${scope.resourceType}`, sub: scope.arn }] : [],
  );
}

/** Configuration keys that name resources, by action provider. */
const PROVIDERS: ReadonlyMap<string, readonly ConfigTarget[]> = new Map([
  ['CodeBuild', [scoped('CodeBuild', 'project')]],
  [
    'CloudFormation',
    [
      scoped('CloudFormation', 'stack'),
      { ...byArn('RoleArn', 'role', 'iam/role'), action: 'iam:PassRole' },
    ],
  ],
  ['CodeCommit', [scoped('CodeCommit', 'repository')]],
  [
    'ECR',
    [
      byName('RepositoryName', 'repository', [
        { type: 'ecr/repository', sub: regional('ecr', (n) => `repository/${n}`) },
      ]),
    ],
  ],
  [
    'Lambda',
    [
      byName('FunctionName', 'function', [
        { type: 'lambda/function', sub: regional('lambda', (n) => `function:${n}`) },
      ]),
    ],
  ],
  [
    'CodeDeploy',
    [
      byName('ApplicationName', 'application', [
        {
          type: 'codedeploy/application',
          sub: regional('codedeploy', (n) => `application:${n}`),
        },
      ]),
    ],
  ],
  [
    'ECS',
    [
      byName('ClusterName', 'cluster', [
        { type: 'ecs/cluster', sub: regional('ecs', (n) => `cluster/${n}`) },
      ]),
      // The service the action deploys, with the tasks and container instances of its cluster,
      // which the deployment describes and lists.
      byName('ServiceName', 'service', [
        { type: 'ecs/service', sub: (n, config) => ecsServiceArns(clusterOf(config), n)[0] },
        { type: 'ecs/task', sub: (n, config) => ecsServiceArns(clusterOf(config), n)[1] },
        {
          type: 'ecs/container-instance',
          sub: (n, config) => ecsServiceArns(clusterOf(config), n)[2],
        },
      ]),
    ],
  ],
  ['S3', [bucket('S3Bucket', 'S3ObjectKey'), bucket('BucketName')]],
  [
    'CodeStarSourceConnection',
    [
      byArn(
        'ConnectionArn',
        'connection',
        'codestar-connections/connection',
        'codeconnections/connection',
      ),
    ],
  ],
  ['StepFunctions', [byArn('StateMachineArn', 'state machine', 'states/statemachine')]],
  ['Manual', [byArn('NotificationArn', 'topic', 'sns/topic')]],
]);

/** The pipelines of the template whose service role (`RoleArn`) holds this policy. */
export function pipelinesOfPolicy(
  template: Template,
  pipelines: readonly Pipeline[],
  policy: Policy,
): Pipeline[] {
  const roles = rolesOfPolicy(template, policy);
  if (roles.size === 0) return [];
  return pipelines.filter((p) =>
    roleReferences(template, p.roleArn).some((r) => r !== undefined && roles.has(r.name)),
  );
}

/** An ECS action's cluster as an `Fn::Sub` fragment: its literal name or parameter, else `*`. */
function clusterOf(config: Node): string {
  const value = getValue(config, 'ClusterName');
  const ref = refTarget(value);
  if (ref !== undefined && !ref.startsWith('AWS::')) return `\${${ref}}`;
  return literal(config, 'ClusterName') ?? '*';
}

function literal(config: Node, key: string): string | undefined {
  const value = getValue(config, key);
  return value?.kind === 'string' && !value.value.includes('${') ? value.value : undefined;
}

/** Every resource the pipeline works on, each once, in document order. */
export function pipelineTargets(template: Template, pipeline: Pipeline): PipelineTarget[] {
  const targets = new Map<string, PipelineTarget>();
  const add = (target: PipelineTarget | undefined) => {
    // One resource may be named twice (the artifact bucket as an S3 source too): keep the first.
    const key = JSON.stringify([target?.arns, target?.action]);
    if (target && target.arns.length > 0 && !targets.has(key)) targets.set(key, target);
  };
  for (const store of pipeline.artifactStores) {
    const location = store.location?.node;
    const named = location && namedTarget(template, location, bucket('Location'), store.node);
    if (named) add({ ...named, label: `artifact ${named.label}` });
  }
  for (const stage of pipeline.stages) {
    for (const action of stage.actions) {
      for (const role of alternatives(action.roleArn)) {
        const target = arnTarget(template, role, 'role', ['sts/role']);
        add(target && { ...target, action: 'sts:AssumeRole' });
      }
      const provider = action.provider?.value;
      const config = action.configuration;
      if (provider === undefined || config === undefined) continue;
      for (const entry of PROVIDERS.get(provider) ?? []) {
        for (const value of alternatives(getValue(config, entry.key))) {
          add(
            entry.kind === 'arn'
              ? arnTarget(
                  template,
                  value,
                  entry.noun,
                  entry.arns.map((a) => a.type),
                )
              : namedTarget(template, value, entry, config),
          );
        }
      }
    }
  }
  return [...targets.values()];
}

/** A resource named by its name: a template resource (`!Ref Project`), a parameter or a literal. */
function namedTarget(
  template: Template,
  value: Node,
  entry: ConfigTarget,
  config: Node,
): PipelineTarget | undefined {
  const ref = refTarget(value);
  if (ref !== undefined && template.resources.has(ref)) {
    const arns = entry.arns.map((a) => ({
      type: a.type,
      arn: templateResourceArn(template, ref, a.type) ?? { sub: a.sub(`\${${ref}}`, config) },
    }));
    return { label: `${entry.noun} ${ref}`, arns };
  }
  const fragment =
    ref !== undefined && !ref.startsWith('AWS::')
      ? `\${${ref}}`
      : value.kind === 'string' && !value.value.includes('${') && value.value !== ''
        ? value.value
        : undefined;
  if (fragment === undefined) return undefined;
  return {
    label: `${entry.noun} ${fragment}`,
    arns: entry.arns.map((a) => ({ type: a.type, arn: { sub: a.sub(fragment, config) } })),
  };
}

/** A resource named by its ARN: `!GetAtt Role.Arn`, `!Ref Topic`, a literal ARN. */
function arnTarget(
  template: Template,
  value: Node,
  noun: string,
  types: readonly ResourceTypeKey[],
): PipelineTarget | undefined {
  const resource = getAttTarget(value) ?? refTarget(value);
  if (resource !== undefined && template.resources.has(resource)) {
    const arns = types.flatMap((type) => {
      const arn = templateResourceArn(template, resource, type);
      return arn ? [{ type, arn }] : [];
    });
    return { label: `${noun} ${resource}`, arns };
  }
  if (value.kind === 'string' && value.value.startsWith('arn:')) {
    const service = value.value.split(':')[2] ?? '';
    const arns = types
      .filter(
        (type) => type.startsWith(`${service}/`) || (type === 'sts/role' && service === 'iam'),
      )
      .map((type) => ({ type, arn: value.value }));
    return { label: `${noun} ${value.value.split(/[:/]/).pop() ?? value.value}`, arns };
  }
  return undefined;
}
