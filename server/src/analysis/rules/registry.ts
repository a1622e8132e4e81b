// The rule registry, sorted by id. `npm run new-rule -- <id>` adds a line here.
import type { Rule } from './rule';
import actionResourceMismatch from './action-resource-mismatch';
import allowNotAction from './allow-not-action';
import allowNotPrincipal from './allow-not-principal';
import allowNotResource from './allow-not-resource';
import analysisLimit from './analysis-limit';
import artifactStoreDefaultKey from './artifact-store-default-key';
import asymmetricArtifactKey from './asymmetric-artifact-key';
import bucketEncryption from './bucket-encryption';
import bucketInsecureTransport from './bucket-insecure-transport';
import bucketUnencryptedUploads from './bucket-unencrypted-uploads';
import conditionOperatorMismatch from './condition-operator-mismatch';
import credentialsInUrl from './credentials-in-url';
import duplicateKey from './duplicate-key';
import fileTooLarge from './file-too-large';
import foreignTemplate from './foreign-template';
import githubV1Source from './github-v1-source';
import hardcodedCredential from './hardcoded-credential';
import internalError from './internal-error';
import invalidArn from './invalid-arn';
import kmsKeyRotation from './kms-key-rotation';
import managedPolicyAdmin from './managed-policy-admin';
import parameterNoecho from './parameter-noecho';
import parseError from './parse-error';
import passroleUnscoped from './passrole-unscoped';
import pipelineActionConfig from './pipeline-action-config';
import pipelineArtifacts from './pipeline-artifacts';
import pipelineStructure from './pipeline-structure';
import placeholderValue from './placeholder-value';
import plaintextSecretEnv from './plaintext-secret-env';
import policyStructure from './policy-structure';
import policyVersion from './policy-version';
import privilegeEscalation from './privilege-escalation';
import publicPrincipal from './public-principal';
import sensitiveDataInTags from './sensitive-data-in-tags';
import serviceRoleMissingPermission from './service-role-missing-permission';
import serviceRoleUnusedPermission from './service-role-unused-permission';
import unknownAction from './unknown-action';
import unknownConditionKey from './unknown-condition-key';
import unresolvedReference from './unresolved-reference';
import wildcardAction from './wildcard-action';
import wildcardResource from './wildcard-resource';

export const RULES: readonly Rule[] = [
  actionResourceMismatch,
  allowNotAction,
  allowNotPrincipal,
  allowNotResource,
  analysisLimit,
  artifactStoreDefaultKey,
  asymmetricArtifactKey,
  bucketEncryption,
  bucketInsecureTransport,
  bucketUnencryptedUploads,
  conditionOperatorMismatch,
  credentialsInUrl,
  duplicateKey,
  fileTooLarge,
  foreignTemplate,
  githubV1Source,
  hardcodedCredential,
  internalError,
  invalidArn,
  kmsKeyRotation,
  managedPolicyAdmin,
  parameterNoecho,
  parseError,
  passroleUnscoped,
  pipelineActionConfig,
  pipelineArtifacts,
  pipelineStructure,
  placeholderValue,
  plaintextSecretEnv,
  policyStructure,
  policyVersion,
  privilegeEscalation,
  publicPrincipal,
  sensitiveDataInTags,
  serviceRoleMissingPermission,
  serviceRoleUnusedPermission,
  unknownAction,
  unknownConditionKey,
  unresolvedReference,
  wildcardAction,
  wildcardResource,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));
