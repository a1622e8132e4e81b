import { describe, expect, it } from 'vitest';
import { analyze, hover } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';

const pipelineJson = `{
  "pipeline": {
    "name": "app",
    "roleArn": "arn:aws:iam::111122223333:role/pipeline-role",
    "artifactStore": { "type": "S3", "location": "app-artifacts" },
    "stages": [
      {
        "name": "Source",
        "actions": [
          {
            "name": "Source",
            "actionTypeId": { "category": "Source", "owner": "AWS", "provider": "CodeCommit", "version": "1" },
            "configuration": { "RepositoryName": "app", "BranchName": "main" },
            "outputArtifacts": [{ "name": "Src" }]
          }
        ]
      },
      {
        "name": "Build",
        "actions": [
          {
            "name": "Build",
            "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" },
            "configuration": { "ProjectName": "app-build", "BatchEnabled": "true", "Custom": "x" },
            "inputArtifacts": [{ "name": "Src" }]
          }
        ]
      }
    ]
  }
}
`;

const template = `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/pipeline-role
      ArtifactStore: { Type: S3, Location: app-artifacts }
      Stages:
        - Name: Source
          Actions:
            - Name: Source
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeCommit, Version: 1 }
              Configuration: { RepositoryName: app, BranchName: main }
              OutputArtifacts: [{ Name: Src }]
        - Name: Build
          Actions:
            - Name: Build
              ActionTypeId:
                Category: Build
                Owner: AWS
                Provider: CodeBuild
                Version: 1
              Configuration:
                ProjectName: app-build
                BatchEnabled: true
              InputArtifacts: [{ Name: Src }]
            - Name: Chosen
              ActionTypeId: !If
                - Prod
                - { Category: Test, Owner: AWS, Provider: CodeBuild, Version: 1 }
                - { Category: Test, Owner: Custom, Provider: Jenkins, Version: 1 }
              Configuration: { ProjectName: app-test }
              InputArtifacts: [{ Name: Src }]
`;

/** Hover at the first occurrence of `needle` after `after`, `shift` code units into it. */
function hoverAt(text: string, fileName: string, needle: string, after = '', shift = 1) {
  const catalog = testCatalog();
  const analysis = analyze(text, { catalog, fileName });
  const offset = text.indexOf(needle, text.indexOf(after)) + shift;
  const result = hover(analysis, catalog, offset);
  return {
    contents: result?.contents,
    range: result ? text.slice(result.start, result.end) : undefined,
  };
}

const CODEBUILD_BUILD = [
  '**CodeBuild** · CodePipeline Build action · owner AWS · version 1',
  '',
  'Runs a CodeBuild project on the input artifacts and can publish up to five output artifacts.',
  '',
  'Configuration:',
  '- `ProjectName` (required)',
  '- `PrimarySource` (optional)',
  '- `BatchEnabled` (optional)',
  '- `CombineArtifacts` (optional)',
  '- `EnvironmentVariables` (optional)',
  '',
  'Artifacts: 1 to 5 in, 0 to 5 out.',
  '',
  'Service role needs:',
  '- `codebuild:BatchGetBuilds`, `codebuild:StartBuild`',
  '- with `BatchEnabled`: `codebuild:BatchGetBuildBatches`, `codebuild:StartBuildBatch`',
  '',
  '[AWS action reference: CodeBuild](https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html)',
].join('\n');

const PROJECT_NAME = [
  '**ProjectName** · CodeBuild configuration · required',
  '',
  'The CodeBuild project to run.',
  '',
  '[AWS action reference: CodeBuild](https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html)',
].join('\n');

describe('pipeline hover', () => {
  it('explains CodeBuild on the provider value (JSON)', () => {
    const { contents, range } = hoverAt(pipelineJson, 'p.json', '"CodeBuild"');
    expect(range).toBe('"CodeBuild"');
    expect(contents).toBe(CODEBUILD_BUILD);
  });

  it('explains CodeBuild on the actionTypeId key and inside the object (JSON)', () => {
    expect(hoverAt(pipelineJson, 'p.json', '"actionTypeId"', '"Build"').contents).toBe(
      CODEBUILD_BUILD,
    );
    const inside = hoverAt(pipelineJson, 'p.json', '{ "category": "Build"', '', 1);
    expect(inside.contents).toBe(CODEBUILD_BUILD);
    expect(inside.range?.startsWith('{ "category": "Build"')).toBe(true);
  });

  it('explains CodeBuild on the Provider value and the ActionTypeId key (YAML)', () => {
    const { contents, range } = hoverAt(template, 't.yaml', 'CodeBuild', 'Provider: CodeBuild');
    expect(range).toBe('CodeBuild');
    expect(contents).toBe(CODEBUILD_BUILD);
    expect(hoverAt(template, 't.yaml', 'ActionTypeId:', '- Name: Build').contents).toBe(
      CODEBUILD_BUILD,
    );
  });

  it('reads each Fn::If branch of an action type on its own', () => {
    const { contents } = hoverAt(template, 't.yaml', 'CodeBuild', 'Category: Test');
    expect(contents?.split('\n')[0]).toBe(
      '**CodeBuild** · CodePipeline Test action · owner AWS · version 1',
    );
    expect(hoverAt(template, 't.yaml', 'Jenkins').contents).toBeUndefined();
  });

  it('describes a configuration key (JSON and YAML)', () => {
    expect(hoverAt(pipelineJson, 'p.json', '"ProjectName"').contents).toBe(PROJECT_NAME);
    expect(hoverAt(template, 't.yaml', 'ProjectName:').contents).toBe(PROJECT_NAME);
    expect(hoverAt(template, 't.yaml', 'BatchEnabled:').contents).toBe(
      [
        '**BatchEnabled** · CodeBuild configuration · optional',
        '',
        'Runs a batch build (several builds of one project) instead of one build.',
        '',
        'When set, the service role also needs `codebuild:BatchGetBuildBatches`, `codebuild:StartBuildBatch`.',
        '',
        '[AWS action reference: CodeBuild](https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html)',
      ].join('\n'),
    );
  });

  it('says nothing for unknown keys, configuration values, or a key of an unknown action type', () => {
    // An unknown key gets only its finding's hover.
    expect(hoverAt(pipelineJson, 'p.json', '"Custom"').contents).toMatch(
      /^\*\*pipeline-action-config\*\* \(warning\): [^\n]*\n\n_Fix:_ [^\n]*$/,
    );
    expect(hoverAt(pipelineJson, 'p.json', '"app-build"').contents).toBeUndefined();
    expect(hoverAt(template, 't.yaml', 'ProjectName: app-test').contents).toBeUndefined();
  });

  it('shows nothing for the same keys outside a pipeline', () => {
    const text =
      '{ "actionTypeId": { "category": "Build", "owner": "AWS", "provider": "CodeBuild" } }';
    expect(hoverAt(text, 'x.json', '"CodeBuild"').contents).toBeUndefined();
  });
});
