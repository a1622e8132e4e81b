import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { parseDocumentText } from '../../server/src/analysis/document';
import { buildModel } from '../../server/src/analysis/model';
import { testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';

const FIXTURES = join(__dirname, '..', 'fixtures');
const PIPELINE_RULES = ['pipeline-structure', 'pipeline-artifacts', 'pipeline-action-config'];

/** The findings of the pipeline rules, with the key spelling (runOrder/RunOrder) folded. */
function findings(path: string): string[] {
  const name = path.split('/').pop() ?? path;
  const text = stripMarkers(readFileSync(path, 'utf8'));
  return analyze(text, { catalog: testCatalog(), fileName: name })
    .findings.filter((f) => PIPELINE_RULES.includes(f.rule))
    .map((f) => `${f.rule}: ${f.message.toLowerCase()}`);
}

describe('one pipeline, three spellings', () => {
  for (const [rule, cases] of [
    ['pipeline-structure', ['bad', 'one-stage', 'good', 'variables', 'v1', 'good-v2', 'provider']],
    ['pipeline-artifacts', ['bad', 'good']],
    ['pipeline-action-config', ['bad']],
  ] as const) {
    for (const name of cases) {
      it(`${rule}/${name}: get-pipeline JSON, template JSON and template YAML agree`, () => {
        const base = join(FIXTURES, rule, name);
        const json = findings(`${base}.pipeline.json`);
        expect(findings(`${base}.template.json`)).toEqual(json);
        expect(findings(`${base}.template.yaml`)).toEqual(json);
        if (!name.startsWith('good')) expect(json.length).toBeGreaterThan(0);
      });
    }
  }
});

describe('pipeline model', () => {
  it('reads a bare get-pipeline object with per-region stores', () => {
    const text = JSON.stringify({
      name: 'app',
      pipelineType: 'V2',
      roleArn: 'arn:aws:iam::111122223333:role/r',
      artifactStores: {
        'us-east-1': { type: 'S3', location: 'a', encryptionKey: { id: 'alias/k', type: 'KMS' } },
        'eu-west-1': { type: 'S3', location: 'b' },
      },
      stages: [
        {
          name: 'Source',
          actions: [
            {
              name: 'S',
              actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
              namespace: 'SourceVariables',
              region: 'us-east-1',
              outputArtifacts: [{ name: 'Out' }],
            },
          ],
        },
      ],
    });
    const model = buildModel(parseDocumentText(text, 'p.json'));
    expect(model.kind).toBe('codepipeline');
    const [pipeline] = model.pipelines;
    expect(pipeline?.spelling).toBe('json');
    expect(pipeline?.pipelineType?.value).toBe('V2');
    expect(pipeline?.artifactStores.map((s) => s.region?.value)).toEqual([
      'us-east-1',
      'eu-west-1',
    ]);
    expect(pipeline?.artifactStores[0]?.encryptionKey?.type?.value).toBe('KMS');
    const action = pipeline?.stages[0]?.actions[0];
    expect(action?.provider?.value).toBe('S3');
    expect(action?.namespace?.value).toBe('SourceVariables');
    expect(action?.region?.value).toBe('us-east-1');
    expect(action?.outputArtifacts.items.map((a) => a.name.value)).toEqual(['Out']);
  });

  it('reads a template pipeline with a numeric YAML version and keeps the metadata of get-pipeline', () => {
    const yaml = [
      'Resources:',
      '  P:',
      '    Type: AWS::CodePipeline::Pipeline',
      '    Properties:',
      '      Stages:',
      '        - Name: Source',
      '          Actions:',
      '            - Name: S',
      '              ActionTypeId: { Category: Source, Owner: AWS, Provider: S3, Version: 1 }',
      '              RunOrder: 2',
    ].join('\n');
    const [pipeline] = buildModel(parseDocumentText(yaml, 't.yaml')).pipelines;
    expect(pipeline?.spelling).toBe('cfn');
    expect(pipeline?.resource?.name).toBe('P');
    expect(pipeline?.stages[0]?.actions[0]?.version?.value).toBe('1');
    expect(pipeline?.stages[0]?.actions[0]?.runOrder?.value).toBe(2);
    const wrapped = buildModel(
      parseDocumentText(JSON.stringify({ pipeline: { stages: [] }, metadata: { x: 1 } }), 'p.json'),
    );
    expect(wrapped.pipelines[0]?.metadata?.kind).toBe('object');
  });

  it('reads pipeline variables and triggers in both spellings', () => {
    const declaration = {
      pipelineType: 'V2',
      variables: [{ name: 'Env', defaultValue: 'dev', description: 'Target' }],
      triggers: [
        {
          providerType: 'CodeStarSourceConnection',
          gitConfiguration: {
            sourceActionName: 'App',
            push: [
              { branches: { includes: ['main'], excludes: ['wip/*'] }, tags: { includes: ['v*'] } },
            ],
            pullRequest: [{ events: ['OPEN'], filePaths: { includes: ['src/**'] } }],
          },
        },
      ],
      stages: [],
    };
    const pascal = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(pascal)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value).map(([k, v]) => [
                k.charAt(0).toUpperCase() + k.slice(1),
                pascal(v),
              ]),
            )
          : value;
    const template = {
      Resources: { P: { Type: 'AWS::CodePipeline::Pipeline', Properties: pascal(declaration) } },
    };
    for (const [text, name] of [
      [JSON.stringify({ pipeline: declaration }), 'p.json'],
      [JSON.stringify(template), 't.json'],
    ] as const) {
      const [pipeline] = buildModel(parseDocumentText(text, name)).pipelines;
      expect(pipeline?.variables.complete).toBe(true);
      expect(pipeline?.variables.items.map((v) => [v.name?.value, v.defaultValue?.value])).toEqual([
        ['Env', 'dev'],
      ]);
      const trigger = pipeline?.triggers.items[0];
      expect(trigger?.providerType?.value).toBe('CodeStarSourceConnection');
      const git = trigger?.gitConfiguration;
      expect(git?.sourceActionName?.value).toBe('App');
      expect(git?.push.items[0]?.branches?.includes.map((i) => i.value)).toEqual(['main']);
      expect(git?.push.items[0]?.branches?.excludes.map((i) => i.value)).toEqual(['wip/*']);
      expect(git?.push.items[0]?.tags?.includes.map((i) => i.value)).toEqual(['v*']);
      expect(git?.pullRequest.items[0]?.events.map((i) => i.value)).toEqual(['OPEN']);
      expect(git?.pullRequest.items[0]?.filePaths?.includes.map((i) => i.value)).toEqual([
        'src/**',
      ]);
    }
  });

  it('marks variables and triggers it cannot read as incomplete or unknown', () => {
    const yaml = [
      'Resources:',
      '  P:',
      '    Type: AWS::CodePipeline::Pipeline',
      '    Properties:',
      '      Variables: !Ref Vars',
      '      Triggers:',
      '        - ProviderType: CodeStarSourceConnection',
      '          GitConfiguration: !If [C, { SourceActionName: A }, { SourceActionName: B }]',
      '        - !If [C, { ProviderType: CodeStarSourceConnection }, !Ref AWS::NoValue]',
      '      Stages: []',
    ].join('\n');
    const [pipeline] = buildModel(parseDocumentText(yaml, 't.yaml')).pipelines;
    expect(pipeline?.variables.complete).toBe(false);
    expect(pipeline?.triggers.complete).toBe(true);
    expect(pipeline?.triggers.items.map((t) => t.conditional)).toEqual([false, true]);
    expect(pipeline?.triggers.items[0]?.gitConfiguration?.sourceActionName?.value).toBeUndefined();
    const bare = buildModel(
      parseDocumentText(JSON.stringify({ pipeline: { stages: [] } }), 'p.json'),
    );
    expect(bare.pipelines[0]?.variables).toMatchObject({ items: [], complete: true });
    expect(bare.pipelines[0]?.triggers).toMatchObject({ items: [], complete: true });
  });
});
