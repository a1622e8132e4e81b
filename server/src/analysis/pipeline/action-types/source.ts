/** Source actions: they start the pipeline and take no input artifact. */
import { GUIDE, none, one, opt, req, secret, type ActionType } from './types';

const POLL = (what: string) =>
  opt(
    'PollForSourceChanges',
    `Whether CodePipeline polls the ${what} for changes; false when an EventBridge rule or webhook starts the pipeline instead.`,
  );

const ARTIFACT_FORMAT = opt(
  'OutputArtifactFormat',
  '`CODE_ZIP` (the default) for a zip of the files, or `CODEBUILD_CLONE_REF` for a reference that only a following CodeBuild action can clone, with full Git history.',
);

/** The keys of both spellings of the connection source. */
const CONNECTION_KEYS = [
  req('ConnectionArn', 'The ARN of the connection, authorised for the repository host.'),
  req('FullRepositoryId', 'The owner and name of the repository, as `owner/name`.'),
  req('BranchName', 'The branch to watch.'),
  ARTIFACT_FORMAT,
  opt('DetectChanges', 'Whether a push to the branch starts the pipeline; `true` when absent.'),
];

export const SOURCE_TYPES: readonly ActionType[] = [
  {
    category: 'Source',
    owners: ['AWS'],
    provider: 'S3',
    versions: ['1'],
    description:
      'Starts the pipeline when a new version of an object (a .zip file) lands in a versioned S3 bucket, and hands that object on as the source artifact.',
    configuration: [
      req('S3Bucket', 'The versioned bucket to watch.'),
      req('S3ObjectKey', 'The key of the object to watch.'),
      POLL('bucket'),
      opt(
        'AllowOverrideForS3ObjectKey',
        'Lets a pipeline run override the object key at start time.',
      ),
    ],
    inputs: none,
    outputs: one,
    permissions: [{ actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketVersioning'] }],
    // The newer service-role page grants these bucket reads too; without them the action still
    // reads the object (a missing key then reports 403 instead of 404).
    relatedPermissions: ['s3:ListBucket', 's3:GetBucketAcl', 's3:GetBucketLocation'],
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
      req('RepositoryName', 'The CodeCommit repository.'),
      req('BranchName', 'The branch to watch.'),
      POLL('repository'),
      ARTIFACT_FORMAT,
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
        ],
      },
      {
        actions: ['codecommit:GetRepository'],
        whenConfig: 'OutputArtifactFormat',
        whenValue: ['CODEBUILD_CLONE_REF'],
      },
    ],
    // A clone reference also needs GetRepository (CDK grants it only then); the CodeBuild
    // project's own role needs codecommit:GitPull for the clone, which is not this role's concern.
    // CancelUploadArchive is on the AWS list but only runs when an upload is abandoned; working
    // samples (the CodeBuild-and-CodePipeline templates) leave it out, so it is never demanded.
    relatedPermissions: ['codecommit:GetRepository', 'codecommit:CancelUploadArchive'],
    passedRoles: [],
    reference: GUIDE + 'action-reference-CodeCommit.html',
  },
  {
    category: 'Source',
    owners: ['AWS'],
    provider: 'ECR',
    versions: ['1'],
    description:
      'Starts the pipeline when an image is pushed to an Amazon ECR repository and hands on an image-detail file that names the pushed image.',
    configuration: [
      req('RepositoryName', 'The ECR repository to watch.'),
      opt('ImageTag', 'The image tag to watch; `latest` when absent.'),
    ],
    inputs: none,
    outputs: one,
    permissions: [{ actions: ['ecr:DescribeImages'] }],
    passedRoles: [],
    reference: GUIDE + 'action-reference-ECR.html',
  },
  {
    category: 'Source',
    // Pipelines declare this provider with owner AWS, which is what the action page says. The
    // "valid input and output artifacts" table lists it under ThirdParty, so that spelling is
    // accepted too rather than raising a false alarm.
    owners: ['AWS', 'ThirdParty'],
    provider: 'CodeStarSourceConnection',
    versions: ['1'],
    description:
      'Starts the pipeline on a change to a branch of a GitHub, GitHub Enterprise, GitLab or Bitbucket repository, reached through a CodeConnections (formerly CodeStar) connection.',
    configuration: CONNECTION_KEYS,
    inputs: none,
    outputs: one,
    permissions: [
      {
        actions: ['codestar-connections:UseConnection'],
        // The service was renamed CodeConnections in 2024 and IAM has both prefixes; the page
        // now shows codeconnections:UseConnection for connections with codeconnections ARNs.
        alternatives: ['codeconnections:UseConnection'],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-CodestarConnectionSource.html',
  },
  {
    category: 'Source',
    owners: ['AWS'],
    // The provider name of the same action since the CodeConnections rename (CDK's
    // CodeConnectionsSourceAction emits it); same keys, permission spelt codeconnections.
    provider: 'CodeConnections',
    versions: ['1'],
    description:
      'The CodeConnections spelling of the connection source: starts the pipeline on a change to a branch of a GitHub, GitHub Enterprise, GitLab or Bitbucket repository.',
    configuration: CONNECTION_KEYS,
    inputs: none,
    outputs: one,
    permissions: [
      {
        actions: ['codeconnections:UseConnection'],
        alternatives: ['codestar-connections:UseConnection'],
      },
    ],
    passedRoles: [],
    reference: GUIDE + 'action-reference-CodestarConnectionSource.html',
  },
  {
    category: 'Source',
    owners: ['ThirdParty'],
    provider: 'GitHub',
    versions: ['1'],
    description:
      'The retired GitHub (version 1) source: starts the pipeline on a push to a GitHub branch, authenticated with an OAuth or personal access token stored in the pipeline. Use a CodeStarSourceConnection action instead.',
    configuration: [
      req('Owner', 'The GitHub user or organisation that owns the repository.'),
      req('Repo', 'The repository name.'),
      req('Branch', 'The branch to watch.'),
      secret(
        'OAuthToken',
        'The GitHub token CodePipeline uses; reference a secret instead of writing it in the document.',
      ),
      POLL('repository'),
    ],
    inputs: none,
    outputs: one,
    // The token, not the service role, grants access to the repository.
    permissions: [],
    passedRoles: [],
    reference: GUIDE + 'action-reference-GitHub.html',
  },
];
