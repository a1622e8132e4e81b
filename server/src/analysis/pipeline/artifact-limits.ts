/**
 * How many input and output artifacts the common CodePipeline action providers accept. Facts from
 * the AWS "Valid input and output artifacts for each action type" page and the per-provider
 * action structure reference pages (cross-checked with cfn-lint's MIT-0 table, rule E3702).
 * Providers missing here (custom actions, newer providers) are never judged.
 */

/** An inclusive count range. */
export interface CountRange {
  readonly min: number;
  readonly max: number;
}

export interface ArtifactLimits {
  readonly owners: readonly string[];
  readonly category: string;
  readonly provider: string;
  readonly inputs: CountRange;
  readonly outputs: CountRange;
  /** The action structure reference page for the provider. */
  readonly reference: string;
}

const GUIDE = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/';
const none: CountRange = { min: 0, max: 0 };
const one: CountRange = { min: 1, max: 1 };

/** The table; one row per category and provider. */
export const ARTIFACT_LIMITS: readonly ArtifactLimits[] = [
  // Source actions take nothing in and hand exactly one artifact (the revision) to later stages.
  row(['AWS'], 'Source', 'S3', none, one, 'action-reference-S3.html'),
  row(['AWS'], 'Source', 'CodeCommit', none, one, 'action-reference-CodeCommit.html'),
  row(['AWS'], 'Source', 'ECR', none, one, 'action-reference-ECR.html'),
  // The artifact table lists this provider under ThirdParty, but pipelines declare it as AWS.
  row(
    ['AWS', 'ThirdParty'],
    'Source',
    'CodeStarSourceConnection',
    none,
    one,
    'action-reference-CodestarConnectionSource.html',
  ),
  row(['ThirdParty'], 'Source', 'GitHub', none, one, 'action-reference-GitHub.html'),
  // CodeBuild builds or tests up to five sources and may publish up to five artifacts.
  ...['Build', 'Test'].map((category) =>
    row(
      ['AWS'],
      category,
      'CodeBuild',
      { min: 1, max: 5 },
      { min: 0, max: 5 },
      'action-reference-CodeBuild.html',
    ),
  ),
  row(['AWS'], 'Test', 'DeviceFarm', one, none, 'action-reference-DeviceFarm.html'),
  // A manual approval only waits for a person; it neither reads nor writes artifacts.
  row(['AWS'], 'Approval', 'Manual', none, none, 'action-reference-approval.html'),
  row(['AWS'], 'Deploy', 'S3', one, none, 'action-reference-S3Deploy.html'),
  // CloudFormation may read templates and configuration from up to ten artifacts and write the
  // stack outputs to one.
  row(
    ['AWS'],
    'Deploy',
    'CloudFormation',
    { min: 0, max: 10 },
    { min: 0, max: 1 },
    'action-reference-CloudFormation.html',
  ),
  row(['AWS'], 'Deploy', 'CodeDeploy', one, none, 'action-reference-CodeDeploy.html'),
  row(['AWS'], 'Deploy', 'ElasticBeanstalk', one, none, 'action-reference-Beanstalk.html'),
  row(['AWS'], 'Deploy', 'OpsWorks', one, none, 'reference-action-artifacts.html'),
  row(['AWS'], 'Deploy', 'ECS', one, none, 'action-reference-ECS.html'),
  row(['AWS'], 'Deploy', 'ServiceCatalog', one, none, 'action-reference-ServiceCatalog.html'),
  // The artifact table says 1 to 2 inputs; cfn-lint allows 0. Keep the looser bound: a false
  // alarm costs more than a missed one here.
  row(
    ['ThirdParty'],
    'Deploy',
    'AlexaSkillsKit',
    { min: 0, max: 2 },
    none,
    'reference-action-artifacts.html',
  ),
  row(
    ['AWS'],
    'Invoke',
    'Lambda',
    { min: 0, max: 5 },
    { min: 0, max: 5 },
    'action-reference-Lambda.html',
  ),
];

function row(
  owners: readonly string[],
  category: string,
  provider: string,
  inputs: CountRange,
  outputs: CountRange,
  page: string,
): ArtifactLimits {
  return { owners, category, provider, inputs, outputs, reference: GUIDE + page };
}

/** The limits of an action type, when the table knows it. Matching is exact, as in the API. */
export function artifactLimits(
  owner: string,
  category: string,
  provider: string,
): ArtifactLimits | undefined {
  return ARTIFACT_LIMITS.find(
    (limits) =>
      limits.category === category && limits.provider === provider && limits.owners.includes(owner),
  );
}
