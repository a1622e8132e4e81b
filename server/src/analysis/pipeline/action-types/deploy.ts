/** Deploy actions other than the CloudFormation family and the V2-only ones (see the sibling files). */
import { GUIDE, none, one, opt, range, req, secret, type ActionType } from './types';

const ECS_TASKS = 'ecs-tasks.amazonaws.com';

/** `Image1ArtifactName` ... `Image4ContainerName` of the CodeDeployToECS action. */
const imageKeys = [1, 2, 3, 4].flatMap((n) => [
  opt(
    `Image${n}ArtifactName`,
    `The input artifact that carries image ${n} (an imageDetail.json file).`,
  ),
  opt(`Image${n}ContainerName`, `The placeholder in the task definition that image ${n} replaces.`),
]);

export const DEPLOY_TYPES: readonly ActionType[] = [
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'S3',
    versions: ['1'],
    description:
      'Copies the input artifact to an S3 bucket, either as one object or unzipped into its files (for example a static website).',
    configuration: [
      req('BucketName', 'The bucket that receives the files.'),
      req(
        'Extract',
        'Whether the artifact is unzipped before upload; when false, `ObjectKey` is needed.',
      ),
      opt('ObjectKey', 'The key (or key prefix) to write to; needed when `Extract` is false.'),
      opt(
        'KMSEncryptionKeyARN',
        'A symmetric KMS key that encrypts the uploaded objects; an alias works only in the same account.',
      ),
      opt('CannedACL', 'A canned ACL applied to each uploaded object, replacing its ACL.'),
      opt('CacheControl', 'The Cache-Control header given to each uploaded object.'),
    ],
    inputs: one,
    outputs: none,
    permissions: [
      { actions: ['s3:PutObject'] },
      // Only setting an ACL calls PutObjectAcl; the AWS pages grant it unconditionally.
      { actions: ['s3:PutObjectAcl'], whenConfig: 'CannedACL' },
    ],
    relatedPermissions: ['s3:PutObjectAcl', 's3:GetBucketVersioning'],
    passedRoles: [],
    reference: GUIDE + 'action-reference-S3Deploy.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'CodeDeploy',
    versions: ['1'],
    description:
      'Starts a CodeDeploy deployment of the input artifact (an application revision) to the instances or Lambda functions of a deployment group.',
    configuration: [
      req('ApplicationName', 'The CodeDeploy application.'),
      req('DeploymentGroupName', 'The deployment group to deploy to.'),
    ],
    inputs: one,
    outputs: none,
    permissions: [
      {
        actions: [
          'codedeploy:CreateDeployment',
          'codedeploy:GetApplicationRevision',
          'codedeploy:GetDeployment',
          'codedeploy:GetDeploymentConfig',
          'codedeploy:RegisterApplicationRevision',
        ],
      },
    ],
    // The default service role and newer action pages add GetApplication; the seed list of what
    // a CodeDeploy action needs does not.
    relatedPermissions: ['codedeploy:GetApplication'],
    passedRoles: [],
    reference: GUIDE + 'action-reference-CodeDeploy.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'CodeDeployToECS',
    versions: ['1'],
    description:
      'Runs a CodeDeploy blue/green deployment of an ECS service: registers the task definition from the input artifact with the new images and shifts traffic through the load balancer.',
    configuration: [
      req('ApplicationName', 'The CodeDeploy application.'),
      req('DeploymentGroupName', 'The ECS deployment group.'),
      req('TaskDefinitionTemplateArtifact', 'The input artifact holding the task definition file.'),
      req('AppSpecTemplateArtifact', 'The input artifact holding the AppSpec file.'),
      opt(
        'TaskDefinitionTemplatePath',
        'The task definition file in its artifact; `taskdef.json` when absent.',
      ),
      opt('AppSpecTemplatePath', 'The AppSpec file in its artifact; `appspec.yaml` when absent.'),
      ...imageKeys,
    ],
    inputs: range(1, 5),
    outputs: none,
    permissions: [
      {
        actions: [
          'codedeploy:CreateDeployment',
          'codedeploy:GetApplication',
          'codedeploy:GetApplicationRevision',
          'codedeploy:GetDeployment',
          'codedeploy:GetDeploymentConfig',
          'codedeploy:RegisterApplicationRevision',
          'ecs:RegisterTaskDefinition',
          'iam:PassRole',
        ],
      },
    ],
    relatedPermissions: ['ecs:TagResource'],
    passedRoles: [
      {
        configKey: 'TaskDefinitionTemplateArtifact',
        service: ECS_TASKS,
        indirect: 'the taskRoleArn and executionRoleArn of the task definition file',
      },
    ],
    reference: GUIDE + 'action-reference-ECSbluegreen.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'ECS',
    versions: ['1'],
    description:
      'Rolls out new container images to an ECS service: registers a new revision of its task definition with the images named in an image definitions file and updates the service.',
    configuration: [
      req('ClusterName', 'The ECS cluster.'),
      req('ServiceName', 'The ECS service to update.'),
      opt(
        'FileName',
        'The image definitions file in the input artifact; `imagedefinitions.json` when absent.',
      ),
      opt(
        'DeploymentTimeout',
        'Minutes to wait for the deployment before the action fails, up to its default limit.',
      ),
    ],
    inputs: one,
    outputs: none,
    permissions: [
      {
        actions: [
          'ecs:DescribeServices',
          'ecs:DescribeTaskDefinition',
          'ecs:DescribeTasks',
          'ecs:ListTasks',
          'ecs:RegisterTaskDefinition',
          'ecs:UpdateService',
          // The new revision keeps the task and execution roles of the current one. The page's
          // condition lets the role go to ec2.amazonaws.com as well as ecs-tasks.amazonaws.com;
          // only the task roles are certain, so only ecs-tasks is listed below.
          'iam:PassRole',
        ],
      },
    ],
    relatedPermissions: ['ecs:TagResource'],
    passedRoles: [
      {
        configKey: 'ServiceName',
        service: ECS_TASKS,
        indirect: "the task and execution roles of the service's current task definition",
      },
    ],
    reference: GUIDE + 'action-reference-ECS.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'ElasticBeanstalk',
    versions: ['1'],
    description:
      'Creates an application version from the input artifact and deploys it to an Elastic Beanstalk environment.',
    configuration: [
      req('ApplicationName', 'The Elastic Beanstalk application.'),
      req('EnvironmentName', 'The environment to deploy to.'),
    ],
    inputs: one,
    outputs: none,
    // The calls the action itself makes. Elastic Beanstalk then changes the environment with the
    // caller's rights, which is why the page asks for whole services with wildcards; those are
    // listed as related, never reported missing.
    permissions: [
      {
        actions: [
          'elasticbeanstalk:CreateApplicationVersion',
          'elasticbeanstalk:DescribeApplicationVersions',
          'elasticbeanstalk:DescribeEnvironments',
          'elasticbeanstalk:DescribeEvents',
          'elasticbeanstalk:UpdateEnvironment',
        ],
      },
    ],
    relatedPermissions: [
      'elasticbeanstalk:*',
      'ec2:*',
      'elasticloadbalancing:*',
      'autoscaling:*',
      'cloudwatch:*',
      's3:*',
      'sns:*',
      'cloudformation:*',
      'rds:*',
      'sqs:*',
      'ecs:*',
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-Beanstalk.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'OpsWorks',
    versions: ['1'],
    // OpsWorks Stacks reached end of life in May 2024; the row stays for old pipelines. The page
    // says 0 to 1 output artifacts but also that outputs do not apply; none is the safer reading.
    description:
      'Deploys the input artifact to an app of an AWS OpsWorks Stacks stack (end of life since 2024).',
    configuration: [
      req('Stack', 'The OpsWorks stack ID.'),
      req('App', 'The OpsWorks app ID.'),
      opt('Layer', 'The layer whose instances receive the deployment; all layers when absent.'),
    ],
    inputs: one,
    outputs: none,
    permissions: [
      {
        actions: [
          'opsworks:CreateDeployment',
          'opsworks:DescribeApps',
          'opsworks:DescribeCommands',
          'opsworks:DescribeDeployments',
          'opsworks:DescribeInstances',
          'opsworks:DescribeStacks',
          'opsworks:UpdateApp',
          'opsworks:UpdateStack',
        ],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-OpsWorks.html',
  },
  {
    category: 'Deploy',
    owners: ['AWS'],
    provider: 'AppConfig',
    versions: ['1'],
    description:
      'Deploys a configuration file from the input artifact to an AWS AppConfig application, environment and configuration profile with a deployment strategy.',
    configuration: [
      req('Application', 'The AppConfig application ID.'),
      req('Environment', 'The AppConfig environment ID.'),
      req('ConfigurationProfile', 'The configuration profile ID.'),
      req('InputArtifactConfigurationPath', 'The configuration file inside the input artifact.'),
      // Optional on the action page, though AppConfig itself needs a strategy for a deployment.
      opt('DeploymentStrategy', 'The deployment strategy ID.'),
    ],
    inputs: one,
    outputs: none,
    permissions: [
      {
        actions: [
          'appconfig:StartDeployment',
          'appconfig:GetDeployment',
          'appconfig:StopDeployment',
        ],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-AppConfig.html',
  },
  {
    category: 'Deploy',
    owners: ['ThirdParty'],
    provider: 'AlexaSkillsKit',
    versions: ['1'],
    description:
      'Deploys an Alexa skill package from the input artifact with Login with Amazon credentials stored in the action.',
    configuration: [
      req('ClientId', 'The Login with Amazon client ID of the security profile.'),
      secret(
        'ClientSecret',
        'The Login with Amazon client secret; reference a secret instead of a literal.',
      ),
      secret(
        'RefreshToken',
        'The refresh token that authorises the deployment; reference a secret instead of a literal.',
      ),
      req('SkillId', 'The Alexa skill ID.'),
    ],
    // The artifact table says 1 to 2 inputs; cfn-lint allows 0. Keep the looser bound: a false
    // alarm costs more than a missed one here.
    inputs: range(0, 2),
    outputs: none,
    // The Amazon developer credentials, not the service role, authorise the deployment.
    permissions: [],
    passedRoles: [],
    reference: GUIDE + 'reference-action-artifacts.html',
  },
];
