/** Deploy actions of V2 pipelines that run on EC2 instances, EKS clusters and Lambda aliases. */
import { COMPUTE_LOGS, GUIDE, none, one, opt, range, req, type ActionType } from './types';

export const DEPLOY_V2_TYPES: readonly ActionType[] = [
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'EC2',
    versions: ['1'],
    description:
      'Copies the input artifact to tagged Linux EC2 instances or SSM-managed nodes through Systems Manager and runs the deploy scripts, in batches (V2 pipelines only).',
    configuration: [
      req('InstanceTagKey', 'The tag key that selects the instances.'),
      opt('InstanceTagValue', 'The tag value that selects the instances; any value when absent.'),
      req('InstanceType', '`EC2` or `SSM_MANAGED_NODE`: what kind of targets the tag selects.'),
      opt(
        'TargetDirectory',
        'The folder on each instance that receives the files; needed unless a deploy spec is given.',
      ),
      opt(
        'DeploySpec',
        'A deploy spec file in the input artifact that drives the deployment instead of the script keys.',
      ),
      opt('MaxBatch', 'How many instances, or what percentage, deploy at the same time.'),
      opt('MaxError', 'How many failed instances, or what percentage, stop the deployment.'),
      opt(
        'TargetGroupNameList',
        'Load balancer target groups the instances leave and rejoin during their deployment.',
      ),
      opt('PreScript', 'A script in the artifact run before the files are copied.'),
      opt('PostScript', 'A script in the artifact run after the files are copied.'),
    ],
    inputs: one,
    outputs: none,
    // As the page lists them (CDK grants the same): Run Command on the tagged instances, the
    // instance and target-group reads, and the logs; registering targets only with target groups.
    permissions: [
      {
        actions: [
          'ec2:DescribeInstances',
          'elasticloadbalancing:DescribeTargetGroupAttributes',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetHealth',
          'ssm:CancelCommand',
          'ssm:DescribeInstanceInformation',
          'ssm:ListCommandInvocations',
          'ssm:SendCommand',
          ...COMPUTE_LOGS,
        ],
      },
      {
        actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
        whenConfig: 'TargetGroupNameList',
      },
    ],
    relatedPermissions: ['ssm:GetCommandInvocation', 'ssm:ListCommands', 'logs:GetLogEvents'],
    passedRoles: [],
    reference: GUIDE + 'action-reference-EC2Deploy.html',
    v2Only: true,
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'EKS',
    versions: ['1'],
    description:
      'Applies Kubernetes manifests or installs a Helm chart from the input artifact to an Amazon EKS cluster, on CodePipeline-managed compute (V2 pipelines only).',
    configuration: [
      req('ClusterName', 'The EKS cluster.'),
      opt('HelmReleaseName', 'The Helm release name; needed when deploying with Helm.'),
      opt(
        'HelmChartLocation',
        'The Helm chart in the input artifact; needed when deploying with Helm.',
      ),
      opt('HelmValuesFiles', 'Comma-separated Helm values files that override the chart defaults.'),
      opt('ManifestFiles', 'The Kubernetes manifest files; needed when deploying with kubectl.'),
      opt('Namespace', 'The Kubernetes namespace for kubectl or Helm.'),
      opt(
        'Subnets',
        'Subnets of the cluster VPC the managed compute joins, for a private cluster.',
      ),
      opt('SecurityGroupIds', 'Security groups of the cluster VPC for the managed compute.'),
    ],
    inputs: one,
    outputs: none,
    // Uncertain beyond DescribeCluster (needed to build the kubeconfig): the VPC calls are made
    // only when Subnets are given, and the logs are those of the managed compute.
    permissions: [{ actions: ['eks:DescribeCluster'] }],
    relatedPermissions: [
      'ec2:CreateNetworkInterface',
      'ec2:CreateNetworkInterfacePermission',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeDhcpOptions',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
      ...COMPUTE_LOGS,
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-EKS.html',
    v2Only: true,
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'Lambda',
    versions: ['1'],
    description:
      'Publishes a new version of a Lambda function from the input artifact, or takes a published one, and shifts an alias to it all at once, in canary steps or linearly (V2 pipelines only).',
    configuration: [
      req('FunctionName', 'The Lambda function.'),
      opt(
        'FunctionAlias',
        'The alias to move to the new version; without it the code goes to $LATEST.',
      ),
      opt(
        'PublishedTargetVersion',
        'An already published version to move the alias to; needed when there is no input artifact.',
      ),
      opt(
        'DeployStrategy',
        '`AllAtOnce` (the default), or a canary or linear traffic-shifting pattern.',
      ),
      opt('Alarms', 'Comma-separated CloudWatch alarms that stop the deployment when they fire.'),
    ],
    inputs: range(0, 1),
    outputs: none,
    // Uncertain: the page's permission list was not available to us, so nothing is asked for and
    // the likely calls are related only.
    permissions: [],
    relatedPermissions: [
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:UpdateFunctionCode',
      'lambda:PublishVersion',
      'lambda:GetAlias',
      'lambda:UpdateAlias',
      'cloudwatch:DescribeAlarms',
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-LambdaDeploy.html',
    v2Only: true,
  },
];
