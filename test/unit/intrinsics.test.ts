import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { getPath, parseDocumentText } from '../../server/src/analysis/document';
import {
  buildModel,
  globText,
  patternText,
  refShape,
  resolvedKind,
  resolveValue,
  type ResolveOptions,
  type Resolved,
} from '../../server/src/analysis/model';
import { resolveKeys } from '../../server/src/analysis/pipeline/kms-keys';
import { roleAccounts } from '../../server/src/analysis/pipeline/role-accounts';
import { roleReferences } from '../../server/src/analysis/pipeline/service-role';
import { testCatalog } from '../support/catalog';

const HEADER = `Parameters:
  Env: { Type: String, Default: prod }
  Size: { Type: Number, Default: 3 }
  NoDefault: { Type: String }
  Subnets: { Type: CommaDelimitedList, Default: 'a,b' }
  AmiId: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /aws/ami/latest }
Mappings:
  Accounts:
    prod: { Id: '111122223333', Name: production }
    dev: { Id: 444455556666 }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket: { Type: AWS::S3::Bucket }
  Role: { Type: AWS::IAM::Role }
  Db: { Type: AWS::RDS::DBInstance }
`;

/** A managed policy resource `Policy` holding these statements (YAML list items, see `allow`). */
const managedPolicy = (statements: string) => `  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
${statements}`;

/** One Allow statement as a list item of `managedPolicy`. */
const allow = (action: string, resource: string) => `          - Effect: Allow
            Action: ${action}
            Resource: ${resource}
`;

/** Resolves `Outputs.O.Value` of a YAML template made of the header and the given value. */
function yaml(value: string, options: Omit<ResolveOptions, 'template'> = {}): readonly Resolved[] {
  return resolveIn(`${HEADER}Outputs:\n  O:\n    Value: ${value}\n`, 'template.yaml', options);
}

/** Resolves `Outputs.O.Value` of a JSON template with the same parameters, mappings and resources. */
function json(value: unknown, options: Omit<ResolveOptions, 'template'> = {}): readonly Resolved[] {
  const text = JSON.stringify({
    Parameters: {
      Env: { Type: 'String', Default: 'prod' },
      NoDefault: { Type: 'String' },
    },
    Mappings: { Accounts: { prod: { Id: '111122223333' } } },
    Resources: { Bucket: { Type: 'AWS::S3::Bucket' }, Role: { Type: 'AWS::IAM::Role' } },
    Outputs: { O: { Value: value } },
  });
  return resolveIn(text, 'template.json', options);
}

function resolveIn(text: string, fileName: string, options: Omit<ResolveOptions, 'template'>) {
  const template = buildModel(parseDocumentText(text, fileName)).template;
  if (!template) throw new Error('not a template');
  return resolveValue(getPath(template.root, ['Outputs', 'O', 'Value']), { template, ...options });
}

const patterns = (resolved: readonly Resolved[]) => resolved.map(patternText);

describe('intrinsic resolver', () => {
  it('keeps literals as they are, numbers and booleans as text', () => {
    expect(patterns(yaml('arn:aws:s3:::b'))).toEqual(['arn:aws:s3:::b']);
    expect(yaml('42')[0]?.text).toBe('42');
    expect(json(true)[0]?.text).toBe('true');
    expect(resolvedKind(yaml('plain')[0]!)).toBe('literal');
  });

  it('reads pseudo parameters as holes, never as values', () => {
    for (const resolved of [yaml('!Ref AWS::Region'), json({ Ref: 'AWS::Region' })]) {
      expect(resolved).toHaveLength(1);
      expect(resolved[0]?.segments).toEqual([
        { kind: 'hole', label: 'AWS::Region', source: { kind: 'pseudo', name: 'AWS::Region' } },
      ]);
      expect(resolvedKind(resolved[0]!)).toBe('unknown');
    }
  });

  it('substitutes String and Number parameter defaults, marked as defaults', () => {
    const [env] = yaml('!Ref Env');
    expect(env?.text).toBe('prod');
    expect(env?.fromDefault).toBe(true);
    expect(env?.segments).toEqual([{ kind: 'text', text: 'prod', parameter: 'Env' }]);
    expect(yaml('!Ref Size')[0]?.text).toBe('3');
    expect(json({ Ref: 'Env' })[0]?.text).toBe('prod');
  });

  it('leaves parameters without a usable default as holes', () => {
    const hole = (name: string) => [
      { kind: 'hole', label: name, source: { kind: 'parameter', name } },
    ];
    expect(yaml('!Ref NoDefault')[0]?.segments).toEqual(hole('NoDefault'));
    // A list is not a string, and an SSM parameter's default is the parameter's name, not its value.
    expect(yaml('!Ref Subnets')[0]?.segments).toEqual(hole('Subnets'));
    expect(yaml('!Ref AmiId')[0]?.segments).toEqual(hole('AmiId'));
    // Asked not to use defaults.
    expect(yaml('!Ref Env', { defaults: false })[0]?.segments).toEqual(hole('Env'));
  });

  it('reads a resource Ref as what Ref returns for the resource, not its ARN', () => {
    expect(yaml('!Ref Bucket')[0]?.segments).toEqual([
      {
        kind: 'hole',
        label: 'Bucket',
        source: { kind: 'resource', name: 'Bucket', type: 'AWS::S3::Bucket', attribute: undefined },
      },
    ]);
    // Only the shape matters: a bucket's Ref is its name, a topic's its ARN, a queue's its URL.
    expect(
      ['AWS::S3::Bucket', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::X::Y'].map(refShape),
    ).toEqual(['name', 'arn', 'url', undefined]);
    expect(yaml('!Ref Missing')[0]?.segments[0]).toMatchObject({
      kind: 'hole',
      source: { kind: 'unknown', reason: 'undefined name' },
    });
  });

  it('reads Fn::GetAtt in the short, long and JSON forms, with dotted attributes', () => {
    const arn = { kind: 'resource', name: 'Role', type: 'AWS::IAM::Role', attribute: 'Arn' };
    expect(yaml('!GetAtt Role.Arn')[0]?.segments).toEqual([
      { kind: 'hole', label: 'Role.Arn', source: arn },
    ]);
    expect(yaml('{ "Fn::GetAtt": [Role, Arn] }')[0]?.segments[0]).toMatchObject({ source: arn });
    expect(yaml('!GetAtt [Role, Arn]')[0]?.segments[0]).toMatchObject({ source: arn });
    expect(json({ 'Fn::GetAtt': ['Role', 'Arn'] })[0]?.segments[0]).toMatchObject({ source: arn });
    expect(yaml('!GetAtt Db.Endpoint.Address')[0]?.segments[0]).toMatchObject({
      source: { kind: 'resource', name: 'Db', attribute: 'Endpoint.Address' },
    });
  });

  it('reads Fn::Sub strings as patterns whose unknown parts are holes', () => {
    const short = yaml("!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'");
    const long = yaml("\n      Fn::Sub: 'arn:${AWS::Partition}:s3:::${Bucket}/*'");
    const fromJson = json({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' });
    for (const [resolved] of [short, long, fromJson]) {
      expect(resolved && patternText(resolved)).toBe('arn:${AWS::Partition}:s3:::${Bucket}/*');
      expect(resolved && globText(resolved)).toBe('arn:*:s3:::*/*');
      expect(resolved && resolvedKind(resolved)).toBe('pattern');
      expect(resolved?.segments.map((s) => (s.kind === 'hole' ? s.source.kind : s.text))).toEqual([
        'arn:',
        'pseudo',
        ':s3:::',
        'resource',
        '/*',
      ]);
    }
  });

  it('reads Fn::Sub attributes, defaults and the ${!Literal} escape', () => {
    expect(patterns(yaml("!Sub '${Role.Arn}'"))).toEqual(['${Role.Arn}']);
    const [env] = yaml("!Sub 'app-${Env}-${AWS::Region}'");
    expect(env?.fromDefault).toBe(true);
    expect(patternText(env!)).toBe('app-prod-${AWS::Region}');
    expect(yaml("!Sub 'arn:aws:s3:::b/${!aws:username}/*'")[0]?.text).toBe(
      'arn:aws:s3:::b/${aws:username}/*',
    );
  });

  it('reads the [string, map] form of Fn::Sub with resolved variables', () => {
    const [resolved] = yaml(
      "!Sub ['arn:aws:iam::${Account}:role/${Name}', { Account: !FindInMap [Accounts, prod, Id], Name: !GetAtt Role.Arn }]",
    );
    expect(patternText(resolved!)).toBe('arn:aws:iam::111122223333:role/${Role.Arn}');
    const [literal] = json({ 'Fn::Sub': ['${A}-${B}', { A: 'x', B: { Ref: 'NoDefault' } }] });
    expect(patternText(literal!)).toBe('x-${NoDefault}');
  });

  it('reads Fn::Join with a literal delimiter, items resolved, AWS::NoValue items dropped', () => {
    expect(
      patterns(yaml("!Join [':', [arn, !Ref AWS::Partition, s3, '', '', !Ref Bucket]]")),
    ).toEqual(['arn:${AWS::Partition}:s3:::${Bucket}']);
    expect(patterns(json({ 'Fn::Join': ['-', ['a', { Ref: 'AWS::NoValue' }, 'b']] }))).toEqual([
      'a-b',
    ]);
    // A list from an intrinsic has unknown items; so does a delimiter that is not literal.
    expect(resolvedKind(yaml("!Join ['', !Split [',', 'a,b']]")[0]!)).toBe('unknown');
    expect(resolvedKind(yaml('!Join [!Ref Env, [a, b]]')[0]!)).toBe('unknown');
  });

  it('reads Fn::FindInMap with literal keys only', () => {
    expect(yaml('!FindInMap [Accounts, prod, Id]')[0]?.text).toBe('111122223333');
    expect(yaml('!FindInMap [Accounts, dev, Id]')[0]?.text).toBe('444455556666');
    expect(json({ 'Fn::FindInMap': ['Accounts', 'prod', 'Id'] })[0]?.text).toBe('111122223333');
    // A key the deployer decides is unknown; a key from a default is known but marked.
    expect(yaml('!FindInMap [Accounts, !Ref AWS::Region, Id]')[0]?.segments[0]).toMatchObject({
      source: { kind: 'unknown', reason: 'key not literal' },
    });
    const [fromDefault] = yaml('!FindInMap [Accounts, !Ref Env, Name]');
    expect(fromDefault?.text).toBe('production');
    expect(fromDefault?.fromDefault).toBe(true);
    expect(yaml('!FindInMap [Accounts, test, Id]')[0]?.segments[0]).toMatchObject({
      source: { kind: 'unknown', reason: 'no such entry' },
    });
  });

  it('reads Fn::If branch by branch, nested in Fn::Sub variables and Fn::Join items', () => {
    expect(patterns(yaml("!If [IsProd, !Sub 'arn:aws:s3:::${Bucket}', '*']"))).toEqual([
      'arn:aws:s3:::${Bucket}',
      '*',
    ]);
    expect(patterns(yaml("!Join ['/', [a, !If [IsProd, p, d], !If [IsProd, x, y]]]"))).toEqual([
      'a/p/x',
      'a/p/y',
      'a/d/x',
      'a/d/y',
    ]);
    expect(patterns(yaml("!Sub ['${X}-1', { X: !If [IsProd, a, b] }]"))).toEqual(['a-1', 'b-1']);
    expect(patterns(yaml('!If [IsProd, only, !Ref AWS::NoValue]'))).toEqual(['only']);
    expect(
      patterns(json({ 'Fn::If': ['IsProd', { 'Fn::Join': ['', ['a', { Ref: 'Env' }]] }, 'z'] })),
    ).toEqual(['aprod', 'z']);
  });

  it('gives up on too many alternatives instead of growing without bound', () => {
    const item = '!If [IsProd, a, b]';
    const resolved = yaml(`!Join ['', [${Array(6).fill(item).join(', ')}]]`);
    expect(resolved).toHaveLength(1);
    expect(resolvedKind(resolved[0]!)).toBe('unknown');
  });

  it('leaves imports, selections, splits and other functions unknown', () => {
    for (const [value, reason] of [
      ['!ImportValue shared-bucket', 'Fn::ImportValue'],
      ["!Select [0, !Split [',', 'a,b']]", 'Fn::Select'],
      ["!Split [',', 'a,b']", 'Fn::Split'],
      ['!Base64 text', 'Fn::Base64'],
      ['!GetAZs ""', 'Fn::GetAZs'],
    ] as const) {
      const resolved = yaml(value);
      expect(resolved).toHaveLength(1);
      expect(resolved[0]?.segments).toEqual([
        { kind: 'hole', label: reason, source: { kind: 'unknown', reason } },
      ]);
    }
  });

  it('reads dynamic references as holes, not literals', () => {
    const [resolved] = yaml("'{{resolve:ssm:/app/bucket}}/*'");
    expect(resolved?.text).toBeUndefined();
    expect(resolved?.segments[0]).toMatchObject({ source: { reason: 'dynamic reference' } });
    expect(patternText(resolved!)).toBe('${{{resolve:ssm:/app/bucket}}}/*');
  });

  it('resolves nothing without a template but pseudo parameters and text', () => {
    const root = parseDocumentText('{"V": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${B}"}}').root;
    const [resolved] = resolveValue(getPath(root, ['V']));
    expect(resolved?.segments.map((s) => (s.kind === 'hole' ? s.source : s.text))).toEqual([
      'arn:',
      { kind: 'pseudo', name: 'AWS::Partition' },
      ':s3:::',
      { kind: 'unknown', reason: 'Ref' },
    ]);
  });

  it('exposes the resolved form on statement values, keeping value for literals only', () => {
    const model = buildModel(
      parseDocumentText(
        `${HEADER}${managedPolicy(
          allow(
            's3:GetObject',
            "[!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*', !Ref Env, arn:aws:s3:::x]",
          ),
        )}`,
        'template.yaml',
      ),
    );
    const values = model.policies[0]?.statements[0]?.values('Resource') ?? [];
    expect(values.map((v) => v.value)).toEqual([undefined, undefined, 'arn:aws:s3:::x']);
    expect(values.map((v) => v.resolved.map(patternText))).toEqual([
      ['arn:${AWS::Partition}:s3:::${Bucket}/*'],
      ['prod'],
      ['arn:aws:s3:::x'],
    ]);
    expect(values[1]?.resolved[0]?.fromDefault).toBe(true);
  });
});

describe('rules reading values through the resolver', () => {
  const RULES = new Set(['invalid-arn', 'passrole-unscoped', 'action-resource-mismatch']);
  const findings = (resources: string, action = 's3:GetObject') =>
    analyze(
      `${HEADER}  Empty: { Type: AWS::SNS::Topic }\n${managedPolicy(allow(action, resources))}`,
      { catalog: testCatalog(), fileName: 'template.yaml' },
    )
      .findings.filter((f) => RULES.has(f.rule))
      .map((f) => `${f.rule}: ${f.message}`);

  it('judges ARNs built with Fn::Join and Fn::FindInMap', () => {
    expect(
      findings(
        "!Join ['', ['arn:aws:iam::', !FindInMap [Accounts, prod, Id], ':role/app']]",
        'iam:PassRole',
      ),
    ).toEqual([
      'passrole-unscoped: "iam:PassRole" names its roles but no "iam:PassedToService" condition limits which services they can be passed to.',
    ]);
    expect(findings("!Join ['', ['arn:aws:s3:::', !Ref Bucket, '/*']]")).toEqual([]);
    expect(findings("!Join ['', ['arn:aws:s3::', !FindInMap [Accounts, prod, Name]]]")[0]).toMatch(
      /^invalid-arn: /,
    );
  });

  it('judges each Fn::If branch inside a Fn::Sub', () => {
    expect(
      findings("!Sub ['${P}/*', { P: !If [IsProd, 'arn:aws:s3:::b', 'arn:aws:s3::b'] }]")[0],
    ).toMatch(/^invalid-arn: /);
  });

  it('never reports what only a parameter default says', () => {
    // `Default: ""` is how optional parameters are written; the deployer passes the real value.
    const text = `Parameters:
  LogBucket: { Type: String, Default: '' }
  RoleArn: { Type: String, Default: 'arn:aws:iam::111122223333:role/x' }
Resources:
${managedPolicy(
  allow('s3:GetObject', "!Sub 'arn:${AWS::Partition}:s3:::${LogBucket}/*'") +
    allow('iam:PassRole', '!Ref RoleArn'),
)}`;
    const result = analyze(text, { catalog: testCatalog(), fileName: 'template.yaml' });
    expect(result.findings.map((f) => f.rule).filter((rule) => RULES.has(rule))).toEqual([]);
  });
});

describe('template references read through the resolver', () => {
  const template = (value: string) => {
    const parsed = buildModel(
      parseDocumentText(
        `${HEADER}  Key: { Type: AWS::KMS::Key }
  Alias: { Type: AWS::KMS::Alias, Properties: { AliasName: alias/art, TargetKeyId: !Ref Key } }
Outputs:
  O:
    Value: ${value}
`,
        'template.yaml',
      ),
    ).template;
    if (!parsed) throw new Error('not a template');
    return { parsed, node: getPath(parsed.root, ['Outputs', 'O', 'Value']) };
  };
  const keys = (value: string) => {
    const { parsed, node } = template(value);
    return resolveKeys(parsed, node).map((k) => k.key.name);
  };

  it('follows KMS keys through Sub, Join, If and aliases', () => {
    expect(keys('!GetAtt Key.Arn')).toEqual(['Key']);
    expect(
      keys("!Sub 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}'"),
    ).toEqual(['Key']);
    expect(
      keys(
        "!Join ['', ['arn:aws:kms:', !Ref AWS::Region, ':', !Ref AWS::AccountId, ':key/', !Ref Key]]",
      ),
    ).toEqual(['Key']);
    expect(keys("!Sub ['alias/${A}', { A: art }]")).toEqual(['Key']);
    expect(keys('!If [IsProd, !Ref Alias, !Ref Env]')).toEqual(['Key']);
    expect(keys("!Sub '${Key}-copy'")).toEqual([]);
  });

  it('reads role accounts through FindInMap and Join', () => {
    const accounts = (value: string) => {
      const { parsed, node } = template(value);
      return roleAccounts(parsed, node);
    };
    expect(
      accounts("!Sub ['arn:aws:iam::${A}:role/r', { A: !FindInMap [Accounts, prod, Id] }]"),
    ).toEqual([{ kind: 'literal', id: '111122223333' }]);
    expect(accounts("!Join [':', [arn, aws, iam, '', !Ref AWS::AccountId, role/r]]")).toEqual([
      { kind: 'self' },
    ]);
    expect(accounts('!GetAtt Role.Arn')).toEqual([{ kind: 'self' }]);
    expect(accounts("!Sub 'arn:aws:iam::${NoDefault}:role/r'")).toEqual([]);
  });

  it('reads the role a role ARN names in each branch, and whether in the own account', () => {
    const roles = (value: string) => {
      const { parsed, node } = template(value);
      return roleReferences(parsed, node);
    };
    const own = { name: 'Role', ownAccount: true };
    expect(roles('!GetAtt Role.Arn')).toEqual([own]);
    expect(roles("!Sub '${Role.Arn}'")).toEqual([own]);
    expect(
      roles(
        "!Join ['', ['arn:', !Ref AWS::Partition, ':iam::', !Ref AWS::AccountId, ':role/', !Ref Role]]",
      ),
    ).toEqual([own]);
    expect(
      roles("!Sub ['arn:aws:iam::${A}:role/${Role}', { A: !FindInMap [Accounts, prod, Id] }]"),
    ).toEqual([{ name: 'Role', ownAccount: false }]);
    // A parameter names the role, never its default.
    expect(roles("!Sub 'arn:aws:iam::${AWS::AccountId}:role/${Env}'")).toEqual([
      { name: 'Env', ownAccount: true },
    ]);
    expect(roles('!If [IsProd, !GetAtt Role.Arn, !GetAtt Role.RoleId]')).toEqual([own, undefined]);
    expect(roles("!Sub 'arn:aws:iam::${AWS::AccountId}:role/app-${Role}'")).toEqual([undefined]);
    expect(roles('arn:aws:iam::111122223333:role/x')).toEqual([undefined]);
  });
});

describe('secret parameter defaults read through the resolver', () => {
  const rules = (value: string, type = 'String') =>
    analyze(
      `Parameters:
  DbPassword: { Type: '${type}', NoEcho: true, Default: 'Xk8#pQ2!vR9zLm4w' }
Conditions:
  Copy: !Equals [a, b]
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: ${value}
`,
      { catalog: testCatalog(), fileName: 'template.yaml' },
    )
      .findings.map((f) => f.rule)
      .filter((rule) => rule === 'hardcoded-credential' || rule === 'parameter-noecho');

  it('reports the default of a parameter used whole, by Ref, Sub or in a branch, once', () => {
    expect(rules('!Ref DbPassword')).toEqual(['hardcoded-credential']);
    expect(rules("!Sub '${DbPassword}'")).toEqual(['hardcoded-credential']);
    expect(rules('!If [Copy, !Ref DbPassword, !Ref AWS::NoValue]')).toEqual([
      'hardcoded-credential',
    ]);
  });

  it('does not take an SSM parameter name for the secret', () => {
    expect(rules('!Ref DbPassword', 'AWS::SSM::Parameter::Value<String>')).not.toContain(
      'hardcoded-credential',
    );
  });
});
