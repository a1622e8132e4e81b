import { describe, expect, it } from 'vitest';
import {
  ACTION_TYPES,
  actionTypesFor,
  configKey,
  findActionType,
} from '../../server/src/analysis/pipeline/action-types';
import { testCatalog } from '../support/catalog';

const label = (t: { owners: readonly string[]; category: string; provider: string }) =>
  `${t.owners.join('|')} ${t.category} ${t.provider}`;

describe('the action-type table', () => {
  it('has one row per owner, category and provider', () => {
    const seen = new Set<string>();
    for (const type of ACTION_TYPES) {
      for (const owner of type.owners) {
        const key = `${owner} ${type.category} ${type.provider}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
  });

  it('links every row to an AWS documentation page', () => {
    for (const type of ACTION_TYPES) {
      expect(type.reference, label(type)).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/\S+\.html$/);
    }
  });

  it('names only actions the IAM catalog knows', () => {
    const catalog = testCatalog();
    for (const type of ACTION_TYPES) {
      const named = type.permissions.flatMap((p) => [...p.actions, ...(p.alternatives ?? [])]);
      for (const action of named) {
        expect(catalog.action(action), `${label(type)}: ${action}`).toBeDefined();
      }
      // Related permissions may be service wildcards (Elastic Beanstalk); they must still match.
      for (const pattern of type.relatedPermissions ?? []) {
        expect(catalog.match(pattern).length, `${label(type)}: ${pattern}`).toBeGreaterThan(0);
      }
    }
  });

  it('ties every condition and passed role to a configuration key of the row', () => {
    for (const type of ACTION_TYPES) {
      const keys = type.configuration.map((k) => k.name);
      expect(new Set(keys).size, label(type)).toBe(keys.length);
      for (const permission of type.permissions) {
        if (permission.whenConfig !== undefined)
          expect(keys, label(type)).toContain(permission.whenConfig);
        if (permission.whenValue !== undefined)
          expect(permission.whenConfig, label(type)).toBeDefined();
      }
      for (const passed of type.passedRoles) {
        expect(keys, label(type)).toContain(passed.configKey);
        expect(passed.service, label(type)).toMatch(/^[a-z0-9.-]+\.amazonaws\.com$/);
      }
    }
  });

  it('asks for iam:PassRole wherever a role is passed', () => {
    for (const type of ACTION_TYPES.filter((t) => t.passedRoles.length > 0)) {
      const actions = type.permissions.flatMap((p) => p.actions);
      expect(actions, label(type)).toContain('iam:PassRole');
    }
  });

  it('keeps counts, versions and descriptions sane', () => {
    for (const type of ACTION_TYPES) {
      for (const range of [type.inputs, type.outputs]) {
        expect(range.min, label(type)).toBeGreaterThanOrEqual(0);
        expect(range.max, label(type)).toBeGreaterThanOrEqual(range.min);
      }
      expect(type.versions.length, label(type)).toBeGreaterThan(0);
      expect(type.description.length, label(type)).toBeGreaterThan(20);
      for (const key of type.configuration) expect(key.description, key.name).toMatch(/\.$/);
    }
  });

  it('covers every category and the providers the pipelines in the wild use', () => {
    const expected: [string, string, string][] = [
      ['AWS', 'Source', 'S3'],
      ['AWS', 'Source', 'CodeCommit'],
      ['AWS', 'Source', 'ECR'],
      ['AWS', 'Source', 'CodeStarSourceConnection'],
      ['AWS', 'Source', 'CodeConnections'],
      ['ThirdParty', 'Source', 'GitHub'],
      ['AWS', 'Build', 'CodeBuild'],
      ['AWS', 'Build', 'ECRBuildAndPublish'],
      ['AWS', 'Test', 'CodeBuild'],
      ['AWS', 'Test', 'DeviceFarm'],
      ['AWS', 'Deploy', 'S3'],
      ['AWS', 'Deploy', 'CloudFormation'],
      ['AWS', 'Deploy', 'CloudFormationStackSet'],
      ['AWS', 'Deploy', 'CloudFormationStackInstances'],
      ['AWS', 'Deploy', 'CodeDeploy'],
      ['AWS', 'Deploy', 'CodeDeployToECS'],
      ['AWS', 'Deploy', 'ECS'],
      ['AWS', 'Deploy', 'ElasticBeanstalk'],
      ['AWS', 'Deploy', 'OpsWorks'],
      ['AWS', 'Deploy', 'ServiceCatalog'],
      ['AWS', 'Deploy', 'AppConfig'],
      ['AWS', 'Deploy', 'EC2'],
      ['AWS', 'Deploy', 'EKS'],
      ['AWS', 'Deploy', 'Lambda'],
      ['ThirdParty', 'Deploy', 'AlexaSkillsKit'],
      ['AWS', 'Approval', 'Manual'],
      ['AWS', 'Invoke', 'Lambda'],
      ['AWS', 'Invoke', 'StepFunctions'],
      ['AWS', 'Invoke', 'InspectorScan'],
      ['AWS', 'Compute', 'Commands'],
    ];
    for (const [owner, category, provider] of expected) {
      expect(
        findActionType(owner, category, provider),
        `${owner} ${category} ${provider}`,
      ).toBeDefined();
    }
  });
});

describe('lookups', () => {
  it('matches exactly, as the API does', () => {
    expect(findActionType('AWS', 'Deploy', 'cloudformation')).toBeUndefined();
    expect(findActionType('aws', 'Deploy', 'CloudFormation')).toBeUndefined();
    expect(findActionType('AWS', 'Build', 'CloudFormation')).toBeUndefined();
    expect(findActionType('AWS', 'Deploy', 'constructor')).toBeUndefined();
    expect(findActionType('AWS', 'Deploy', '__proto__')).toBeUndefined();
  });

  it('knows CloudFormation: RoleArn optional, passed to CloudFormation, PassRole only with it', () => {
    const cfn = findActionType('AWS', 'Deploy', 'CloudFormation');
    expect(cfn).toBeDefined();
    if (!cfn) return;
    expect(configKey(cfn, 'ActionMode')?.required).toBe(true);
    expect(configKey(cfn, 'StackName')?.required).toBe(true);
    expect(configKey(cfn, 'RoleArn')?.required).toBe(false);
    expect(configKey(cfn, 'roleArn')).toBeUndefined();
    expect(cfn.passedRoles).toEqual([
      { configKey: 'RoleArn', service: 'cloudformation.amazonaws.com' },
    ]);
    expect(cfn.permissions.find((p) => p.actions.includes('iam:PassRole'))?.whenConfig).toBe(
      'RoleArn',
    );
    expect(cfn.inputs).toEqual({ min: 0, max: 10 });
  });

  it('asks CloudFormation only for what the action mode calls', () => {
    const cfn = findActionType('AWS', 'Deploy', 'CloudFormation');
    const forMode = (mode: string) =>
      (cfn?.permissions ?? [])
        .filter((p) => p.whenConfig === 'ActionMode' && p.whenValue?.includes(mode))
        .flatMap((p) => p.actions);
    expect(new Set(forMode('CHANGE_SET_EXECUTE'))).toEqual(
      new Set([
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeChangeSet',
        'cloudformation:ExecuteChangeSet',
      ]),
    );
    expect(forMode('DELETE_ONLY')).toContain('cloudformation:DeleteStack');
    expect(forMode('CREATE_UPDATE')).not.toContain('cloudformation:DeleteStack');
    expect(forMode('REPLACE_ON_FAILURE')).toContain('cloudformation:DeleteStack');
    // The service-role page's list is never called unused.
    expect(cfn?.relatedPermissions).toContain('cloudformation:SetStackPolicy');
  });

  it('marks the GitHub v1 token and the Alexa credentials secret', () => {
    const github = findActionType('ThirdParty', 'Source', 'GitHub');
    expect(github && configKey(github, 'OAuthToken')).toMatchObject({
      required: true,
      secret: true,
    });
    expect(github && configKey(github, 'Owner')?.secret).toBeUndefined();
    expect(findActionType('AWS', 'Source', 'GitHub')).toBeUndefined();
    const alexa = findActionType('ThirdParty', 'Deploy', 'AlexaSkillsKit');
    expect(alexa?.configuration.filter((k) => k.secret).map((k) => k.name)).toEqual([
      'ClientSecret',
      'RefreshToken',
    ]);
  });

  it('asks for batch-build permissions only with BatchEnabled', () => {
    const build = findActionType('AWS', 'Build', 'CodeBuild');
    const batch = build?.permissions.find((p) => p.actions.includes('codebuild:StartBuildBatch'));
    expect(batch?.whenConfig).toBe('BatchEnabled');
    expect(findActionType('AWS', 'Test', 'CodeBuild')?.permissions).toEqual(build?.permissions);
  });

  it('knows the CodeConnections spelling of the connection source', () => {
    const connections = findActionType('AWS', 'Source', 'CodeConnections');
    const codestar = findActionType('AWS', 'Source', 'CodeStarSourceConnection');
    expect(connections?.configuration).toEqual(codestar?.configuration);
    expect(connections?.permissions[0]?.actions).toEqual(['codeconnections:UseConnection']);
  });

  it('accepts both spellings of the connection permission', () => {
    const connection = findActionType('AWS', 'Source', 'CodeStarSourceConnection');
    expect(findActionType('ThirdParty', 'Source', 'CodeStarSourceConnection')).toBe(connection);
    expect(connection?.permissions).toEqual([
      {
        actions: ['codestar-connections:UseConnection'],
        alternatives: ['codeconnections:UseConnection'],
      },
    ]);
  });

  it('lists the ECS task roles as passed to ecs-tasks', () => {
    for (const provider of ['ECS', 'CodeDeployToECS']) {
      const type = findActionType('AWS', 'Deploy', provider);
      expect(type?.passedRoles.map((p) => p.service)).toEqual(['ecs-tasks.amazonaws.com']);
      expect(type?.passedRoles[0]?.indirect).toBeTruthy();
    }
  });

  it('lists providers by category and owner', () => {
    expect(actionTypesFor('Source', 'ThirdParty').map((t) => t.provider)).toEqual([
      'CodeStarSourceConnection',
      'GitHub',
    ]);
    expect(actionTypesFor('Invoke').map((t) => t.provider)).toEqual([
      'Lambda',
      'StepFunctions',
      'InspectorScan',
    ]);
    expect(actionTypesFor('Nope')).toEqual([]);
  });
});
