import { getProperty } from '../document';
import { patternText, resolvedItems, type Statement } from '../model';
import type { LocatedValue, ResolvedValue } from '../model';
import { spendWork } from '../budget';
import type { ActionInfo, Catalog } from './catalog';
import { globMatches, hasWildcard } from './glob';

export interface ActionEntry extends LocatedValue {
  readonly value: string;
  /** Catalog actions the entry grants (empty for unknown names). */
  readonly matches: readonly ActionInfo[];
}

/**
 * The known entries of a statement's `Action` element, each with the actions it matches. In an
 * IoT policy only IoT actions exist, so `*` means every `iot:` action.
 */
export function actionEntries(catalog: Catalog, statement: Statement): ActionEntry[] {
  const iot = statement.policy.type === 'iot';
  return statement
    .values('Action')
    .filter((item): item is ResolvedValue & { value: string } => item.value !== undefined)
    .map((item) => {
      const matches = catalog.match(item.value);
      // What callers iterate: counted whether or not the catalog remembered the pattern.
      spendWork(1 + matches.length);
      return {
        ...item,
        matches: iot ? matches.filter((a) => a.service.prefix === 'iot') : matches,
      };
    });
}

/** Whether an action pattern (`*`, `iam:*`, `iam:Pass*`, `iam:PassRole`) covers a given action. */
export function patternCovers(pattern: string, action: string): boolean {
  if (!hasWildcard(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  return globMatches(pattern, action);
}

/** Whether the statement's condition tests a key (case-insensitive), under any operator. */
export function conditionHasKey(statement: Statement, key: string): boolean {
  const condition = statement.element('Condition')?.value;
  if (condition?.kind !== 'object') return false;
  const wanted = key.toLowerCase();
  return condition.properties.some(
    (operator) =>
      operator.value?.kind === 'object' &&
      operator.value.properties.some((p) => p.key.value.toLowerCase() === wanted),
  );
}

/** `Resource: "*"` entries of a statement. */
export function starResources(statement: Statement) {
  return statement.values('Resource').filter((r) => r.value === '*');
}

const ACCOUNT_ROOT =
  /^(arn:(aws[a-z-]*|\$\{AWS::Partition\}):iam::(\d{12}|\$\{AWS::AccountId\}):root|\d{12}|\$\{AWS::AccountId\})$/;

/**
 * Whether a resource-policy statement names only whole accounts as principals (`...:root` or an
 * account id). Such a statement delegates to the account's own IAM policies, which then decide;
 * it is how every default KMS key policy starts.
 */
export function delegatesToAccounts(statement: Statement): boolean {
  const principal = statement.element('Principal')?.value;
  if (principal?.kind !== 'object' || principal.properties.length !== 1) return false;
  const aws = getProperty(principal, 'AWS')?.value;
  // Every alternative of every value (`Fn::Sub`, `Fn::Join`, `Fn::If` branches, mapping values)
  // must name a whole account; parameters, even with a default, are unknown.
  const values = resolvedItems(aws, { template: statement.policy.template, defaults: false });
  return (
    values.length > 0 &&
    values.every(
      (item) =>
        item.resolved.length > 0 &&
        item.resolved.every(
          (r) =>
            r.segments.every((s) => s.kind === 'text' || s.source.kind === 'pseudo') &&
            ACCOUNT_ROOT.test(patternText(r)),
        ),
    )
  );
}
