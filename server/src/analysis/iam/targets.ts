import { getValue } from '../document';
import type { Template } from '../model';
import type { Value } from '../render';
import type { ActionInfo, Catalog } from './catalog';

/**
 * How a template resource names itself in an ARN, for each IAM resource type it is. Used to
 * replace `*` with the template's own resources.
 */
const TEMPLATE_ARNS: ReadonlyMap<
  string,
  readonly { service: string; type: string; arn: (name: string) => Value }[]
> = new Map([
  [
    'AWS::S3::Bucket',
    [
      { service: 's3', type: 'bucket', arn: (n) => ({ getAtt: [n, 'Arn'] }) },
      { service: 's3', type: 'object', arn: (n) => ({ sub: `\${${n}.Arn}/*` }) },
    ],
  ],
  [
    'AWS::CodeBuild::Project',
    [{ service: 'codebuild', type: 'project', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::CodePipeline::Pipeline',
    [
      {
        service: 'codepipeline',
        type: 'pipeline',
        arn: (n) => ({
          sub: `arn:\${AWS::Partition}:codepipeline:\${AWS::Region}:\${AWS::AccountId}:\${${n}}`,
        }),
      },
    ],
  ],
  [
    'AWS::IAM::Role',
    [
      { service: 'iam', type: 'role', arn: (n) => ({ getAtt: [n, 'Arn'] }) },
      // `sts:AssumeRole` names the same role as an `sts/role` resource.
      { service: 'sts', type: 'role', arn: (n) => ({ getAtt: [n, 'Arn'] }) },
    ],
  ],
  ['AWS::KMS::Key', [{ service: 'kms', type: 'key', arn: (n) => ({ getAtt: [n, 'Arn'] }) }]],
  ['AWS::SNS::Topic', [{ service: 'sns', type: 'topic', arn: (n) => ({ ref: n }) }]],
  ['AWS::SQS::Queue', [{ service: 'sqs', type: 'queue', arn: (n) => ({ getAtt: [n, 'Arn'] }) }]],
  [
    'AWS::Lambda::Function',
    [{ service: 'lambda', type: 'function', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::Serverless::Function',
    [{ service: 'lambda', type: 'function', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::DynamoDB::Table',
    [{ service: 'dynamodb', type: 'table', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::ECR::Repository',
    [{ service: 'ecr', type: 'repository', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::Logs::LogGroup',
    [{ service: 'logs', type: 'log-group', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::SecretsManager::Secret',
    [{ service: 'secretsmanager', type: 'secret', arn: (n) => ({ ref: n }) }],
  ],
  [
    'AWS::CodeCommit::Repository',
    [{ service: 'codecommit', type: 'repository', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::StepFunctions::StateMachine',
    [{ service: 'states', type: 'statemachine', arn: (n) => ({ ref: n }) }],
  ],
  [
    'AWS::ECS::Cluster',
    [{ service: 'ecs', type: 'cluster', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::Kinesis::Stream',
    [{ service: 'kinesis', type: 'stream', arn: (n) => ({ getAtt: [n, 'Arn'] }) }],
  ],
  [
    'AWS::CodeStarConnections::Connection',
    [{ service: 'codestar-connections', type: 'connection', arn: (n) => ({ ref: n }) }],
  ],
  [
    'AWS::CodeConnections::Connection',
    [{ service: 'codeconnections', type: 'connection', arn: (n) => ({ ref: n }) }],
  ],
  [
    'AWS::CodeDeploy::Application',
    [
      {
        service: 'codedeploy',
        type: 'application',
        arn: (n) => ({
          sub: `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:application:\${${n}}`,
        }),
      },
    ],
  ],
]);

/**
 * The IAM resource type whose ARN a template resource's `Fn::GetAtt X.Arn` (`via: 'Arn'`) or
 * `Ref X` (`via: 'Ref'`) returns, when that is known: `AWS::S3::Bucket` `Arn` is an `s3/bucket`.
 */
export function templateArnType(
  cfnType: string,
  via: 'Arn' | 'Ref',
): { readonly service: string; readonly type: string } | undefined {
  for (const entry of TEMPLATE_ARNS.get(cfnType) ?? []) {
    const value = entry.arn('X');
    if (typeof value !== 'object' || Array.isArray(value)) continue;
    if (via === 'Arn' && 'getAtt' in value && value.getAtt[1] === 'Arn') return entry;
    if (via === 'Ref' && 'ref' in value) return entry;
  }
  return undefined;
}

/**
 * The ARN of template resource `name` as IAM resource type `key` (`s3/object` of a bucket is
 * `${Name.Arn}/*`), when the resource is of a CloudFormation type that can be one.
 */
export function templateResourceArn(
  template: Template,
  name: string,
  key: ResourceTypeKey,
): Value | undefined {
  const resource = template.resources.get(name);
  if (!resource) return undefined;
  const entry = (TEMPLATE_ARNS.get(resource.type) ?? []).find(
    (e) => `${e.service}/${e.type}` === key,
  );
  return entry?.arn(name);
}

/** An IAM resource type, as `service/type` in lower case (`s3/object`). */
export type ResourceTypeKey = string;

export interface ScopeTarget {
  /** What the fix offers, e.g. `ArtifactBucket` or `the ARN formats`. */
  readonly label: string;
  readonly arns: readonly Value[];
  /** The resource types the ARNs name. */
  readonly types: ReadonlySet<ResourceTypeKey>;
  /** The resource's `Condition`: it exists only when that condition is true. */
  readonly condition: string | undefined;
}

/**
 * One target per template resource that is one of the wanted resource types; each target lists
 * the ARNs of that resource for every wanted type it can be (a bucket gives its own ARN and its
 * objects').
 */
export function templateTargets(
  template: Template,
  wanted: ReadonlySet<ResourceTypeKey>,
): ScopeTarget[] {
  const targets: ScopeTarget[] = [];
  for (const resource of template.resources.values()) {
    const entries = (TEMPLATE_ARNS.get(resource.type) ?? []).filter((entry) =>
      wanted.has(`${entry.service}/${entry.type}`),
    );
    const all = entries.map((entry) => entry.arn(resource.name));
    // A role is both `iam/role` and `sts/role`: name it once.
    const arns = all.filter(
      (arn, i) => all.findIndex((a) => JSON.stringify(a) === JSON.stringify(arn)) === i,
    );
    if (arns.length === 0) continue;
    const condition = getValue(resource.node, 'Condition');
    targets.push({
      label: resource.name,
      arns,
      types: new Set(entries.map((e) => `${e.service}/${e.type}`)),
      condition: condition?.kind === 'string' ? condition.value : condition ? '?' : undefined,
    });
  }
  return targets;
}

const PLACEHOLDERS: ReadonlyMap<string, string> = new Map([
  ['Partition', 'aws'],
  ['Region', 'REGION'],
  ['Account', 'ACCOUNT_ID'],
]);

/**
 * A resource type's ARN format with clearly named placeholders:
 * `arn:${Partition}:codebuild:${Region}:${Account}:project/${ProjectName}` becomes
 * `arn:aws:codebuild:REGION:ACCOUNT_ID:project/PROJECT_NAME`.
 */
export function placeholderArn(format: string): string {
  return format.replace(
    /\$\{([A-Za-z]+)\}/g,
    (_, name: string) => PLACEHOLDERS.get(name) ?? snakePlaceholder(name),
  );
}

/**
 * How fixes write an ARN variable they cannot fill in: `BucketName` is `BUCKET_NAME`. Any account
 * (`ManagementAccountId`) is `ACCOUNT_ID`, the one placeholder an account field takes.
 */
export function snakePlaceholder(name: string): string {
  if (/AccountId$/.test(name)) return 'ACCOUNT_ID';
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const PSEUDO_FIELDS: ReadonlyMap<string, string> = new Map([
  ['Partition', '${AWS::Partition}'],
  ['Region', '${AWS::Region}'],
  ['Account', '${AWS::AccountId}'],
]);

/**
 * An ARN format as `Fn::Sub` text of a template: pseudo parameters for partition, Region and
 * account, and `other(name)` for each other variable.
 */
export function templateArnText(format: string, other: (name: string) => string): string {
  return format.replace(
    /\$\{([A-Za-z]+)\}/g,
    (_, name: string) => PSEUDO_FIELDS.get(name) ?? other(name),
  );
}

/** The same format for a template, with pseudo parameters for partition, region and account. */
export function templatePlaceholderArn(format: string): Value {
  return { sub: templateArnText(format, snakePlaceholder) };
}

/** The ARN format of a `service/type` key, from the catalog. */
export function arnFormat(catalog: Catalog, key: ResourceTypeKey): string | undefined {
  // Type names may hold slashes themselves (`loadbalancer/app/`): the service ends at the first.
  const slash = key.indexOf('/');
  const service = key.slice(0, slash);
  const type = key.slice(slash + 1);
  return catalog.resourceType(service, type)?.arn;
}

/**
 * The resource types the actions act on: for each action its required types or, when none is
 * required, its most direct one (the ARN with the fewest parts to fill in: an S3 object rather
 * than an object reached through an access point). Stops once there are more than `limit`.
 */
export function resourceTypesOf(
  catalog: Catalog,
  actions: readonly ActionInfo[],
  limit = Infinity,
): Set<ResourceTypeKey> {
  const types = new Set<ResourceTypeKey>();
  for (const action of actions) {
    const detail = catalog.actionDetail(action);
    if (!detail) continue;
    const required = detail.resourceTypes.filter((r) => r.required);
    for (const type of required.length > 0 ? required : mostDirect(detail.resourceTypes)) {
      types.add(`${action.service.prefix}/${type.name.toLowerCase()}`);
    }
    if (types.size > limit) break;
  }
  return types;
}

function mostDirect<T extends { detail: { arn: string } | undefined }>(types: readonly T[]): T[] {
  const parts = (t: T) => (t.detail?.arn.match(/\$\{/g) ?? []).length;
  const fewest = Math.min(...types.map(parts));
  return types.filter((t) => parts(t) === fewest).slice(0, 1);
}
