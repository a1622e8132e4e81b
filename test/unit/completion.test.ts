import { describe, expect, it } from 'vitest';
import { analyze, completion, MAX_ITEMS } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';

const catalog = testCatalog();

/** Completion where `|` is in `source` (the bar is removed); the replaced text and the items. */
function completeAt(source: string, fileName: string) {
  const offset = source.indexOf('|');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  const result = completion(analyze(text, { catalog, fileName }), catalog, offset);
  return {
    result,
    replaced: result ? text.slice(result.start, result.end) : undefined,
    labels: result?.items.map((item) => item.label) ?? [],
    item: (label: string) => result?.items.find((i) => i.label === label),
  };
}

const jsonStatement = (body: string) =>
  `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      ${body}\n    }\n  ]\n}\n`;
const yamlStatement = (body: string) =>
  `Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n    ${body}\n`;

const s3Actions = catalog.service('s3')?.actions ?? [];

describe('completion of actions', () => {
  it('lists the service actions after `s3:` inside JSON quotes, replacing the string content', () => {
    const source = jsonStatement('"Action": "s3:|"');
    const { result, replaced, labels, item } = completeAt(source, 'policy.json');
    expect(replaced).toBe('s3:');
    expect(result?.start).toBe(source.indexOf('s3:'));
    expect(labels).toHaveLength(s3Actions.length);
    // Most named by AWS managed policies first.
    expect(labels.slice(0, 3)).toEqual(['s3:ListBucket', 's3:GetObject', 's3:PutObject']);
    expect(item('s3:GetObject')).toMatchObject({
      kind: 'action',
      detail: 'Read',
      insertText: 's3:GetObject',
      documentation: expect.stringMatching(/\w/) as unknown,
    });
    expect(result?.isIncomplete).toBe(false);
  });

  it('keeps patterns working: `s3:Get` offers `s3:Get*`, then the actions starting with Get', () => {
    const { replaced, labels, item } = completeAt(jsonStatement('"Action": ["s3:Get|"]'), 'p.json');
    expect(replaced).toBe('s3:Get');
    expect(labels.slice(0, 3)).toEqual(['s3:Get*', 's3:GetObject', 's3:GetBucketLocation']);
    expect(item('s3:Get*')?.documentation).toMatch(/^Grants \d+ actions \(Read \d+\)\.$/);
    const getCount = s3Actions.filter((a) => a.name.startsWith('Get')).length;
    expect(labels.slice(1, getCount + 1).every((l) => l.startsWith('s3:Get'))).toBe(true);
  });

  it('offers service prefixes in an empty string, with the service name', () => {
    const source = jsonStatement('"Action": "|"');
    const { result, replaced, item } = completeAt(source, 'p.json');
    expect(replaced).toBe('');
    expect(result?.start).toBe(source.indexOf('"|"') + 1);
    expect(item('s3:')).toMatchObject({ kind: 'service', detail: 'Amazon S3', insertText: 's3:' });
    expect(result?.items).toHaveLength([...catalog.allServices()].length);
  });

  it('brings its own quotes where JSON has no string yet', () => {
    const { replaced, item } = completeAt(jsonStatement('"Action": [|]'), 'p.json');
    expect(replaced).toBe('');
    expect(item('s3:')?.insertText).toBe('"s3:"');
  });

  it('replaces only the typed word of an unterminated JSON string', () => {
    const { replaced, labels } = completeAt(
      '{"Statement": [{"Effect": "Allow", "Action": "sqs:Se|}]}',
      'p.json',
    );
    expect(replaced).toBe('sqs:Se');
    expect(labels).toEqual(['sqs:SendMessage', 'sqs:SetQueueAttributes']);
  });

  it('completes YAML plain scalars, where `s3:` alone parses as a mapping key', () => {
    const plain = completeAt(yamlStatement('Action: s3:|'), 'p.yaml');
    expect(plain.replaced).toBe('s3:');
    expect(plain.labels).toHaveLength(s3Actions.length);
    const item = completeAt(
      yamlStatement('Action:\n      - s3:|\n      - ec2:RunInstances'),
      'p.yaml',
    );
    expect(item.replaced).toBe('s3:');
    expect(item.labels[0]).toBe('s3:ListBucket');
    const typed = completeAt(yamlStatement('NotAction: sqs:Se|'), 'p.yaml');
    expect(typed.labels).toEqual(['sqs:SendMessage', 'sqs:SetQueueAttributes']);
  });

  it('completes empty YAML values, quoted or not', () => {
    expect(completeAt(yamlStatement('Action: |'), 'p.yaml').item('s3:')?.insertText).toBe('s3:');
    expect(completeAt(yamlStatement('Action:\n      - |'), 'p.yaml').replaced).toBe('');
    const quoted = completeAt(yamlStatement('Action: "|"'), 'p.yaml');
    expect(quoted.replaced).toBe('');
    expect(quoted.item('s3:')?.insertText).toBe('s3:');
  });

  it('ranks actions by how many AWS managed policies name them, then alphabetically', () => {
    const firstFive = (typed: string) =>
      [...completeAt(jsonStatement(`"Action": "${typed}|"`), 'p.json').result!.items]
        .sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1))
        .slice(0, 5)
        .map((i) => i.label);
    expect(firstFive('s3:Get')).toContain('s3:GetObject');
    expect(firstFive('dynamodb:Get')).toContain('dynamodb:GetItem');
    expect(firstFive('ec2:Describe')).toContain('ec2:DescribeInstances');
    expect(firstFive('lambda:Inv')).toContain('lambda:InvokeFunction');
    expect(firstFive('sts:Ass')).toContain('sts:AssumeRole');
    // Exactly, where the counts of the pinned data make the order plain; ties are alphabetical.
    expect(firstFive('sts:Ass')).toEqual([
      'sts:Ass*',
      'sts:AssumeRole',
      'sts:AssumeRoleWithSAML',
      'sts:AssumeRoleWithWebIdentity',
      'sts:AssumeRoot',
    ]);
    expect(firstFive('lambda:Inv')).toEqual([
      'lambda:Inv*',
      'lambda:InvokeFunction',
      'lambda:InvokeAsync',
      'lambda:InvokeFunctionUrl',
      // Names that hold `Inv` elsewhere come after those starting with it.
      'lambda:GetFunctionEventInvokeConfig',
    ]);
    // A typed wildcard ranks its matches the same way.
    expect(firstFive('s3:Get*Obj').slice(0, 2)).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    const usage = catalog.usage;
    const uses = (name: string) => usage.of(catalog.action(name)!);
    expect(uses('s3:GetObject')).toBeGreaterThan(uses('s3:GetBucketLocation'));
    expect(uses('lambda:InvokeFunctionUrl')).toBe(0);
  });

  it('caps a long action list and says so', () => {
    const { result } = completeAt(jsonStatement('"Action": "ec2:|"'), 'p.json');
    expect(result?.items).toHaveLength(MAX_ITEMS);
    expect(result?.isIncomplete).toBe(true);
  });

  it('completes actions of policies embedded in YAML templates', () => {
    const template = `Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: !If [IsProd, sqs:Se|, sqs:ReceiveMessage]\n            Resource: '*'\n`;
    const { replaced, labels } = completeAt(template, 'template.yaml');
    expect(replaced).toBe('sqs:Se');
    expect(labels).toEqual(['sqs:SendMessage', 'sqs:SetQueueAttributes']);
  });
});

describe('completion of statement elements', () => {
  it('offers the elements a statement does not have yet, in JSON and YAML', () => {
    const expected = [
      'Sid',
      'Principal',
      'NotPrincipal',
      'NotAction',
      'Resource',
      'NotResource',
      'Condition',
    ];
    const json = completeAt(jsonStatement('"Action": "s3:GetObject",\n      "|"'), 'p.json');
    expect(json.labels).toEqual(expected);
    expect(json.replaced).toBe('');
    const yaml = completeAt(yamlStatement('Action: s3:GetObject\n    |'), 'p.yaml');
    expect(yaml.labels).toEqual(expected);
    const typed = completeAt(yamlStatement('Action: s3:GetObject\n    Res|'), 'p.yaml');
    expect(typed.replaced).toBe('Res');
    expect(typed.labels).toEqual(expected);
  });

  it('does not answer the colon typed after a YAML key or operator', () => {
    expect(completeAt(yamlStatement('Action:|'), 'p.yaml').result).toBeUndefined();
    expect(
      completeAt(yamlStatement('Condition:\n      StringEquals:|'), 'p.yaml').result,
    ).toBeUndefined();
    const qualifier = completeAt(yamlStatement('Condition:\n      ForAnyValue:|'), 'p.yaml');
    expect(qualifier.replaced).toBe('ForAnyValue:');
    expect(qualifier.labels).toContain('ForAnyValue:StringLike');
  });

  it('completes a key on a blank line between keys of a statement in a YAML template', () => {
    const template = `Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement:
            - Effect: Allow
              Action: sqs:SendMessage
              |
              Resource: '*'
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: '*'
              Condition:
                StringEquals:
                  |
`;
    const first = completeAt(template, 'template.yaml');
    expect(first.replaced).toBe('');
    expect(first.labels).toEqual([
      'Sid',
      'Principal',
      'NotPrincipal',
      'NotAction',
      'NotResource',
      'Condition',
    ]);
    const second = template.replace('|', '').replace(/ {18}\|/, '                  |');
    const keys = completeAt(second, 'template.yaml');
    expect(keys.item('s3:ExistingObjectTag/<key>')?.kind).toBe('conditionKey');
  });

  it('offers Allow and Deny for Effect', () => {
    const json = completeAt('{"Statement": [{"Effect": "|"}]}', 'p.json');
    expect(json.labels).toEqual(['Allow', 'Deny']);
    const yaml = completeAt('Statement:\n  - Effect: D|\n', 'p.yaml');
    expect(yaml.labels).toEqual(['Allow', 'Deny']);
    expect(yaml.replaced).toBe('D');
  });

  it('offers nothing outside policies', () => {
    expect(completeAt('{"Other": "s3:|"}', 'x.json').result).toBeUndefined();
    expect(completeAt(jsonStatement('"Sid": "s3:|"'), 'p.json').result).toBeUndefined();
  });
});

describe('completion in conditions', () => {
  it('offers operators, plain ones first, under Condition', () => {
    const { labels, item } = completeAt(
      jsonStatement('"Action": "s3:GetObject",\n      "Condition": { "|" }'),
      'p.json',
    );
    expect(labels).toContain('ArnLike');
    expect(labels).toContain('ForAnyValue:StringLike');
    expect(labels).toContain('StringEqualsIfExists');
    expect(item('StringEquals')).toMatchObject({
      detail: 'String condition operator',
      sortText: '0StringEquals',
    });
    expect(item('ForAllValues:StringLikeIfExists')?.sortText).toBe(
      '3ForAllValues:StringLikeIfExists',
    );
    const yaml = completeAt(yamlStatement('Condition:\n      Str|'), 'p.yaml');
    expect(yaml.replaced).toBe('Str');
    expect(yaml.labels).toEqual(labels);
  });

  it('offers the condition keys of s3:GetObject, then the global keys', () => {
    const json = completeAt(
      jsonStatement('"Action": "s3:GetObject",\n      "Condition": { "StringEquals": { "|" } }'),
      'p.json',
    );
    const own = json.result?.items.filter((i) => i.sortText?.startsWith('0')).map((i) => i.label);
    expect(own).toEqual([
      's3:AccessGrantsInstanceArn',
      's3:ExistingObjectTag/<key>',
      's3:ResourceAccount',
      's3:TlsVersion',
      's3:authType',
      's3:signatureAge',
      's3:signatureversion',
      's3:x-amz-content-sha256',
      'aws:ResourceTag/${TagKey}',
      's3:AccessPointNetworkOrigin',
      's3:AccessPointTag/${TagKey}',
      's3:BucketTag/${TagKey}',
      's3:DataAccessPointAccount',
      's3:DataAccessPointArn',
    ]);
    expect(json.item('s3:ExistingObjectTag/<key>')).toMatchObject({
      detail: 'String',
      snippet: 's3:ExistingObjectTag/${1:key}',
    });
    expect(json.item('aws:SourceIp')).toMatchObject({
      detail: 'IPAddress',
      sortText: '1aws:SourceIp',
    });
    expect(json.item('aws:SourceIp')?.documentation).toMatch(/IP address/);

    const yaml = completeAt(
      yamlStatement('Action: s3:GetObject\n    Condition:\n      StringEquals:\n        s3:|'),
      'p.yaml',
    );
    expect(yaml.replaced).toBe('s3:');
    expect(yaml.labels).toEqual(json.labels);
  });
});

describe('completion of resources', () => {
  it('offers the ARN formats of the statement actions as snippets', () => {
    const { result, replaced } = completeAt(
      jsonStatement('"Action": "s3:GetObject",\n      "Resource": "|"'),
      'p.json',
    );
    expect(replaced).toBe('');
    expect(result?.items.map((i) => [i.label, i.insertText, i.snippet, i.detail])).toEqual([
      [
        'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}',
        'arn:aws:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}',
        'arn:aws:s3:${1:Region}:${2:Account}:accesspoint/${3:AccessPointName}/object/${4:ObjectName}',
        's3 accesspointobject',
      ],
      [
        'arn:${Partition}:s3:::${BucketName}/${ObjectName}',
        'arn:aws:s3:::${BucketName}/${ObjectName}',
        'arn:aws:s3:::${1:BucketName}/${2:ObjectName}',
        's3 object',
      ],
    ]);
  });

  it('uses the pseudo parameters inside a template Fn::Sub', () => {
    const template = `Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: sqs:SendMessage\n            Resource: !Sub "|"\n`;
    const { item, replaced } = completeAt(template, 'template.yaml');
    expect(replaced).toBe('');
    expect(item('arn:${Partition}:sqs:${Region}:${Account}:${QueueName}')).toMatchObject({
      insertText: 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}',
      snippet:
        'arn:\\${AWS::Partition\\}:sqs:\\${AWS::Region\\}:\\${AWS::AccountId\\}:${1:QueueName}',
    });
  });
});

describe('completion in pipelines', () => {
  it('hands CodePipeline documents to the pipeline service, with its own ranges', () => {
    const source = `{"pipeline": {"name": "p", "stages": [{"name": "Source", "actions": [{"name": "S", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "|", "version": "1"}}]}]}}`;
    const { result, item } = completeAt(source, 'pipeline.json');
    const s3 = item('S3');
    expect(s3?.kind).toBe('provider');
    // Whatever range the pipeline service picks, applying the item gives the value.
    const text = source.replace('|', '');
    const range = s3?.range ?? { start: 0, end: 0 };
    const applied = text.slice(0, range.start) + (s3?.insertText ?? '') + text.slice(range.end);
    expect(applied).toContain('"provider": "S3"');
    expect(result?.isIncomplete).toBe(false);
  });
});

describe('completion never throws', () => {
  const documents: [string, string][] = [
    [
      jsonStatement(
        '"Action": ["s3:GetObject", "iam:*"],\n      "Resource": "*",\n      "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}',
      ),
      'p.json',
    ],
    [
      yamlStatement(
        "Action: [s3:Get*, 'iam:Pass*']\n    Resource: !Sub arn:${AWS::Partition}:s3:::b/*\n    Condition:\n      Bool: {aws:SecureTransport: 'false'}  # comment",
      ),
      'p.yaml',
    ],
    ['{"Statement": [{"Effect": "Allow", "Action": ["s3:', 'p.json'],
    ['Statement:\n  - Effect: Allow\n    Action:\n      - "s3:\n', 'p.yaml'],
  ];
  it.each(documents)('at every offset of %#', (text, fileName) => {
    const analysis = analyze(text, { catalog, fileName });
    for (let offset = -1; offset <= text.length + 1; offset++) {
      const result = completion(analysis, catalog, offset);
      if (!result) continue;
      expect(result.start).toBeGreaterThanOrEqual(0);
      expect(result.end).toBeLessThanOrEqual(text.length);
      expect(result.start).toBeLessThanOrEqual(offset);
    }
  });
});
