/**
 * Our own table of CodePipeline action types: what each provider does, its configuration keys,
 * how many artifacts it takes and gives, which permissions the pipeline's service role needs to
 * run it, and which roles it hands to other services. Facts come from the AWS "Action structure
 * reference" pages (one link per row) and the CodePipeline service-role page; the descriptions are
 * ours. Providers missing here (custom actions, partner actions) are never judged.
 *
 * The table is plain data, looked up through a `Map` built once: provider names come from
 * untrusted documents, so no object is ever indexed with them.
 */

/** An inclusive count range. */
export interface CountRange {
  readonly min: number;
  readonly max: number;
}

export type ActionCategory =
  'Source' | 'Build' | 'Test' | 'Deploy' | 'Approval' | 'Invoke' | 'Compute';

/** One key of an action's `configuration` object. */
export interface ConfigKey {
  /** Spelt exactly as the API and CloudFormation spell it (`ProjectName`, `OAuthToken`). */
  readonly name: string;
  readonly required: boolean;
  /** The value is a credential: it must never be a literal in a document. */
  readonly secret?: boolean;
  /** What the key means, in our own words; one sentence. */
  readonly description: string;
}

/** Permissions the pipeline's service role needs, unconditionally or when a key is set. */
export interface RolePermission {
  readonly actions: readonly string[];
  /**
   * Needed only when this configuration key is present with a value other than `false`
   * (CodeBuild `BatchEnabled`, CloudFormation `RoleArn` for `iam:PassRole`).
   */
  readonly whenConfig?: string;
}

/** A role the action hands to another service (`iam:PassRole` with `iam:PassedToService`). */
export interface PassedRole {
  /** The configuration key that holds the role ARN. */
  readonly configKey: string;
  /** The service principal that receives the role, e.g. `cloudformation.amazonaws.com`. */
  readonly service: string;
}

export interface ActionType {
  readonly category: ActionCategory;
  /** `AWS`, `ThirdParty` or `Custom`; some providers are accepted under two owners. */
  readonly owners: readonly string[];
  readonly provider: string;
  /** Valid `version` values. */
  readonly versions: readonly string[];
  /** What the action does, in our own words; one or two sentences. */
  readonly description: string;
  readonly configuration: readonly ConfigKey[];
  readonly inputs: CountRange;
  readonly outputs: CountRange;
  /** What the pipeline's service role must allow for this action to run. */
  readonly permissions: readonly RolePermission[];
  readonly passedRoles: readonly PassedRole[];
  /** The AWS action structure reference page. */
  readonly reference: string;
}

const GUIDE = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/';
const none: CountRange = { min: 0, max: 0 };
const one: CountRange = { min: 1, max: 1 };

/** The table, one row per category and provider. */
export const ACTION_TYPES: readonly ActionType[] = [
  {
    category: 'Source',
    owners: ['AWS'],
    provider: 'S3',
    versions: ['1'],
    description:
      'Starts the pipeline when a new version of an object (a .zip file) lands in a versioned S3 bucket, and hands that object on as the source artifact.',
    configuration: [
      { name: 'S3Bucket', required: true, description: 'The versioned bucket to watch.' },
      { name: 'S3ObjectKey', required: true, description: 'The key of the object to watch.' },
      {
        name: 'PollForSourceChanges',
        required: false,
        description:
          'Whether CodePipeline polls the bucket for changes; false when an EventBridge rule starts the pipeline instead.',
      },
      {
        name: 'AllowOverrideForS3ObjectKey',
        required: false,
        description: 'Lets a pipeline run override the object key at start time.',
      },
    ],
    inputs: none,
    outputs: one,
    permissions: [
      {
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketVersioning', 's3:ListBucket'],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-S3.html',
  },
  {
    category: 'Source',
    owners: ['AWS'],
    provider: 'CodeCommit',
    versions: ['1'],
    description:
      'Starts the pipeline on a new commit to a CodeCommit branch and hands the commit on as the source artifact.',
    configuration: [
      { name: 'RepositoryName', required: true, description: 'The CodeCommit repository.' },
      { name: 'BranchName', required: true, description: 'The branch to watch.' },
      {
        name: 'PollForSourceChanges',
        required: false,
        description:
          'Whether CodePipeline polls the repository; false when an EventBridge rule starts the pipeline instead.',
      },
      {
        name: 'OutputArtifactFormat',
        required: false,
        description:
          '`CODE_ZIP` (the default) for a zip of the files, or `CODEBUILD_CLONE_REF` for a reference that CodeBuild clones with full Git history.',
      },
    ],
    inputs: none,
    outputs: one,
    permissions: [
      {
        actions: [
          'codecommit:GetBranch',
          'codecommit:GetCommit',
          'codecommit:UploadArchive',
          'codecommit:GetUploadArchiveStatus',
          'codecommit:CancelUploadArchive',
        ],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-CodeCommit.html',
  },
  ...(['Build', 'Test'] as const).map((category): ActionType => ({
    category,
    owners: ['AWS'],
    provider: 'CodeBuild',
    versions: ['1'],
    description:
      category === 'Build'
        ? 'Runs a CodeBuild project on the input artifacts and can publish up to five output artifacts.'
        : 'Runs a CodeBuild project as a test step on the input artifacts.',
    configuration: [
      { name: 'ProjectName', required: true, description: 'The CodeBuild project to run.' },
      {
        name: 'PrimarySource',
        required: false,
        description:
          'Which input artifact is the primary source (where the buildspec is read) when there are several.',
      },
      {
        name: 'BatchEnabled',
        required: false,
        description: 'Runs a batch build (several builds of one project) instead of one build.',
      },
      {
        name: 'CombineArtifacts',
        required: false,
        description: 'Merges the artifacts of a batch build into one output artifact.',
      },
      {
        name: 'EnvironmentVariables',
        required: false,
        description:
          "A JSON list of environment variables that override the project's; use type `SECRETS_MANAGER` or `PARAMETER_STORE` for secrets.",
      },
    ],
    inputs: { min: 1, max: 5 },
    outputs: { min: 0, max: 5 },
    permissions: [
      { actions: ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'] },
      {
        actions: ['codebuild:BatchGetBuildBatches', 'codebuild:StartBuildBatch'],
        whenConfig: 'BatchEnabled',
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-CodeBuild.html',
  })),
];

const byKey = new Map<string, ActionType>();
for (const type of ACTION_TYPES) {
  for (const owner of type.owners) byKey.set(`${owner}\0${type.category}\0${type.provider}`, type);
}

/** The action type for an owner, category and provider, matched exactly as the API does. */
export function findActionType(
  owner: string,
  category: string,
  provider: string,
): ActionType | undefined {
  return byKey.get(`${owner}\0${category}\0${provider}`);
}

/** The action types of a category and owner (either may be omitted), in table order. */
export function actionTypesFor(category?: string, owner?: string): ActionType[] {
  return ACTION_TYPES.filter(
    (t) =>
      (category === undefined || t.category === category) &&
      (owner === undefined || t.owners.includes(owner)),
  );
}

/** The configuration key of an action type, matched exactly. */
export function configKey(type: ActionType, name: string): ConfigKey | undefined {
  return type.configuration.find((key) => key.name === name);
}
