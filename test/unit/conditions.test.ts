import { describe, expect, it } from 'vitest';
import {
  isIpOrCidr,
  nearestOperator,
  parseOperator,
  valueFits,
} from '../../server/src/analysis/iam/condition-operators';
import {
  nearestConditionKeys,
  resolveConditionKey,
} from '../../server/src/analysis/iam/conditions';
import { conditionKeyHover } from '../../server/src/analysis/services/hover-condition';
import { testCatalog } from '../support/catalog';

const catalog = testCatalog();
const status = (key: string) => resolveConditionKey(catalog, key).status;

describe('condition keys', () => {
  it('resolves global, service, hosted and templated keys case-insensitively', () => {
    for (const key of [
      'aws:sourceip',
      'AWS:PrincipalTag/team',
      'ec2:RoleDelivery',
      'kms:ViaService',
      'kms:EncryptionContext:aws:s3:arn',
      's3:ExistingObjectTag/classification',
      'secretsmanager:ResourceTag/owner',
      'saml:aud',
      'iam:ResourceTag/team',
    ]) {
      expect(status(key), key).toBe('known');
    }
  });

  it('leaves identity-provider claims and substitutions alone', () => {
    expect(status('token.actions.githubusercontent.com:sub')).toBe('unverifiable');
    expect(status('oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud')).toBe('unverifiable');
    expect(status('${Provider}:sub')).toBe('unverifiable');
  });

  it('reports misspelt keys and unknown prefixes', () => {
    expect(resolveConditionKey(catalog, 's3:prefx')).toEqual({
      status: 'unknown',
      prefixKnown: true,
    });
    expect(resolveConditionKey(catalog, 's4:prefix')).toEqual({
      status: 'unknown',
      prefixKnown: false,
    });
    expect(status('SourceIp')).toBe('unknown');
  });

  it('suggests the nearest keys, keeping the user suffix of templated keys', () => {
    expect(nearestConditionKeys(catalog, 'aws:ResourceTags/env')).toContain('aws:ResourceTag/env');
    expect(nearestConditionKeys(catalog, 'aws:SourceIpAddress')).toContain('aws:SourceIp');
    expect(nearestConditionKeys(catalog, 'SourceVpce')).toContain('aws:SourceVpce');
    expect(nearestConditionKeys(catalog, 'aws:RequestTag')).toEqual(['aws:RequestTag/${TagKey}']);
  });

  it('hovers with type, description, scope and catalog version', () => {
    const text = conditionKeyHover(catalog, 'aws:PrincipalTag/team') ?? '';
    expect(text).toContain('global condition key');
    expect(text).toContain('`String`');
    expect(text).toContain('aws:PrincipalTag/${TagKey}');
    expect(text).toContain(catalog.version);
    expect(conditionKeyHover(catalog, 'aws:TagKeys')).toContain('Multi-valued');
    expect(conditionKeyHover(catalog, 's3:prefx')).toBeUndefined();
  });
});

describe('condition operators', () => {
  it('parses qualifiers and IfExists, rejecting what IAM rejects', () => {
    expect(parseOperator('ForAnyValue:StringLikeIfExists')).toMatchObject({
      qualifier: 'ForAnyValue',
      family: 'String',
      ifExists: true,
    });
    expect(parseOperator('NullIfExists')).toBeUndefined();
    expect(parseOperator('stringequals')).toBeUndefined();
    expect(nearestOperator('stringequals')).toBe('StringEquals');
    expect(nearestOperator('ForAllValue:StringLike')).toBe('ForAllValues:StringLike');
  });

  it('checks address and value shapes', () => {
    expect(isIpOrCidr('203.0.113.0/24')).toBe(true);
    expect(isIpOrCidr('2001:db8::/32')).toBe(true);
    expect(isIpOrCidr('::ffff:192.0.2.1')).toBe(true);
    expect(isIpOrCidr('10.0.0.0/33')).toBe(false);
    expect(isIpOrCidr('256.1.1.1')).toBe(false);
    const str = (value: string) => ({ kind: 'string', value, quoted: true }) as never;
    expect(valueFits('Bool', str('TRUE'))).toBe(true);
    expect(valueFits('Bool', str('yes'))).toBe(false);
    expect(valueFits('Numeric', str('${aws:MultiFactorAuthAge}'))).toBeUndefined();
    expect(valueFits('Date', str('2026-12-31T23:59:59Z'))).toBe(true);
    expect(valueFits('String', str('anything'))).toBeUndefined();
  });
});
