/**
 * Known privilege-escalation paths in IAM: a permission (or a set of them) that lets its holder
 * gain permissions it was not given. Each path turns on one action (`primary`) applied to every
 * resource of a kind (`target`); the others only need to be granted.
 */
export interface EscalationPath {
  /** The action whose resources decide whether the path is open. */
  readonly primary: string;
  /** The kind of resource `primary` must reach in full: `role`, `user`, `policy`, ... */
  readonly target: 'policy' | 'user' | 'group' | 'role' | 'function' | 'devendpoint';
  /** What the path lets the holder do, completing "lets the holder ...". */
  readonly effect: string;
  /** Further actions that must all be granted (on any resource). */
  readonly with?: readonly string[];
  /** At least one of these must be granted too (on any resource). */
  readonly withAny?: readonly string[];
  /** For `iam:PassRole` paths: the service principal the role is handed to. */
  readonly passedTo?: string;
  /** Condition keys that, required to match on `primary`, confine what it can do. */
  readonly scopingKeys?: readonly string[];
}

const PASS_ROLE = 'iam:PassRole';

function passRole(
  service: string,
  effect: string,
  rest: Pick<EscalationPath, 'with' | 'withAny'>,
): EscalationPath {
  return { primary: PASS_ROLE, target: 'role', passedTo: service, effect, ...rest };
}

/**
 * The paths Scopewise knows. Sources: the IAM documentation of each action (what it changes)
 * and the well-known public catalogues of IAM escalation techniques.
 */
export const ESCALATION_PATHS: readonly EscalationPath[] = [
  {
    primary: 'iam:CreatePolicyVersion',
    target: 'policy',
    effect: 'rewrite any customer managed policy, including one attached to itself',
  },
  {
    primary: 'iam:SetDefaultPolicyVersion',
    target: 'policy',
    effect: 'make an older, broader version of any managed policy the active one',
  },
  {
    primary: 'iam:AttachUserPolicy',
    target: 'user',
    effect: 'attach any managed policy, AdministratorAccess included, to any user',
    scopingKeys: ['iam:PolicyARN', 'iam:PermissionsBoundary'],
  },
  {
    primary: 'iam:AttachGroupPolicy',
    target: 'group',
    effect: 'attach any managed policy, AdministratorAccess included, to any group',
    scopingKeys: ['iam:PolicyARN'],
  },
  {
    primary: 'iam:AttachRolePolicy',
    target: 'role',
    effect: 'attach any managed policy, AdministratorAccess included, to any role',
    scopingKeys: ['iam:PolicyARN', 'iam:PermissionsBoundary'],
  },
  {
    primary: 'iam:PutUserPolicy',
    target: 'user',
    effect: 'write any inline policy into any user',
    scopingKeys: ['iam:PermissionsBoundary'],
  },
  {
    primary: 'iam:PutGroupPolicy',
    target: 'group',
    effect: 'write any inline policy into any group',
  },
  {
    primary: 'iam:PutRolePolicy',
    target: 'role',
    effect: 'write any inline policy into any role',
    scopingKeys: ['iam:PermissionsBoundary'],
  },
  {
    primary: 'iam:CreateAccessKey',
    target: 'user',
    effect: 'create access keys for any user and act as that user',
  },
  {
    primary: 'iam:CreateLoginProfile',
    target: 'user',
    effect: 'give any user without one a console password it chooses',
  },
  {
    primary: 'iam:UpdateLoginProfile',
    target: 'user',
    effect: "change any user's console password",
  },
  {
    primary: 'iam:UpdateAssumeRolePolicy',
    target: 'role',
    effect: "rewrite any role's trust policy so that it can assume the role",
  },
  {
    primary: 'iam:AddUserToGroup',
    target: 'group',
    effect: 'add users, itself included, to any group',
  },
  {
    primary: 'lambda:UpdateFunctionCode',
    target: 'function',
    effect: "replace the code of any function and run it with that function's role",
  },
  {
    primary: 'glue:UpdateDevEndpoint',
    target: 'devendpoint',
    effect: "add its SSH key to any Glue development endpoint and use the endpoint's role",
  },
  passRole('lambda.amazonaws.com', 'run code in Lambda as any role it can pass', {
    with: ['lambda:CreateFunction'],
    withAny: ['lambda:InvokeFunction', 'lambda:CreateEventSourceMapping'],
  }),
  passRole('ec2.amazonaws.com', 'start an instance with any role and use its credentials', {
    with: ['ec2:RunInstances'],
  }),
  passRole('cloudformation.amazonaws.com', 'create stacks that act as any role', {
    with: ['cloudformation:CreateStack'],
  }),
  passRole('codebuild.amazonaws.com', 'run builds as any role', {
    with: ['codebuild:CreateProject'],
    withAny: ['codebuild:StartBuild', 'codebuild:StartBuildBatch'],
  }),
  passRole('glue.amazonaws.com', 'open a Glue development endpoint that runs as any role', {
    with: ['glue:CreateDevEndpoint'],
  }),
  passRole('datapipeline.amazonaws.com', 'run a data pipeline as any role', {
    with: [
      'datapipeline:CreatePipeline',
      'datapipeline:PutPipelineDefinition',
      'datapipeline:ActivatePipeline',
    ],
  }),
  passRole('sagemaker.amazonaws.com', 'open a SageMaker notebook that runs as any role', {
    with: ['sagemaker:CreateNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl'],
  }),
];
