import { getValue, type Node, type ObjectNode } from '../document';
import { DocumentFacts } from './facts';
import { readPolicy, type Policy, type PolicyType } from './policy';
import type { Template, TemplateResource } from './resources';
import { alternatives } from './values';

export type { Template, TemplateResource } from './resources';

export function readTemplate(root: ObjectNode): Template {
  const resources = new Map<string, TemplateResource>();
  const resourcesNode = getValue(root, 'Resources');
  if (resourcesNode?.kind === 'object') {
    for (const property of resourcesNode.properties) {
      const node = property.value;
      const type = getValue(node, 'Type');
      if (node?.kind !== 'object' || type?.kind !== 'string') continue;
      resources.set(property.key.value, {
        name: property.key.value,
        type: type.value,
        node,
        properties: getValue(node, 'Properties'),
      });
    }
  }
  const parameters = new Map<string, ObjectNode>();
  const parametersNode = getValue(root, 'Parameters');
  if (parametersNode?.kind === 'object') {
    for (const property of parametersNode.properties) {
      if (property.value?.kind === 'object') parameters.set(property.key.value, property.value);
    }
  }
  const transform = getValue(root, 'Transform');
  const transforms = transform?.kind === 'array' ? transform.items : transform ? [transform] : [];
  const isSam = transforms.some(
    (t) => t.kind === 'string' && t.value.startsWith('AWS::Serverless'),
  );
  return { root, facts: new DocumentFacts(), resources, parameters, isSam };
}

/**
 * Where policy documents sit inside resources: a path of property names, where `*` steps into
 * every item of a list. Only properties that hold IAM-grammar policies are listed; look-alikes
 * such as SQS `RedriveAllowPolicy` or SNS `DataProtectionPolicy` are deliberately absent.
 */
const POLICY_LOCATIONS: ReadonlyMap<
  string,
  readonly { path: readonly string[]; type: PolicyType }[]
> = new Map([
  [
    'AWS::IAM::Role',
    [
      { path: ['AssumeRolePolicyDocument'], type: 'trust' },
      { path: ['Policies', '*', 'PolicyDocument'], type: 'identity' },
    ],
  ],
  ['AWS::IAM::User', [{ path: ['Policies', '*', 'PolicyDocument'], type: 'identity' }]],
  ['AWS::IAM::Group', [{ path: ['Policies', '*', 'PolicyDocument'], type: 'identity' }]],
  ['AWS::IAM::Policy', [{ path: ['PolicyDocument'], type: 'identity' }]],
  ['AWS::IAM::ManagedPolicy', [{ path: ['PolicyDocument'], type: 'identity' }]],
  ['AWS::IAM::RolePolicy', [{ path: ['PolicyDocument'], type: 'identity' }]],
  ['AWS::IAM::UserPolicy', [{ path: ['PolicyDocument'], type: 'identity' }]],
  ['AWS::IAM::GroupPolicy', [{ path: ['PolicyDocument'], type: 'identity' }]],
  ['AWS::SSO::PermissionSet', [{ path: ['InlinePolicy'], type: 'identity' }]],
  // IoT policies use the IAM grammar with iot: actions; they are attached to certificates and things.
  ['AWS::IoT::Policy', [{ path: ['PolicyDocument'], type: 'iot' }]],
  ['AWS::S3::BucketPolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::S3::AccessPoint', [{ path: ['Policy'], type: 'resource' }]],
  ['AWS::S3::MultiRegionAccessPointPolicy', [{ path: ['Policy'], type: 'resource' }]],
  ['AWS::S3Express::BucketPolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::S3Express::AccessPoint', [{ path: ['Policy'], type: 'resource' }]],
  ['AWS::S3Outposts::BucketPolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::KMS::Key', [{ path: ['KeyPolicy'], type: 'resource' }]],
  ['AWS::KMS::ReplicaKey', [{ path: ['KeyPolicy'], type: 'resource' }]],
  ['AWS::SNS::TopicPolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::SNS::TopicInlinePolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::SQS::QueuePolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::SQS::QueueInlinePolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::ECR::Repository', [{ path: ['RepositoryPolicyText'], type: 'resource' }]],
  ['AWS::ECR::PublicRepository', [{ path: ['RepositoryPolicyText'], type: 'resource' }]],
  ['AWS::ECR::RegistryPolicy', [{ path: ['PolicyText'], type: 'resource' }]],
  ['AWS::SecretsManager::ResourcePolicy', [{ path: ['ResourcePolicy'], type: 'resource' }]],
  ['AWS::Events::EventBus', [{ path: ['Policy'], type: 'resource' }]],
  ['AWS::Logs::ResourcePolicy', [{ path: ['PolicyDocument'], type: 'resource' }]],
  ['AWS::OpenSearchService::Domain', [{ path: ['AccessPolicies'], type: 'resource' }]],
  ['AWS::Elasticsearch::Domain', [{ path: ['AccessPolicies'], type: 'resource' }]],
  ['AWS::Backup::BackupVault', [{ path: ['AccessPolicy'], type: 'resource' }]],
  ['AWS::CodeArtifact::Domain', [{ path: ['PermissionsPolicyDocument'], type: 'resource' }]],
  ['AWS::CodeArtifact::Repository', [{ path: ['PermissionsPolicyDocument'], type: 'resource' }]],
  ['AWS::EFS::FileSystem', [{ path: ['FileSystemPolicy'], type: 'resource' }]],
  ['AWS::ApiGateway::RestApi', [{ path: ['Policy'], type: 'resource' }]],
  ['AWS::CodeBuild::ResourcePolicy', [{ path: ['Policy'], type: 'resource' }]],
  ['AWS::DynamoDB::Table', [{ path: ['ResourcePolicy', 'PolicyDocument'], type: 'resource' }]],
  ['AWS::Kinesis::ResourcePolicy', [{ path: ['ResourcePolicy'], type: 'resource' }]],
  ['AWS::EventSchemas::RegistryPolicy', [{ path: ['Policy'], type: 'resource' }]],
  ['AWS::Glue::ResourcePolicy', [{ path: ['PolicyInJson'], type: 'resource' }]],
  [
    'AWS::Serverless::Function',
    [
      { path: ['Policies', '*'], type: 'identity' },
      { path: ['Policies'], type: 'identity' },
      { path: ['AssumeRolePolicyDocument'], type: 'trust' },
    ],
  ],
  [
    'AWS::Serverless::StateMachine',
    [
      { path: ['Policies', '*'], type: 'identity' },
      { path: ['Policies'], type: 'identity' },
    ],
  ],
]);

/** Every policy document embedded in the template's resources, in document order. */
export function embeddedPolicies(template: Template): Policy[] {
  const policies: Policy[] = [];
  for (const resource of template.resources.values()) {
    const locations = POLICY_LOCATIONS.get(resource.type);
    if (!locations) continue;
    for (const location of locations) {
      for (const node of follow(resource.properties, location.path)) {
        // SAM `Policies` items may be policy templates or managed policy names; elsewhere every
        // object at a policy property is a policy, even an empty one.
        const sam = resource.type.startsWith('AWS::Serverless::');
        if (
          node.kind === 'object' &&
          node.tag === undefined &&
          (!sam || getValue(node, 'Statement') !== undefined)
        ) {
          policies.push(
            readPolicy(
              node,
              location.type,
              { name: resource.name, type: resource.type },
              false,
              template,
            ),
          );
        }
      }
    }
  }
  return policies.sort((a, b) => a.node.start - b.node.start);
}

function follow(node: Node | undefined, path: readonly string[]): Node[] {
  let current: Node[] = node ? alternatives(node) : [];
  for (const segment of path) {
    const next: Node[] = [];
    for (const value of current) {
      if (segment === '*') {
        if (value.kind === 'array')
          for (const item of value.items) next.push(...alternatives(item));
      } else {
        next.push(...alternatives(getValue(value, segment)));
      }
    }
    current = next;
  }
  return current;
}
