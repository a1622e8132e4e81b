/**
 * Deterministic generator of realistic CloudFormation templates for the bench: S3 buckets with
 * bucket policies, IAM roles with inline policies (scoped ARNs, `Resource: '*'`, `s3:*`,
 * `iam:PassRole`), CodeBuild projects and one CodePipeline. YAML output uses the short tags
 * (`!Ref`, `!Sub`, `!GetAtt`) and carries comments; JSON output uses the `Fn::` forms.
 */

export type TemplateFormat = 'json' | 'yaml';

export interface TemplateSpec {
  /** The template is grown resource group by resource group until it has at least this many lines. */
  readonly lines: number;
  readonly format: TemplateFormat;
  /** Different seeds give different (but equally sized and equally realistic) templates. */
  readonly seed?: number;
}

/** An intrinsic function call: short tag in YAML, `{ "Ref": ... }` / `{ "Fn::...": ... }` in JSON. */
class Intrinsic {
  constructor(
    readonly fn: 'Ref' | 'Sub' | 'GetAtt',
    readonly arg: string,
  ) {}
}

/** A comment line, kept only in YAML; as a mapping key it is emitted before the next entry. */
class Comment {
  constructor(readonly text: string) {}
}

/** A string emitted as a YAML literal block (`|`), as build specs usually are. */
class Block {
  constructor(readonly text: string) {}
}

type Value = string | number | boolean | Intrinsic | Block | Value[] | Mapping;
interface Mapping {
  [key: string]: Value | Comment;
}

const ref = (name: string) => new Intrinsic('Ref', name);
const sub = (text: string) => new Intrinsic('Sub', text);
const getAtt = (path: string) => new Intrinsic('GetAtt', path);

/** Returns the text of a template with at least `spec.lines` lines. Same spec, same text. */
export function generateTemplate(spec: TemplateSpec): string {
  const seed = spec.seed ?? 1;
  let groups = 1;
  for (;;) {
    const text = emit(buildTemplate(groups, seed), spec.format);
    if (lineCount(text) >= spec.lines) return text;
    // Grow by an estimate of the missing groups (at least one) to keep generation linear.
    const perGroup = lineCount(text) / groups;
    groups += Math.max(1, Math.floor((spec.lines - lineCount(text)) / perGroup));
  }
}

export function lineCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return text.endsWith('\n') ? count - 1 : count;
}

/** Mulberry32: a small, fast, seedable PRNG, so that templates are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['payments', 'ledger', 'search', 'ingest', 'reports', 'identity', 'catalog', 'media'];
const READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'];
const WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];
const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];
const LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

function buildTemplate(groups: number, seed: number): Mapping {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const resources: Mapping = {};
  const projects: string[] = [];

  resources['ArtifactBucket'] = bucket(true);
  for (let i = 1; i <= groups; i++) {
    const team = pick(TEAMS);
    const name = `${capitalise(team)}${i}`;
    resources[`${name}Comment`] = new Comment(`${team} service, group ${i}`);
    resources[`${name}Bucket`] = bucket(rand() < 0.8, team, i);
    resources[`${name}BucketPolicy`] = bucketPolicy(`${name}Bucket`, rand() < 0.1);
    resources[`${name}Role`] = role(name, team, rand);
    resources[`${name}Build`] = buildProject(name, team, rand() < 0.15);
    projects.push(`${name}Build`);
  }
  resources['PipelineRole'] = pipelineRole(projects);
  resources['Pipeline'] = pipeline(projects);

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Generated bench template (${groups} service groups)`,
    Parameters: {
      Environment: {
        Type: 'String',
        Default: 'dev',
        AllowedValues: ['dev', 'staging', 'prod'],
      },
      ConnectionArn: {
        Type: 'String',
        Description: 'CodeStar connection to the source repository',
      },
      KmsKeyArn: { Type: 'String', Default: '' },
    },
    Resources: resources,
    Outputs: {
      PipelineName: { Value: ref('Pipeline') },
      ArtifactBucketArn: { Value: getAtt('ArtifactBucket.Arn') },
    },
  };
}

function bucket(encrypted: boolean, team = 'artifacts', index = 0): Mapping {
  const properties: Mapping = {
    BucketName: sub(`\${AWS::StackName}-${team}-${index}-\${Environment}`),
    VersioningConfiguration: { Status: 'Enabled' },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    Tags: [
      { Key: 'team', Value: team },
      { Key: 'environment', Value: ref('Environment') },
    ],
  };
  if (encrypted) {
    properties['BucketEncryption'] = {
      ServerSideEncryptionConfiguration: [
        {
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: ref('KmsKeyArn'),
          },
        },
      ],
    };
  }
  return { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', Properties: properties };
}

function bucketPolicy(bucketName: string, publicRead: boolean): Mapping {
  const statements: Value[] = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [getAtt(`${bucketName}.Arn`), sub(`\${${bucketName}.Arn}/*`)],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'AllowAccountRead',
      Effect: 'Allow',
      Principal: { AWS: sub('arn:aws:iam::${AWS::AccountId}:root') },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [getAtt(`${bucketName}.Arn`), sub(`\${${bucketName}.Arn}/*`)],
    },
  ];
  if (publicRead) {
    statements.push({
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: sub(`\${${bucketName}.Arn}/public/*`),
    });
  }
  return {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref(bucketName),
      PolicyDocument: { Version: '2012-10-17', Statement: statements },
    },
  };
}

function role(name: string, team: string, rand: () => number): Mapping {
  const bucketArn = getAtt(`${name}Bucket.Arn`);
  const statements: Mapping[] = [
    {
      Sid: 'ReadWriteOwnBucket',
      Effect: 'Allow',
      Action: [...READ_ACTIONS, ...WRITE_ACTIONS],
      Resource: [bucketArn, sub(`\${${name}Bucket.Arn}/*`)],
    },
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Action: LOG_ACTIONS,
      Resource: sub(
        `arn:aws:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/codebuild/${team}-*`,
      ),
    },
    {
      Sid: 'Table',
      Effect: 'Allow',
      Action: TABLE_ACTIONS,
      Resource: sub(
        `arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${team}-\${Environment}`,
      ),
    },
  ];
  const roll = rand();
  if (roll < 0.3) {
    statements.push({ Sid: 'Everything', Effect: 'Allow', Action: 's3:*', Resource: '*' });
  } else if (roll < 0.55) {
    statements.push({
      Sid: 'PassRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: '*',
    });
  } else if (roll < 0.75) {
    statements.push({
      Sid: 'PassOwnRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: sub(`arn:aws:iam::\${AWS::AccountId}:role/${team}-*`),
      Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    });
  } else {
    statements.push({
      Sid: 'Describe',
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances', 'cloudwatch:PutMetricData'],
      Resource: '*',
    });
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: sub(`${team}-${name}-\${Environment}`),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['codebuild.amazonaws.com', 'lambda.amazonaws.com'] },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      Policies: [
        {
          PolicyName: `${team}-access`,
          PolicyDocument: {
            Version: '2012-10-17',
            comment: new Comment('scoped to the service bucket and table'),
            Statement: statements,
          },
        },
      ],
    },
  };
}

function buildProject(name: string, team: string, plaintextSecret: boolean): Mapping {
  const variables: Value[] = [
    { Name: 'ENVIRONMENT', Value: ref('Environment') },
    { Name: 'ARTIFACT_BUCKET', Value: ref(`${name}Bucket`) },
  ];
  if (plaintextSecret) {
    variables.push({ Name: 'DB_PASSWORD', Type: 'PLAINTEXT', Value: 'Hunter2-not-a-real-one' });
  } else {
    variables.push({
      Name: 'DB_PASSWORD',
      Type: 'SECRETS_MANAGER',
      Value: `${team}/db-password`,
    });
  }
  return {
    Type: 'AWS::CodeBuild::Project',
    Properties: {
      Name: sub(`${team}-${name}-\${Environment}`),
      ServiceRole: getAtt(`${name}Role.Arn`),
      Artifacts: { Type: 'CODEPIPELINE' },
      Environment: {
        Type: 'LINUX_CONTAINER',
        ComputeType: 'BUILD_GENERAL1_SMALL',
        Image: 'aws/codebuild/standard:7.0',
        EnvironmentVariables: variables,
      },
      Source: {
        Type: 'CODEPIPELINE',
        BuildSpec: new Block(
          [
            'version: 0.2',
            'phases:',
            '  install:',
            '    commands:',
            '      - npm ci',
            '  build:',
            '    commands:',
            `      - npm run build --workspace ${team}`,
            `      - aws s3 sync dist/ s3://$ARTIFACT_BUCKET/${team}/`,
          ].join('\n'),
        ),
      },
      TimeoutInMinutes: 20,
    },
  };
}

function pipelineRole(projects: readonly string[]): Mapping {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'codepipeline.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      Policies: [
        {
          PolicyName: 'pipeline',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'],
                Resource: projects.map((project) => getAtt(`${project}.Arn`)),
              },
              {
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:PutObject', 's3:GetBucketVersioning'],
                Resource: [getAtt('ArtifactBucket.Arn'), sub('${ArtifactBucket.Arn}/*')],
              },
              {
                Effect: 'Allow',
                Action: 'codestar-connections:UseConnection',
                Resource: ref('ConnectionArn'),
              },
              { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
              { Effect: 'Allow', Action: 'cloudformation:*', Resource: '*' },
            ],
          },
        },
      ],
    },
  };
}

function pipeline(projects: readonly string[]): Mapping {
  return {
    Type: 'AWS::CodePipeline::Pipeline',
    Properties: {
      RoleArn: getAtt('PipelineRole.Arn'),
      ArtifactStore: { Type: 'S3', Location: ref('ArtifactBucket') },
      Stages: [
        {
          Name: 'Source',
          Actions: [
            {
              Name: 'Source',
              ActionTypeId: {
                Category: 'Source',
                Owner: 'AWS',
                Provider: 'CodeStarSourceConnection',
                Version: '1',
              },
              Configuration: {
                ConnectionArn: ref('ConnectionArn'),
                FullRepositoryId: 'example/monorepo',
                BranchName: 'main',
              },
              OutputArtifacts: [{ Name: 'SourceOutput' }],
            },
          ],
        },
        {
          Name: 'Build',
          Actions: projects.map((project) => ({
            Name: project,
            ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' },
            Configuration: { ProjectName: ref(project) },
            InputArtifacts: [{ Name: 'SourceOutput' }],
            OutputArtifacts: [{ Name: `${project}Output` }],
            RunOrder: 1,
          })),
        },
        {
          Name: 'Deploy',
          Actions: [
            {
              Name: 'Deploy',
              ActionTypeId: {
                Category: 'Deploy',
                Owner: 'AWS',
                Provider: 'CloudFormation',
                Version: '1',
              },
              Configuration: {
                ActionMode: 'CREATE_UPDATE',
                StackName: sub('${AWS::StackName}-app'),
                TemplatePath: 'SourceOutput::app.yaml',
                Capabilities: 'CAPABILITY_NAMED_IAM',
                RoleArn: getAtt('PipelineRole.Arn'),
              },
              InputArtifacts: [{ Name: 'SourceOutput' }],
            },
          ],
        },
      ],
    },
  };
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function emit(template: Mapping, format: TemplateFormat): string {
  if (format === 'json') return `${JSON.stringify(toJson(template), null, 2)}\n`;
  const lines: string[] = [
    '# Generated by bench/generate.ts: deterministic, realistic, not deployable.',
  ];
  emitYamlMapping(template, 0, lines);
  return `${lines.join('\n')}\n`;
}

function toJson(value: Value): unknown {
  if (value instanceof Intrinsic) {
    if (value.fn === 'Ref') return { Ref: value.arg };
    if (value.fn === 'Sub') return { 'Fn::Sub': value.arg };
    const dot = value.arg.indexOf('.');
    return { 'Fn::GetAtt': [value.arg.slice(0, dot), value.arg.slice(dot + 1)] };
  }
  if (value instanceof Block) return value.text;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (!(entry instanceof Comment)) result[key] = toJson(entry);
    }
    return result;
  }
  return value;
}

function emitYamlMapping(
  mapping: Mapping,
  indent: number,
  lines: string[],
  firstPrefix?: string,
): void {
  const pad = ' '.repeat(indent);
  let prefix = firstPrefix;
  for (const [key, value] of Object.entries(mapping)) {
    const head = prefix ?? pad;
    prefix = undefined;
    if (value instanceof Comment) {
      lines.push(`${pad}# ${value.text}`);
      continue;
    }
    const scalar = yamlInline(value);
    if (scalar !== undefined) {
      lines.push(`${head}${yamlScalar(key)}: ${scalar}`);
    } else if (value instanceof Block) {
      lines.push(`${head}${yamlScalar(key)}: |`);
      for (const line of value.text.split('\n')) lines.push(`${pad}  ${line}`);
    } else if (Array.isArray(value)) {
      lines.push(`${head}${yamlScalar(key)}:`);
      emitYamlSequence(value, indent + 2, lines);
    } else {
      lines.push(`${head}${yamlScalar(key)}:`);
      emitYamlMapping(value as Mapping, indent + 2, lines);
    }
  }
}

function emitYamlSequence(items: readonly Value[], indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of items) {
    const scalar = yamlInline(item);
    if (scalar !== undefined) lines.push(`${pad}- ${scalar}`);
    else if (Array.isArray(item)) {
      lines.push(`${pad}-`);
      emitYamlSequence(item, indent + 2, lines);
    } else emitYamlMapping(item as Mapping, indent + 2, lines, `${pad}- `);
  }
}

/** The one-line YAML form of a scalar or intrinsic, or undefined for collections and blocks. */
function yamlInline(value: Value): string | undefined {
  if (value instanceof Intrinsic) return `!${value.fn} ${yamlScalar(value.arg)}`;
  if (typeof value === 'string') return yamlScalar(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./:@-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~)$/i;

function yamlScalar(text: string): string {
  if (PLAIN.test(text) && !text.includes(': ') && !text.endsWith(':') && !RESERVED.test(text)) {
    return text;
  }
  return `'${text.replace(/'/g, "''")}'`;
}
