import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { CORPUS, corpusOrSay } from '../corpus/corpus';
import { testCatalog } from '../support/catalog';

const RULES = [
  'pipeline-structure',
  'pipeline-artifacts',
  'asymmetric-artifact-key',
  'pipeline-action-config',
];

/**
 * Every finding of the pipeline rules on the corpus's pipeline JSON files and pipeline templates,
 * each reviewed: all are real problems in the source, so valid pipelines raise none.
 */
const EXPECTED: Record<string, { findings: string[]; why: string }> = {
  // The CodeBuild user guide's pipeline samples spell the provider "AWS CodeBuild"; the API
  // pattern allows no spaces and the provider is "CodeBuild", so CreatePipeline rejects them.
  ...Object.fromEntries(
    [
      'awsdocs-aws-codebuild-user-guide/doc_source/sample-pipeline-batch/01_L12.json',
      'awsdocs-aws-codebuild-user-guide/doc_source/sample-pipeline-batch/02_L158.json',
      'awsdocs-aws-codebuild-user-guide/doc_source/sample-pipeline-multi-input-output/01_L8.json',
    ].map((path) => [
      path,
      { findings: ['pipeline-structure:67'], why: 'provider "AWS CodeBuild" is not a provider' },
    ]),
  ),
  'cfn-lint/test/fixtures/templates/bad/resources/codepipeline/stages_second_stage.yaml': {
    findings: ['pipeline-structure:34'],
    why: "cfn-lint's own bad fixture: a GitHub source action in the second stage",
  },
  // The OpsWorks deploy action takes `Stack`, `App` and optionally `Layer` (AWS action reference
  // for OpsWorks); this lab passes CreateDeployment's parameter names instead.
  'stelligent-cloudformation_templates/labs/opsworks/codepipeline-opsworks.json': {
    findings: [
      'pipeline-action-config:557',
      'pipeline-action-config:558',
      'pipeline-action-config:561',
      'pipeline-action-config:564',
      'pipeline-action-config:565',
    ],
    why: 'OpsWorks configuration written as StackId/AppId/LayerId/DeploymentType; the action takes Stack, App, Layer',
  },
  // moto's create_pipeline error tests: deliberately invalid one-stage pipelines whose S3 source
  // action has no output artifact and no configuration (S3Bucket and S3ObjectKey are required).
  ...Object.fromEntries(
    [
      'moto/tests/test_codepipeline/test_codepipeline/05_test_create_pipeline_errors_L92.json',
      'moto/tests/test_codepipeline/test_codepipeline/06_test_create_pipeline_errors_L145.json',
      'moto/tests/test_codepipeline/test_codepipeline/07_test_create_pipeline_errors_L182.json',
    ].map((path) => [
      path,
      {
        findings: ['pipeline-structure:9', 'pipeline-action-config:18', 'pipeline-artifacts:18'],
        why: 'deliberately invalid input of an error test',
      },
    ]),
  ),
};

/**
 * The pipeline's other findings, reviewed the same way: the service role checked against what the
 * pipeline's actions need, and GitHub version 1 sources (deprecated, so reported even in valid
 * pipelines). None of these is a false alarm; each group says why.
 */
const ROLE_RULES = [
  'service-role-missing-permission',
  'service-role-unused-permission',
  'github-v1-source',
];
const ROLE_EXPECTED: Record<string, { findings: string[]; why: string }> = {
  'aws-samples-codepipeline-nested-cfn/codepipeline-cfn-codebuild.yml': {
    findings: ['service-role-missing-permission:500'],
    why: 'two CHANGE_SET_REPLACE actions: CloudFormation must delete the previous change set of that name, and the role lacks cloudformation:DeleteChangeSet',
  },
  // The console's old default service-role policy, copied whole into pipelines that use a few of
  // its services: codepipeline:*, iam:PassRole with no action passing a role, Elastic Beanstalk,
  // OpsWorks, Lambda or CodeDeploy grants with no such action. Each role is used by its pipelines
  // alone and trusts only codepipeline.amazonaws.com.
  ...Object.fromEntries(
    (
      [
        [
          'awslabs-aws-devops-essential/templates/aws-pipeline-commit-build-deploy.template',
          [310, 344],
        ],
        ['awslabs-aws-refarch-cross-account-pipeline/ToolsAcct/code-pipeline.yaml', [156]],
        ['stelligent-cloudformation_templates/labs/codebuild/codebuild-cpl-cd-cc.json', [168, 185]],
        ['stelligent-cloudformation_templates/labs/codecommit/codecommit-cpl-cfn.json', [152, 169]],
        [
          'stelligent-cloudformation_templates/labs/codecommit/codepipeline-codecommit.json',
          [149, 166],
        ],
        ['stelligent-cloudformation_templates/labs/codepipeline/codepipeline-canonical.yml', [86]],
        [
          'stelligent-cloudformation_templates/labs/codepipeline/codepipeline-updates-after.json',
          [134],
        ],
        [
          'stelligent-cloudformation_templates/labs/codepipeline/codepipeline-updates-before.json',
          [122],
        ],
        [
          'stelligent-cloudformation_templates/labs/eb/elasticbeanstalk-codepipeline.json',
          [174, 203],
        ],
        [
          'stelligent-cloudformation_templates/labs/eb/elasticbeanstalk-codepipeline.yml',
          [117, 140],
        ],
        ['stelligent-cloudformation_templates/labs/opsworks/codepipeline-opsworks.json', [443]],
      ] as const
    ).map(([path, lines]) => [
      path,
      {
        findings: lines.map((line) => `service-role-unused-permission:${line}`),
        why: 'grants for services no action of the pipeline uses',
      },
    ]),
  ),
  // GitHub version 1 sources; the stelligent labs also grant cloudformation/ecs/iam:PassRole to a
  // pipeline of GitHub, CodeBuild and Manual actions only.
  ...Object.fromEntries(
    (
      [
        ['awslabs-ecs-refarch-continuous-deployment/templates/deployment-pipeline.yaml', [], [163]],
        [
          'cfn-lint/test/fixtures/templates/bad/resources/codepipeline/stages_second_stage.yaml',
          [],
          [20, 36],
        ],
        ['cfn-lint/test/fixtures/templates/good/resources_codepipeline.yaml', [], [20]],
        ['stelligent-cloudformation_templates/labs/codepipeline/simple.yml', [73], [93]],
        ['stelligent-cloudformation_templates/labs/iot/pipeline.yaml', [103], [163]],
        ['stelligent-cloudformation_templates/labs/polly/pipeline.yml', [123], [185]],
        ['stelligent-cloudformation_templates/labs/s3/pipeline.yml', [128], [183]],
        ['stelligent-cloudformation_templates/labs/spa/pipeline.yml', [127], [181]],
        ['stelligent-cloudformation_templates/pipeline.yml', [128], [182]],
        ['stelligent-dromedary/pipeline/cfn/codepipeline-cfn.json', [], [67]],
        ['stelligent-mu/templates/assets/cloudformation/pipeline.yml', [], [410]],
      ] as const
    ).map(([path, unused, github]) => [
      path,
      {
        findings: [
          ...unused.map((line) => `service-role-unused-permission:${line}`),
          ...github.map((line) => `github-v1-source:${line}`),
        ],
        why: 'a GitHub version 1 source (OAuth token); unused grants where listed',
      },
    ]),
  ),
};

/** The findings of `rules` on every corpus pipeline, as `rule:line`, by path. */
function sweepPipelines(rules: readonly string[]): {
  actual: Record<string, string[]>;
  pipelines: number;
} {
  const rows = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n').slice(1);
  const actual: Record<string, string[]> = {};
  let pipelines = 0;
  for (const row of rows) {
    const cells = row.split('\t');
    const path = cells[0] ?? '';
    if (cells[1] !== 'pipeline-json' && !(cells[9] ?? '').includes('has-codepipeline')) continue;
    const text = readFileSync(join(CORPUS, path), 'utf8');
    const analysis = analyze(text, { catalog: testCatalog(), fileName: path });
    pipelines += analysis.model.pipelines.length;
    const found = analysis.findings
      .filter((f) => rules.includes(f.rule))
      .map((f) => `${f.rule}:${text.slice(0, f.start).split('\n').length}`)
      .sort();
    if (found.length > 0) actual[path] = found;
  }
  return { actual, pipelines };
}

const sorted = (expected: Record<string, { findings: string[] }>) =>
  Object.fromEntries(Object.entries(expected).map(([path, e]) => [path, [...e.findings].sort()]));

describe.runIf(corpusOrSay('the pipeline rules on the corpus pipelines'))(
  'pipeline rules on the corpus pipelines',
  () => {
    it('report exactly the reviewed structure, artifact, key and configuration findings', () => {
      const { actual, pipelines } = sweepPipelines(RULES);
      expect(pipelines).toBeGreaterThanOrEqual(50);
      expect(actual).toEqual(sorted(EXPECTED));
    });

    it('report exactly the reviewed service-role and GitHub v1 findings', () => {
      expect(sweepPipelines(ROLE_RULES).actual).toEqual(sorted(ROLE_EXPECTED));
    });
  },
);
