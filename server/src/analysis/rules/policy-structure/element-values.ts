/**
 * Value checks of `policy-structure`: the JSON type and shape each policy element takes. Values the
 * engine cannot know (intrinsic functions, parameters) are skipped; each `Fn::If` branch is checked.
 */
import {
  getProperty,
  type Node,
  type ObjectNode,
  type ParsedDocument,
  type Property,
} from '../../document';
import { renameKeyFix, replaceString } from '../../edits';
import { alternatives, intrinsicName, isNoValue } from '../../model';
import type { Fix, RuleContext } from '../rule';

/** The principal types IAM accepts as keys of a `Principal` object. */
export const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

type Report = RuleContext['report'];

/** The element's property unless it is absent or `!Ref AWS::NoValue`. */
export function presentElement(node: ObjectNode, name: string): Property | undefined {
  const property = getProperty(node, name);
  return property && !isNoValue(property.value) ? property : undefined;
}

/** True for an intrinsic function (other than a branch of `Fn::If`, which is expanded first). */
function isUnknown(node: Node): boolean {
  return intrinsicName(node) !== undefined;
}

/**
 * YAML plain scalars such as `1` or `true` are typed by the YAML reader, not by the author; where
 * a string is expected they are left alone in YAML and reported in JSON, where quoting is explicit.
 */
function isLooseScalar(document: ParsedDocument, node: Node): boolean {
  return document.format === 'yaml' && (node.kind === 'number' || node.kind === 'boolean');
}

/** Reports every list entry (each `Fn::If` branch) that is neither a string nor unknown. */
function reportNonStrings(
  document: ParsedDocument,
  items: readonly Node[],
  subject: string,
  report: Report,
): void {
  for (const item of items) {
    for (const choice of alternatives(item)) {
      if (choice.kind === 'string' || isUnknown(choice) || isLooseScalar(document, choice))
        continue;
      report({ at: choice, message: `${subject} must be a string, not ${describeKind(choice)}.` });
    }
  }
}

function describeKind(node: Node): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'null':
      return 'empty (null)';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'a string';
  }
}

/** `Effect`: exactly `Allow` or `Deny`. A case slip gets an unsafe fix: it changes what takes effect. */
export function checkEffect(document: ParsedDocument, property: Property, report: Report): void {
  for (const value of alternatives(property.value)) {
    if (isUnknown(value)) continue;
    if (value.kind !== 'string') {
      report({
        at: value,
        message: `"Effect" must be the string "Allow" or "Deny", not ${describeKind(value)}.`,
      });
      continue;
    }
    if (value.value === 'Allow' || value.value === 'Deny') continue;
    const intended = ['Allow', 'Deny'].find((e) => e.toLowerCase() === value.value.toLowerCase());
    const fixes: Fix[] = intended
      ? [
          {
            title: `Change "Effect" to "${intended}"`,
            // IAM rejects the policy as written; once corrected, its statements take effect.
            safe: false,
            edits: [replaceString(document, value, intended)],
          },
        ]
      : [];
    report({
      at: value,
      message: intended
        ? `"${value.value}" is not a valid "Effect": values are case-sensitive; use "${intended}".`
        : `"${value.value}" is not a valid "Effect"; use "Allow" or "Deny".`,
      fixes,
    });
  }
}

/** `Action`, `NotAction`, `Resource`, `NotResource`: a string or a non-empty list of strings. */
export function checkStringList(
  document: ParsedDocument,
  property: Property,
  report: Report,
): void {
  const name = property.key.value;
  for (const value of alternatives(property.value)) {
    if (value.kind === 'string' || isUnknown(value) || isLooseScalar(document, value)) continue;
    if (value.kind !== 'array') {
      report({
        at: value,
        message: `"${name}" must be a string or a list of strings, not ${describeKind(value)}.`,
      });
      continue;
    }
    if (value.items.length === 0) {
      report({
        at: value,
        message: `"${name}" is an empty list, which IAM rejects; list at least one ${name.endsWith('Action') ? 'action' : 'resource ARN'}.`,
      });
      continue;
    }
    reportNonStrings(document, value.items, `Each entry of "${name}"`, report);
  }
}

/** `Sid`: a string (IAM's character rules are checked with the policy, which knows its type). */
export function checkSidType(document: ParsedDocument, property: Property, report: Report): void {
  for (const value of alternatives(property.value)) {
    if (value.kind === 'string' || isUnknown(value) || isLooseScalar(document, value)) continue;
    report({ at: value, message: `"Sid" must be a string, not ${describeKind(value)}.` });
  }
}

/**
 * `Condition`: an object of operator to an object of condition key to a value or list of values
 * (strings, numbers or booleans). Operators and keys themselves are other rules' business.
 */
export function checkCondition(property: Property, report: Report): void {
  for (const block of alternatives(property.value)) {
    if (isUnknown(block)) continue;
    if (block.kind !== 'object') {
      report({
        at: block,
        message: `"Condition" must be an object of condition operators, such as { "StringEquals": { "aws:PrincipalTag/team": "build" } }, not ${describeKind(block)}.`,
      });
      continue;
    }
    for (const operator of block.properties) {
      for (const keys of alternatives(operator.value)) {
        if (isUnknown(keys)) continue;
        if (keys.kind !== 'object') {
          report({
            at: keys,
            message: `The condition operator "${operator.key.value}" must map condition keys to values, as in { "aws:SourceAccount": "111122223333" }, not be ${describeKind(keys)}.`,
          });
          continue;
        }
        for (const key of keys.properties) checkConditionValues(key, report);
      }
    }
  }
}

function checkConditionValues(key: Property, report: Report): void {
  for (const value of alternatives(key.value)) {
    if (isUnknown(value) || isConditionScalar(value)) continue;
    if (value.kind === 'array') {
      for (const item of value.items) {
        for (const choice of alternatives(item)) {
          if (isUnknown(choice) || isConditionScalar(choice)) continue;
          report({
            at: choice,
            message: `Each value of the condition key "${key.key.value}" must be a string, number or boolean, not ${describeKind(choice)}.`,
          });
        }
      }
      continue;
    }
    report({
      at: value,
      message: `The condition key "${key.key.value}" must have a string, number or boolean value, or a list of them, not ${describeKind(value)}.`,
    });
  }
}

function isConditionScalar(node: Node): boolean {
  return node.kind === 'string' || node.kind === 'number' || node.kind === 'boolean';
}

/**
 * `Principal`/`NotPrincipal`: `"*"`, or an object whose keys are principal types and whose values
 * are strings or lists of strings. A misspelt principal type gets a safe rename (IAM rejects the
 * key as written, so the intended one is the only reading).
 */
export function checkPrincipal(document: ParsedDocument, property: Property, report: Report): void {
  const name = property.key.value;
  for (const value of alternatives(property.value)) {
    if (isUnknown(value)) continue;
    if (value.kind === 'string') {
      if (value.value !== '*') {
        report({
          at: value,
          message: `"${name}" must be "*" or an object such as { "${principalKind(value.value)}": "${value.value}" } that says which kind of principal it names.`,
        });
      }
      continue;
    }
    if (value.kind !== 'object') {
      report({
        at: value,
        message: `"${name}" must be "*" or an object with "AWS", "Service", "Federated" or "CanonicalUser" keys, not ${describeKind(value)}.`,
      });
      continue;
    }
    if (value.properties.length === 0) {
      report({ at: value, message: `"${name}" is empty; name at least one principal.` });
    }
    for (const entry of value.properties) {
      checkPrincipalEntry(document, name, entry, report);
    }
  }
}

/** The principal type a bare principal string most likely meant, for the message's example. */
function principalKind(text: string): (typeof PRINCIPAL_KEYS)[number] {
  if (
    /:(saml|oidc)-provider\//.test(text) ||
    /^(cognito-identity\.amazonaws\.com|accounts\.google\.com|graph\.facebook\.com|www\.amazon\.com)$/.test(
      text,
    )
  )
    return 'Federated';
  if (/\.amazonaws\.com(\.cn)?$/.test(text)) return 'Service';
  return 'AWS';
}

function checkPrincipalEntry(
  document: ParsedDocument,
  element: string,
  entry: Property,
  report: Report,
): void {
  const key = entry.key.value;
  if (!(PRINCIPAL_KEYS as readonly string[]).includes(key)) {
    const intended = PRINCIPAL_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    const taken =
      intended !== undefined && entry.parent.properties.some((p) => p.key.value === intended);
    report({
      at: entry.key,
      message: intended
        ? `"${key}" is not a principal type: names are case-sensitive; use "${intended}".`
        : `"${key}" is not a principal type; "${element}" takes "AWS", "Service", "Federated" or "CanonicalUser".`,
      fixes: intended && !taken ? [renameKeyFix(document, entry.key, intended)] : [],
    });
  }
  for (const value of alternatives(entry.value)) {
    if (value.kind === 'string' || isUnknown(value) || isLooseScalar(document, value)) continue;
    if (value.kind === 'array') {
      reportNonStrings(document, value.items, `Each principal in "${key}"`, report);
      continue;
    }
    report({
      at: value,
      message: `"${key}" must be a principal string or a list of them, not ${describeKind(value)}.`,
    });
  }
}
