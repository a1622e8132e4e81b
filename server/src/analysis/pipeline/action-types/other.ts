/** Approval, Invoke and Compute actions. */
import { COMPUTE_LOGS, GUIDE, none, one, opt, range, req, type ActionType } from './types';

export const OTHER_TYPES: readonly ActionType[] = [
  {
    category: 'Approval',
    owners: ['AWS'],
    provider: 'Manual',
    versions: ['1'],
    description:
      'Pauses the pipeline until someone with `codepipeline:PutApprovalResult` approves or rejects, optionally announcing the request on an SNS topic.',
    configuration: [
      opt('NotificationArn', 'An SNS topic told about the pending approval.'),
      opt('ExternalEntityLink', 'A URL the reviewer should look at.'),
      opt('CustomData', 'A note shown to the reviewer and sent in the notification.'),
    ],
    inputs: none,
    outputs: none,
    permissions: [{ actions: ['sns:Publish'], whenConfig: 'NotificationArn' }],
    passedRoles: [],
    reference: GUIDE + 'approvals-action-add.html',
  },
  {
    category: 'Invoke',
    owners: ['AWS'],
    provider: 'Lambda',
    versions: ['1'],
    description:
      'Invokes a Lambda function, which must report the result to CodePipeline with `PutJobSuccessResult` or `PutJobFailureResult`.',
    configuration: [
      req('FunctionName', 'The Lambda function to invoke.'),
      opt('UserParameters', 'A string handed to the function in the job data.'),
    ],
    inputs: range(0, 5),
    outputs: range(0, 5),
    permissions: [{ actions: ['lambda:InvokeFunction', 'lambda:ListFunctions'] }],
    passedRoles: [],
    reference: GUIDE + 'action-reference-Lambda.html',
  },
  {
    category: 'Invoke',
    owners: ['AWS'],
    provider: 'StepFunctions',
    versions: ['1'],
    description:
      'Starts an execution of a Step Functions state machine and waits for it to finish, with input given literally or read from the input artifact.',
    configuration: [
      req('StateMachineArn', 'The state machine to run.'),
      opt(
        'ExecutionNamePrefix',
        'A prefix for the execution name, which is otherwise the pipeline execution ID.',
      ),
      opt('InputType', '`Literal` (the default) or `FilePath`: how `Input` is read.'),
      opt(
        'Input',
        'The execution input: JSON text, or a file in the input artifact when `InputType` is `FilePath`.',
      ),
    ],
    inputs: range(0, 1),
    outputs: range(0, 1),
    permissions: [
      {
        actions: [
          'states:DescribeStateMachine',
          'states:DescribeExecution',
          'states:StartExecution',
        ],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-StepFunctions.html',
  },
  {
    category: 'Invoke',
    owners: ['AWS'],
    provider: 'InspectorScan',
    versions: ['1'],
    description:
      'Scans source code in the input artifact, or an image in Amazon ECR, with Amazon Inspector on CodePipeline-managed compute, writes an SBOM and fails above the vulnerability thresholds.',
    configuration: [
      req('InspectorRunMode', '`SourceCodeScan` or `ECRImageScan`: what is scanned.'),
      opt('ECRRepositoryName', 'The ECR repository of the image; for image scans.'),
      opt('ImageTag', 'The tag of the image; for image scans.'),
      opt('CriticalThreshold', 'How many critical findings make the action fail.'),
      opt('HighThreshold', 'How many high-severity findings make the action fail.'),
      opt('MediumThreshold', 'How many medium-severity findings make the action fail.'),
      opt('LowThreshold', 'How many low-severity findings make the action fail.'),
    ],
    // Source scans read one artifact; image scans need none.
    inputs: range(0, 1),
    outputs: one,
    // As CDK grants it after the service-role page: the scan call and the managed-compute logs,
    // plus image pulls for image scans.
    permissions: [
      { actions: ['inspector-scan:ScanSbom', ...COMPUTE_LOGS] },
      {
        actions: [
          'ecr:GetDownloadUrlForLayer',
          'ecr:BatchGetImage',
          'ecr:BatchCheckLayerAvailability',
        ],
        whenConfig: 'InspectorRunMode',
        whenValue: ['ECRImageScan'],
      },
    ],
    relatedPermissions: ['ecr:GetAuthorizationToken', 'logs:GetLogEvents'],
    passedRoles: [],
    reference: GUIDE + 'action-reference-InspectorScan.html',
  },
  {
    category: 'Compute',
    owners: ['AWS'],
    provider: 'Commands',
    versions: ['1'],
    description:
      "Runs the shell commands listed in the action's `commands` field on CodePipeline-managed CodeBuild compute, without a CodeBuild project (V2 pipelines only).",
    // The commands and output variables are fields of the action, not configuration keys.
    configuration: [],
    inputs: range(1, 10),
    outputs: range(0, 1),
    permissions: [{ actions: COMPUTE_LOGS }],
    // Reading the log of the commands in the console.
    relatedPermissions: ['logs:GetLogEvents'],
    passedRoles: [],
    reference: GUIDE + 'action-reference-Commands.html',
    v2Only: true,
  },
];
