/** Deploy actions built on CloudFormation: stacks, stack sets and Service Catalog products. */
import { GUIDE, none, one, opt, range, req, type ActionType, type RolePermission } from './types';

const CFN = 'cloudformation.amazonaws.com';

/** CloudFormation permissions needed when `ActionMode` is one of `modes`. */
function mode(modes: string[], actions: string[]): RolePermission {
  return {
    actions: actions.map((a) => `cloudformation:${a}`),
    whenConfig: 'ActionMode',
    whenValue: modes,
  };
}

/** Keys the two StackSets actions share, with the same meaning. */
const stackSetTargets = [
  opt(
    'DeploymentTargets',
    'The accounts (self-managed) or organisation root and OU IDs (service-managed) to deploy to, as a comma-separated list or an `Artifact::file` path; needs `Regions`.',
  ),
  opt(
    'FailureTolerancePercentage',
    'The share of accounts per Region that may fail before the operation stops in that Region.',
  ),
  opt(
    'MaxConcurrentPercentage',
    'The largest share of accounts the operation works on at the same time.',
  ),
];

export const CLOUDFORMATION_TYPES: readonly ActionType[] = [
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'CloudFormation',
    versions: ['1'],
    description:
      'Creates, updates or deletes a CloudFormation stack, or creates and executes a change set, from a template in an input artifact; can write the stack outputs to an output artifact.',
    configuration: [
      req(
        'ActionMode',
        'What to do: `CREATE_UPDATE`, `REPLACE_ON_FAILURE`, `DELETE_ONLY`, `CHANGE_SET_REPLACE` or `CHANGE_SET_EXECUTE`.',
      ),
      req('StackName', 'The stack to create, update or delete.'),
      opt(
        'Capabilities',
        'Comma-separated acknowledgements (`CAPABILITY_IAM`, `CAPABILITY_NAMED_IAM`, `CAPABILITY_AUTO_EXPAND`), needed when the template creates IAM resources or uses macros.',
      ),
      opt(
        'ChangeSetName',
        'The change set to create or execute; needed by the two change-set modes.',
      ),
      // "Conditional" on the page: needed by every mode except CHANGE_SET_EXECUTE.
      opt(
        'RoleArn',
        'The role CloudFormation assumes to change the stack; the pipeline role passes it, and it is needed by every mode except `CHANGE_SET_EXECUTE`.',
      ),
      opt(
        'TemplatePath',
        'The template, as `InputArtifactName::file`; needed by `CREATE_UPDATE`, `REPLACE_ON_FAILURE` and `CHANGE_SET_REPLACE`.',
      ),
      opt('OutputFileName', 'The file in the output artifact that receives the stack outputs.'),
      opt(
        'ParameterOverrides',
        'A JSON object of template parameter values that win over the template configuration file.',
      ),
      opt(
        'TemplateConfiguration',
        'A template configuration file (parameters, tags, stack policy), as `InputArtifactName::file`.',
      ),
    ],
    inputs: range(0, 10),
    outputs: range(0, 1),
    // What each action mode calls, after the grants CDK pipelines make per mode (they run with
    // exactly these). The seed list of the service-role page grants the union of all modes, and
    // that list stays related so that a role written from it is never told it grants too much.
    permissions: [
      mode(['CHANGE_SET_EXECUTE'], ['DescribeStacks', 'DescribeChangeSet', 'ExecuteChangeSet']),
      mode(
        ['CHANGE_SET_REPLACE'],
        ['DescribeStacks', 'CreateChangeSet', 'DeleteChangeSet', 'DescribeChangeSet'],
      ),
      mode(
        ['CREATE_UPDATE', 'REPLACE_ON_FAILURE'],
        ['DescribeStacks', 'CreateStack', 'UpdateStack'],
      ),
      mode(['REPLACE_ON_FAILURE', 'DELETE_ONLY'], ['DescribeStacks', 'DeleteStack']),
      { actions: ['iam:PassRole'], whenConfig: 'RoleArn' },
    ],
    relatedPermissions: [
      'cloudformation:CreateStack',
      'cloudformation:DeleteStack',
      'cloudformation:DescribeStacks',
      'cloudformation:UpdateStack',
      'cloudformation:CreateChangeSet',
      'cloudformation:DeleteChangeSet',
      'cloudformation:DescribeChangeSet',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:SetStackPolicy',
      'cloudformation:GetStackPolicy',
      'cloudformation:ValidateTemplate',
      'cloudformation:GetTemplate',
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStackResources',
    ],
    passedRoles: [{ configKey: 'RoleArn', service: CFN }],
    reference: GUIDE + 'action-reference-CloudFormation.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'CloudFormationStackSet',
    versions: ['1'],
    description:
      'Creates or updates a CloudFormation stack set from a template in an input artifact and deploys the change to the chosen accounts or organisational units and Regions.',
    configuration: [
      req('StackSetName', 'The stack set, unique in its Region.'),
      opt('Description', 'A description of the stack set.'),
      req('TemplatePath', 'The template, as `InputArtifactName::file`.'),
      opt(
        'Parameters',
        'Template parameters, in shorthand (`ParameterKey=k,ParameterValue=v ...`) or as an `Artifact::file` path.',
      ),
      opt(
        'Capabilities',
        'Acknowledges IAM resources in the template (`CAPABILITY_IAM`, `CAPABILITY_NAMED_IAM`).',
      ),
      opt(
        'PermissionModel',
        '`SELF_MANAGED` (the default) or `SERVICE_MANAGED` through AWS Organizations.',
      ),
      opt(
        'AdministrationRoleArn',
        'The administrator role StackSets uses in this account (self-managed only); `AWSCloudFormationStackSetAdministrationRole` when absent.',
      ),
      opt(
        'ExecutionRoleName',
        'The name of the role StackSets assumes in each target account (self-managed only); `AWSCloudFormationStackSetExecutionRole` when absent.',
      ),
      opt(
        'OrganizationsAutoDeployment',
        '`Enabled`, `Disabled` or `EnabledWithStackRetention`: whether accounts that join a target OU get the stacks (service-managed only).',
      ),
      ...stackSetTargets,
      opt(
        'Regions',
        'The Regions to deploy to, in order, comma-separated; needs `DeploymentTargets`.',
      ),
    ],
    inputs: range(1, 3),
    outputs: none,
    // From the "service role permissions" section of the StackSets page (newer than the seed).
    permissions: [
      {
        actions: [
          'cloudformation:CreateStackSet',
          'cloudformation:UpdateStackSet',
          'cloudformation:CreateStackInstances',
          'cloudformation:DescribeStackSetOperation',
          'cloudformation:DescribeStackSet',
          'cloudformation:ListStackInstances',
        ],
      },
      // Uncertain: the page asks for iam:PassRole on the administration role; when the key is
      // absent StackSets falls back to its default role, which we cannot see, so only ask for it
      // when a role is named.
      { actions: ['iam:PassRole'], whenConfig: 'AdministrationRoleArn' },
    ],
    passedRoles: [{ configKey: 'AdministrationRoleArn', service: CFN }],
    reference: GUIDE + 'action-reference-StackSets.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'CloudFormationStackInstances',
    versions: ['1'],
    description:
      'Creates stack instances of an existing stack set, or brings outdated ones up to date, in the chosen accounts and Regions, optionally overriding parameters.',
    configuration: [
      req('StackSetName', 'The stack set whose instances are deployed.'),
      ...stackSetTargets,
      req('Regions', 'The Regions to deploy to, in order, comma-separated.'),
      opt(
        'ParameterOverrides',
        'Parameter values for these instances, in shorthand or as an `Artifact::file` path.',
      ),
    ],
    // The action page says 0 to 2 (a parameter file and an accounts file); CDK allows 3. Keep the
    // looser bound: a false alarm costs more than a missed one.
    inputs: range(0, 3),
    outputs: none,
    permissions: [
      {
        actions: [
          'cloudformation:CreateStackInstances',
          'cloudformation:DescribeStackSetOperation',
        ],
      },
    ],
    // Uncertain: the StackSets page grants the whole stack-set list to one role shared by both
    // actions; these are the reads and the update call this action may also make.
    relatedPermissions: [
      'cloudformation:UpdateStackInstances',
      'cloudformation:DescribeStackSet',
      'cloudformation:ListStackInstances',
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-StackSets.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'ServiceCatalog',
    versions: ['1'],
    description:
      'Publishes a new version (provisioning artifact) of a Service Catalog product from a template in the input artifact.',
    configuration: [
      req('ProductId', 'The Service Catalog product to update.'),
      opt(
        'ConfigurationFilePath',
        'A JSON file in the input artifact that holds the product version settings; the alternative to the template keys below.',
      ),
      opt(
        'TemplateFilePath',
        'The template file in the input artifact, when no configuration file is used.',
      ),
      opt(
        'ProductVersionName',
        'The name of the new product version, when no configuration file is used.',
      ),
      opt(
        'ProductType',
        'The product type, `CLOUD_FORMATION_TEMPLATE`, when no configuration file is used.',
      ),
      opt('ProductVersionDescription', 'A description of the new product version.'),
    ],
    inputs: one,
    outputs: none,
    permissions: [
      {
        actions: [
          'servicecatalog:ListProvisioningArtifacts',
          'servicecatalog:CreateProvisioningArtifact',
          'servicecatalog:DescribeProvisioningArtifact',
          'servicecatalog:DeleteProvisioningArtifact',
          'servicecatalog:UpdateProduct',
          'cloudformation:ValidateTemplate',
        ],
      },
    ],
    passedRoles: [],
    // There is no action reference page for this provider; the tutorial documents its keys.
    reference: GUIDE + 'tutorials-S3-servicecatalog.html',
  },
];
