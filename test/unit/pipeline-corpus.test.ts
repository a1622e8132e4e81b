import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { CORPUS, corpusAvailable } from '../corpus/corpus';
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

describe.skipIf(!corpusAvailable())('pipeline rules on the corpus pipelines', () => {
  it('report exactly the reviewed findings', () => {
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
        .filter((f) => RULES.includes(f.rule))
        .map((f) => `${f.rule}:${text.slice(0, f.start).split('\n').length}`);
      if (found.length > 0) actual[path] = found;
    }
    expect(pipelines).toBeGreaterThanOrEqual(50);
    expect(actual).toEqual(
      Object.fromEntries(Object.entries(EXPECTED).map(([path, e]) => [path, e.findings])),
    );
  });
});
