import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis';
import { parseDocumentText } from '../../server/src/analysis/document';
import { buildModel } from '../../server/src/analysis/model';
import {
  mayAllow,
  resolveRole,
  roleReferences,
  rolesOfPolicy,
  roleTrust,
  serviceRole,
  trustsOnlyCodePipeline,
  usedOnlyByPipelines,
} from '../../server/src/analysis/pipeline/service-role';
import { testCatalog } from '../support/catalog';

const TRUST = `
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: codepipeline.amazonaws.com }
            Action: sts:AssumeRole`;

/** A template with a role `Role` (extra properties appended) and a pipeline using `roleArn`. */
function template(roleProperties: string, roleArn: string, rest = ''): string {
  return `Parameters:
  RoleParam: { Type: String }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:${TRUST}
${roleProperties}
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      RoleArn: ${roleArn}
      ArtifactStore: { Type: S3, Location: artifacts }
      Stages:
        - Name: Build
          Actions:
            - Name: Build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1' }
              Configuration: { ProjectName: app }
              InputArtifacts: [{ Name: Src }]
${rest}`;
}

function model(text: string) {
  const m = buildModel(parseDocumentText(text, 'template.yaml'));
  if (!m.template) throw new Error('not a template');
  return { ...m, template: m.template };
}

function role(text: string) {
  const m = model(text);
  const resource = resolveRole(m.template, m.pipelines[0]?.roleArn);
  return resource && serviceRole(m.template, m.policies, resource);
}

const INLINE = `      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - { Effect: Allow, Action: 's3:*', Resource: '*' }`;

describe('resolveRole', () => {
  it.each([
    ['!GetAtt Role.Arn', 'Role'],
    ['{ "Fn::GetAtt": [Role, Arn] }', 'Role'],
    ["!Sub '${Role.Arn}'", 'Role'],
    ["!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}'", 'Role'],
    ['!GetAtt Role.RoleId', undefined],
    ['!Ref RoleParam', undefined],
    ['!ImportValue pipeline-role', undefined],
    ["!Sub 'arn:aws:iam::444455556666:role/${Role}'", undefined],
    [
      '{ "Fn::Join": ["", ["arn:aws:iam::", { Ref: "AWS::AccountId" }, ":role/", { Ref: Role }]] }',
      'Role',
    ],
    ['arn:aws:iam::111122223333:role/Role', undefined],
    ['!If [Cond, !GetAtt Role.Arn, !Ref RoleParam]', undefined],
  ])('%s resolves to %s', (arn, expected) => {
    const m = model(template(INLINE, arn));
    expect(resolveRole(m.template, m.pipelines[0]?.roleArn)?.name).toBe(expected);
  });
});

describe('serviceRole', () => {
  it('is complete with inline policies only', () => {
    const r = role(template(INLINE, '!GetAtt Role.Arn'));
    expect(r?.complete).toBe(true);
    expect(r?.policies.map((p) => p.holder.name)).toEqual(['Role']);
  });

  it('is incomplete with an AWS managed policy or a policy ARN parameter', () => {
    for (const arn of ['arn:aws:iam::aws:policy/AdministratorAccess', '!Ref RoleParam']) {
      const r = role(template(`${INLINE}\n      ManagedPolicyArns: [${arn}]`, '!GetAtt Role.Arn'));
      expect(r?.complete).toBe(false);
    }
  });

  it('reads template managed policies named by ManagedPolicyArns and attached policies', () => {
    const rest = `  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: 'codebuild:*', Resource: '*' }]
  Attached:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: a
      Roles: [!Ref Role, !Ref Other]
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: 'sns:*', Resource: '*' }]
  Other:
    Type: AWS::IAM::Role
  Third:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [!Ref Shared]
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: 'sqs:*', Resource: '*' }]
`;
    const r = role(
      template('      ManagedPolicyArns: [!Ref Managed, !Ref Shared]', '!GetAtt Role.Arn', rest),
    );
    expect(r?.complete).toBe(true);
    expect(r?.policies.map((p) => [p.holder.name, p.shared])).toEqual([
      ['Managed', false],
      ['Attached', true],
      ['Shared', true],
    ]);
  });

  it('is incomplete when a policy attaches to a role named by a parameter', () => {
    const rest = `  Loose:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: a
      Roles: [!Ref RoleParam]
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: 'sns:*', Resource: '*' }]
`;
    expect(role(template(INLINE, '!GetAtt Role.Arn', rest))?.complete).toBe(false);
  });

  it('is incomplete when a policy document or statement is not literal', () => {
    const subDocument = `      Policies:
        - PolicyName: p
          PolicyDocument: !Sub '{"Statement": []}'`;
    expect(role(template(subDocument, '!GetAtt Role.Arn'))?.complete).toBe(false);
    const refStatement = `      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - !Ref RoleParam`;
    expect(role(template(refStatement, '!GetAtt Role.Arn'))?.complete).toBe(false);
  });

  it('attaches a policy by the literal RoleName of the role', () => {
    const rest = `  ByName:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: pipeline-role
      PolicyName: a
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: 'codebuild:*', Resource: '*' }]
`;
    const r = role(template('      RoleName: pipeline-role', '!GetAtt Role.Arn', rest));
    expect(r?.complete).toBe(true);
    expect(r?.policies.map((p) => p.holder.name)).toEqual(['ByName']);
  });
});

describe('mayAllow', () => {
  const statementOf = (statement: string) => {
    const r = role(
      template(
        `      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - ${statement}`,
        '!GetAtt Role.Arn',
      ),
    );
    const s = r?.policies[0]?.policy.statements[0];
    if (!s) throw new Error('no statement');
    return s;
  };
  it.each([
    ["{ Effect: Allow, Action: '*', Resource: '*' }", true],
    ["{ Effect: Allow, Action: 'codebuild:Start*', Resource: 'arn:aws:codebuild:*' }", true],
    ["{ Effect: Allow, Action: 'codebuild:startbuild', Resource: '*' }", true],
    ["{ Effect: Allow, Action: 'codebuild:BatchGet*', Resource: '*' }", false],
    ["{ Effect: Deny, Action: '*', Resource: '*' }", false],
    ["{ Effect: Allow, NotAction: 'iam:*', Resource: '*' }", true],
    ["{ Effect: Allow, NotAction: 'codebuild:*', Resource: '*' }", false],
    ["{ Effect: Allow, Action: !Ref RoleParam, Resource: '*' }", true],
    ["{ Effect: !Ref RoleParam, Action: 'codebuild:StartBuild', Resource: '*' }", true],
  ])('%s allows codebuild:StartBuild: %s', (statement, expected) => {
    expect(mayAllow(statementOf(statement), 'codebuild:StartBuild')).toBe(expected);
  });
});

describe('trust and other users', () => {
  it('trusts CodePipeline alone', () => {
    const m = model(template(INLINE, '!GetAtt Role.Arn'));
    const resource = m.template.resources.get('Role');
    if (!resource) throw new Error('no role');
    expect(trustsOnlyCodePipeline(m.template, resource, m.policies)).toBe(true);
    const pipelines = m.pipelines.flatMap((p) => (p.resource ? [p.resource] : []));
    expect(usedOnlyByPipelines(m.template, resource, pipelines)).toBe(true);
  });

  it('sees a CodeBuild project using the role, but not a bucket policy naming it', () => {
    const rest = `  Project:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: !Sub '\${Role.Arn}'
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: artifacts
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt Role.Arn }
            Action: s3:GetObject
            Resource: arn:aws:s3:::artifacts/*
`;
    const withProject = model(template(INLINE, '!GetAtt Role.Arn', rest));
    const resource = withProject.template.resources.get('Role');
    if (!resource) throw new Error('no role');
    const pipelines = withProject.pipelines.flatMap((p) => (p.resource ? [p.resource] : []));
    expect(usedOnlyByPipelines(withProject.template, resource, pipelines)).toBe(false);
    const bucketOnly = model(
      template(INLINE, '!GetAtt Role.Arn', rest.slice(rest.indexOf('  BucketPolicy:'))),
    );
    const bucketRole = bucketOnly.template.resources.get('Role');
    if (!bucketRole) throw new Error('no role');
    const bucketPipelines = bucketOnly.pipelines.flatMap((p) => (p.resource ? [p.resource] : []));
    expect(usedOnlyByPipelines(bucketOnly.template, bucketRole, bucketPipelines)).toBe(true);
  });
});

describe('the rules on one template', () => {
  it('reports the missing CodeBuild permissions once and nothing unused', () => {
    const text = template(INLINE, '!GetAtt Role.Arn');
    const findings = analyze(text, { catalog: testCatalog(), fileName: 'template.yaml' })
      .findings.filter((f) => f.rule.startsWith('service-role-'))
      .map((f) => `${f.rule}: ${f.message}`);
    expect(findings).toEqual([
      'service-role-missing-permission: The pipeline\'s service role "Role" does not allow codebuild:BatchGetBuilds and codebuild:StartBuild, which the CodeBuild action "Build" needs; add them to the role\'s policy.',
    ]);
  });

  it('asks for sts:AssumeRole for an action role, but not when the action names the pipeline role', () => {
    const rules = (text: string) =>
      analyze(text, { catalog: testCatalog(), fileName: 'template.yaml' })
        .findings.filter((f) => f.rule === 'service-role-missing-permission')
        .map((f) => f.message.split(' does not allow ')[1]?.split(',')[0]);
    const withRole = (arn: string) =>
      template(INLINE, '!GetAtt Role.Arn').replace(
        '              Configuration: { ProjectName: app }',
        `              RoleArn: ${arn}\n              Configuration: { ProjectName: app }`,
      );
    expect(rules(withRole('arn:aws:iam::444455556666:role/build'))).toEqual(['sts:AssumeRole']);
    expect(rules(withRole('!GetAtt Role.Arn'))).toEqual([
      'codebuild:BatchGetBuilds and codebuild:StartBuild',
    ]);
  });
});

describe('one reading of roles and trust', () => {
  it('reads the services a role trusts from Allow statements only', () => {
    const m = model(`Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: [lambda.amazonaws.com, states.amazonaws.com] }, Action: sts:AssumeRole }
          - { Effect: Deny, Principal: { Service: ec2.amazonaws.com }, Action: sts:AssumeRole }
          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com, AWS: '111122223333' }, Action: sts:AssumeRole }
`);
    expect(roleTrust(m.template, 'Role', m.policies)).toEqual({
      services: ['lambda.amazonaws.com', 'states.amazonaws.com'],
      servicesOnly: false,
    });
    expect(roleTrust(m.template, 'Other', m.policies)).toEqual({
      services: [],
      servicesOnly: false,
    });
  });

  it('counts a bare !Ref of a role only when asked for names', () => {
    const m = model(template(INLINE, '!Ref Role'));
    const arn = m.pipelines[0]?.roleArn;
    expect(roleReferences(m.template, arn)).toEqual([undefined]);
    expect(roleReferences(m.template, arn, { names: true })).toEqual([
      { name: 'Role', ownAccount: true },
    ]);
  });

  it('finds the roles a RolePolicy is attached to, by Ref or by literal RoleName', () => {
    const m = model(`Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument: { Statement: [] }
  ByRef:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: a
      PolicyDocument: { Statement: [{ Effect: Allow, Action: 's3:GetObject', Resource: '*' }] }
  ByName:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: deploy
      PolicyName: b
      PolicyDocument: { Statement: [{ Effect: Allow, Action: 's3:GetObject', Resource: '*' }] }
`);
    const holders = m.policies
      .filter((p) => p.type === 'identity')
      .map((p) => [...rolesOfPolicy(m.template, p)]);
    expect(holders).toEqual([['Role'], ['Role']]);
  });
});
