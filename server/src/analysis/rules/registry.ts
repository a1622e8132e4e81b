// The rule registry, sorted by id. `npm run new-rule -- <id>` adds a line here.
import type { Rule } from './rule';
import duplicateKey from './duplicate-key';
import fileTooLarge from './file-too-large';
import parseError from './parse-error';
import passroleUnscoped from './passrole-unscoped';
import policyVersion from './policy-version';
import unknownAction from './unknown-action';
import wildcardAction from './wildcard-action';
import wildcardResource from './wildcard-resource';

export const RULES: readonly Rule[] = [
  duplicateKey,
  fileTooLarge,
  parseError,
  passroleUnscoped,
  policyVersion,
  unknownAction,
  wildcardAction,
  wildcardResource,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));
