import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../../server/src/analysis/document';
import { buildModel } from '../../server/src/analysis/model';
import { pipelineCompletions } from '../../server/src/analysis/services/pipeline-completion';
import {
  pipelineSymbols,
  type PipelineSymbol,
} from '../../server/src/analysis/services/pipeline-symbols';

/** Completions at the `|` in `text` (the bar is removed before parsing). */
function completeAt(text: string, fileName: string) {
  const offset = text.indexOf('|');
  const source = text.slice(0, offset) + text.slice(offset + 1);
  const document = parseDocumentText(source, fileName);
  const items = pipelineCompletions(document, buildModel(document), offset);
  const apply = (index: number) => {
    const item = items[index];
    return (
      item && source.slice(0, item.range.start) + item.insertText + source.slice(item.range.end)
    );
  };
  return { items, labels: items.map((i) => i.label), apply };
}

const json = (typeId: string, configuration: string) => `{
  "pipeline": {
    "name": "app",
    "stages": [
      { "name": "Source", "actions": [] },
      {
        "name": "Build",
        "actions": [
          {
            "name": "Build",
            "actionTypeId": ${typeId},
            "configuration": ${configuration}
          }
        ]
      }
    ]
  }
}
`;
const CODEBUILD =
  '{ "category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1" }';

/** CodeBuild's configuration keys in the order they are offered: required first. */
const CODEBUILD_KEYS = [
  'ProjectName',
  'PrimarySource',
  'BatchEnabled',
  'CombineArtifacts',
  'EnvironmentVariables',
];
const without = (present: string) => CODEBUILD_KEYS.filter((key) => key !== present);

const yaml = (provider: string, configuration: string) => `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Stages:
        - Name: Build
          Actions:
            - Name: Build
              ActionTypeId:
                Category: Build
                Owner: AWS
                Provider: ${provider}
                Version: 1
              Configuration:
${configuration}
              InputArtifacts: [{ Name: Src }]
`;

describe('pipeline completion', () => {
  it('offers the configuration keys not yet present, required first (JSON)', () => {
    const { labels, items, apply } = completeAt(
      json(CODEBUILD, '{ "PrimarySource": "Src", | }'),
      'p.json',
    );
    expect(labels).toEqual(without('PrimarySource'));
    expect(items[0]?.kind).toBe('configKey');
    expect(items[0]?.detail).toBe('required · CodeBuild');
    expect(items[0]?.documentation).toContain('The CodeBuild project to run.');
    expect(apply(0)).toContain('"configuration": { "PrimarySource": "Src", "ProjectName": "" }');
  });

  it('completes a key being typed in JSON, and adds the comma an empty spot needs', () => {
    const typed = completeAt(json(CODEBUILD, '{ "Pro|" }'), 'p.json');
    expect(typed.labels[0]).toBe('ProjectName');
    expect(typed.apply(0)).toContain('"configuration": { "ProjectName": "" }');
    const after = completeAt(json(CODEBUILD, '{ "ProjectName": "x" | }'), 'p.json');
    expect(after.labels).toEqual(without('ProjectName'));
    expect(after.apply(0)).toContain('{ "ProjectName": "x" , "PrimarySource": "" }');
  });

  it('offers configuration keys on a blank line of a YAML mapping and for a typed key', () => {
    const blank = completeAt(
      yaml('CodeBuild', '                ProjectName: app\n                |'),
      't.yaml',
    );
    expect(blank.labels).toEqual(without('ProjectName'));
    expect(blank.apply(0)).toContain(
      '                ProjectName: app\n                PrimarySource: \n',
    );
    const typed = completeAt(yaml('CodeBuild', '                Ba|'), 't.yaml');
    expect(typed.labels).toEqual(CODEBUILD_KEYS);
    expect(typed.apply(2)).toContain(
      '              Configuration:\n                BatchEnabled: \n',
    );
    // A blank line at the action's own indentation is not inside the configuration.
    expect(
      completeAt(yaml('CodeBuild', '                ProjectName: app\n              |'), 't.yaml')
        .labels,
    ).toEqual([]);
  });

  it('reads comment lines between the configuration and the cursor in linear time', () => {
    // `# # # …` could be split every which way by the old `(\s|#[^\n]*)*`: 40 pairs never ended.
    const comment = `                ${'# '.repeat(40)}`;
    const kept = completeAt(
      yaml('CodeBuild', `                ProjectName: app\n${comment}\n                |`),
      't.yaml',
    );
    expect(kept.labels).toEqual(without('ProjectName'));
    const after = completeAt(
      `${yaml('CodeBuild', `                ProjectName: app\n${comment}`)}                |\n`,
      't.yaml',
    );
    expect(after.labels).toEqual([]);
  });

  it('offers the providers of the action category and owner', () => {
    const inJson = completeAt(
      json('{ "category": "Build", "owner": "AWS", "provider": "|", "version": "1" }', '{}'),
      'p.json',
    );
    expect(inJson.labels).toEqual(['CodeBuild', 'ECRBuildAndPublish']);
    expect(inJson.items[0]?.kind).toBe('provider');
    expect(inJson.items[0]?.documentation).toContain('**CodeBuild** · CodePipeline Build action');
    expect(inJson.apply(0)).toContain('"provider": "CodeBuild"');
    const inYaml = completeAt(yaml('|', '                ProjectName: app'), 't.yaml');
    expect(inYaml.labels).toEqual(['CodeBuild', 'ECRBuildAndPublish']);
    expect(inYaml.apply(0)).toContain('Provider: CodeBuild\n');
    const typed = completeAt(yaml('Code|', '                ProjectName: app'), 't.yaml');
    expect(typed.apply(0)).toContain('Provider: CodeBuild\n');
  });

  it('offers categories and owners', () => {
    const category = completeAt(json('{ "category": "|", "owner": "AWS" }', '{}'), 'p.json');
    expect(category.labels).toEqual([
      'Source',
      'Build',
      'Test',
      'Deploy',
      'Approval',
      'Invoke',
      'Compute',
    ]);
    const owner = completeAt(json('{ "category": "Build", "owner": "|" }', '{}'), 'p.json');
    expect(owner.labels).toEqual(['AWS', 'ThirdParty', 'Custom']);
  });

  it('offers nothing outside a pipeline action or for an unknown provider', () => {
    expect(completeAt(json(CODEBUILD, '{ "ProjectName": "|" }'), 'p.json').labels).toEqual([]);
    const custom =
      '{ "category": "Build", "owner": "Custom", "provider": "Jenkins", "version": "1" }';
    expect(completeAt(json(custom, '{ | }'), 'p.json').labels).toEqual([]);
    expect(completeAt('{ "provider": "|" }', 'x.json').labels).toEqual([]);
  });
});

describe('pipeline symbols', () => {
  const text = `Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: app
      Stages:
        - Name: Source
          Actions:
            - Name: Repo
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeCommit, Version: 1 }
        - Name: !Ref BuildStageName
          Actions:
            - Name: Build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: 1 }
            - Name: !Sub '\${AWS::StackName}-test'
              ActionTypeId: { Category: Test, Owner: AWS, Provider: !Ref TestProvider, Version: 1 }
`;

  function outline(symbol: PipelineSymbol): unknown {
    return {
      [`${symbol.kind} ${symbol.name} (${symbol.detail}) [${text.slice(symbol.selectionRange.start, symbol.selectionRange.end)}]`]:
        symbol.children.map(outline),
    };
  }

  it('lists the pipeline, its stages and their actions with ranges and name selections', () => {
    const document = parseDocumentText(text, 't.yaml');
    const symbols = pipelineSymbols(buildModel(document));
    expect(symbols.map(outline)).toEqual([
      {
        'pipeline app (AWS::CodePipeline::Pipeline) [app]': [
          { 'stage Source () [Source]': [{ 'action Repo (Source/CodeCommit) [Repo]': [] }] },
          {
            'stage Stage 2 () [!Ref BuildStageName]': [
              { 'action Build (Build/CodeBuild) [Build]': [] },
              { "action Action 2 (Test/?) [!Sub '${AWS::StackName}-test']": [] },
            ],
          },
        ],
      },
    ]);
    const [pipeline] = symbols;
    expect(text.slice(pipeline?.range.start, pipeline?.range.end).startsWith('Pipeline:\n')).toBe(
      true,
    );
    expect(text.slice(pipeline?.range.end).trim()).toBe('');
    const build = pipeline?.children[1]?.children[0];
    expect(text.slice(build?.range.start, build?.range.end).trimEnd()).toBe(
      'Name: Build\n              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: 1 }',
    );
  });
});
