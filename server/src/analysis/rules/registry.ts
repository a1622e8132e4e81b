// The rule registry, sorted by id. `npm run new-rule -- <id>` adds a line here.
import type { Rule } from './rule';
import actionResourceMismatch from './action-resource-mismatch';
import allowNotAction from './allow-not-action';
import allowNotPrincipal from './allow-not-principal';
import allowNotResource from './allow-not-resource';
import conditionOperatorMismatch from './condition-operator-mismatch';
import duplicateKey from './duplicate-key';
import fileTooLarge from './file-too-large';
import invalidArn from './invalid-arn';
import parseError from './parse-error';
import passroleUnscoped from './passrole-unscoped';
import policyStructure from './policy-structure';
import policyVersion from './policy-version';
import privilegeEscalation from './privilege-escalation';
import publicPrincipal from './public-principal';
import unknownAction from './unknown-action';
import unknownConditionKey from './unknown-condition-key';
import wildcardAction from './wildcard-action';
import wildcardResource from './wildcard-resource';

export const RULES: readonly Rule[] = [
  actionResourceMismatch,
  allowNotAction,
  allowNotPrincipal,
  allowNotResource,
  conditionOperatorMismatch,
  duplicateKey,
  fileTooLarge,
  invalidArn,
  parseError,
  passroleUnscoped,
  policyStructure,
  policyVersion,
  privilegeEscalation,
  publicPrincipal,
  unknownAction,
  unknownConditionKey,
  wildcardAction,
  wildcardResource,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));
