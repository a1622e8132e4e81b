/**
 * What one statement grants (or denies), action by action: every action its `Action` entries name,
 * expanded through the catalog, with its access level, the resource types it acts on, the
 * condition keys that apply to it, and which of the statement's condition keys narrow it; and for
 * each `Resource` entry, whether it is `*`, or `*` in effect for an action's resource types
 * (`arn:aws:s3:::*` for buckets and objects). Rules and fixes read this instead of looking at one
 * token at a time. Computed once per statement, in the document's facts.
 */
import { spendWork } from '../budget';
import { factKind, type DocumentModel, type ResolvedValue, type Statement } from '../model';
import { conditionKeyPattern, type ActionInfo, type Catalog } from '../iam/catalog';
import { actionEntries, type ActionEntry } from '../iam/statement';
import type { ResourceTypeKey } from '../iam/targets';
import { effectiveStar } from './effective-star';

/** A resource type an action acts on. */
export interface TypeNeed {
  /** `service/type`, lower case (`s3/object`). */
  readonly key: ResourceTypeKey;
  readonly name: string;
  /** The catalog's ARN format, when it defines the type. */
  readonly arn: string | undefined;
  readonly required: boolean;
}

/**
 * One action of a statement. Its resource types and narrowing keys need the service's detail, which
 * is loaded on first use: a statement of `*` names 22,000 actions, and most rules need only a few
 * of their details.
 */
export class ActionAccess {
  private typesValue?: readonly TypeNeed[];
  private narrowedValue?: readonly string[];

  constructor(
    private readonly catalog: Catalog,
    readonly action: ActionInfo,
    /** The `Action` entry that names it (the first, when several do). */
    readonly entry: ActionEntry,
    private readonly conditionKeys: readonly string[],
  ) {}

  /** `service:Name` as the catalog spells it. */
  get fullName(): string {
    return `${this.action.service.prefix}:${this.action.name}`;
  }

  /** Accepts only `Resource: "*"`: nothing a policy can name scopes it. */
  get wildcardOnly(): boolean {
    return this.action.wildcardOnly;
  }

  /** The resource types it acts on; empty when unknown or `*` only. */
  get types(): readonly TypeNeed[] {
    if (this.typesValue === undefined) {
      const detail = this.wildcardOnly ? undefined : this.catalog.actionDetail(this.action);
      this.typesValue = (detail?.resourceTypes ?? []).map((t) => ({
        key: `${this.action.service.prefix}/${t.name.toLowerCase()}`,
        name: t.name,
        arn: t.detail?.arn,
        required: t.required,
      }));
    }
    return this.typesValue;
  }

  /** The statement's condition keys that apply to it and narrow the resources it reaches. */
  get narrowedBy(): readonly string[] {
    if (this.narrowedValue === undefined) {
      if (this.conditionKeys.length === 0) return (this.narrowedValue = []);
      const detail = this.catalog.actionDetail(this.action);
      // Its own keys, its resource types' keys, and the global keys that narrow resources.
      const applicable = [
        ...(detail?.conditionKeys ?? []),
        ...(detail?.resourceTypes ?? []).flatMap((t) => t.detail?.conditionKeys ?? []),
      ];
      this.narrowedValue = this.conditionKeys.filter(
        (used) =>
          NARROWING_GLOBAL_KEYS.test(used) || applicable.some((key) => keyMatches(key, used)),
      );
    }
    return this.narrowedValue;
  }
}

export interface ResourceAccess {
  readonly item: ResolvedValue;
  /** The literal `*`. */
  readonly star: boolean;
  /** {@link reachesEvery}'s answers per ARN format: many actions share a format. */
  readonly reaches: Map<string, boolean>;
}

export interface StatementAccess {
  readonly statement: Statement;
  /** Each catalog action the statement names, once, in entry order. Empty for `NotAction`. */
  readonly actions: readonly ActionAccess[];
  /** Some `Action` entry is unknown (not in the catalog, or an intrinsic): the list is partial. */
  readonly partial: boolean;
  readonly resources: readonly ResourceAccess[];
  /** The condition keys the statement tests, as written (any operator). */
  readonly conditionKeys: readonly string[];
}

/**
 * Global keys that narrow which resources a request may reach, for any action (the other global
 * keys narrow the caller, the network or the session, and leave every resource reachable).
 */
const NARROWING_GLOBAL_KEYS =
  /^aws:(ResourceTag\/.+|ResourceAccount|ResourceOrgID|ResourceOrgPaths|SourceArn|SourceAccount)$/i;

/** The statement's access, computed on first use and remembered in the document's facts. */
export function statementAccess(
  catalog: Catalog,
  model: Pick<DocumentModel, 'facts'>,
  statement: Statement,
): StatementAccess {
  return model.facts.get(STATEMENT_ACCESS, statement, () => readAccess(catalog, statement));
}

const STATEMENT_ACCESS = factKind<Statement, StatementAccess>('statement access');

function readAccess(catalog: Catalog, statement: Statement): StatementAccess {
  const conditionKeys = statementConditionKeys(statement);
  const actions: ActionAccess[] = [];
  const seen = new Set<ActionInfo>();
  let partial = statement.element('NotAction') !== undefined;
  if (!partial) {
    partial = statement.values('Action').some((v) => v.value === undefined);
    const entries = actionEntries(catalog, statement);
    for (const entry of entries) {
      if (entry.matches.length === 0) partial = true;
      for (const action of entry.matches) {
        // One entry (`*`, often) names each action once; several may name one twice.
        if (entries.length > 1) {
          if (seen.has(action)) continue;
          seen.add(action);
        }
        actions.push(new ActionAccess(catalog, action, entry, conditionKeys));
      }
    }
  }
  const resources = statement
    .values('Resource')
    .map((item) => ({ item, star: item.value === '*', reaches: new Map<string, boolean>() }));
  // Rules pair each action with the condition keys and the resources: that is the work to count.
  spendWork(actions.length * (1 + conditionKeys.length + resources.length));
  return { statement, actions, partial, resources, conditionKeys };
}

/** Whether a catalog key (`s3:ExistingObjectTag/<key>`, `aws:ResourceTag/${TagKey}`) is the one used. */
function keyMatches(catalogKey: string, used: string): boolean {
  if (catalogKey.toLowerCase() === used.toLowerCase()) return true;
  return /\$\{|</.test(catalogKey) && conditionKeyPattern(catalogKey).test(used);
}

/** The keys a statement's `Condition` tests, under any operator, as written. */
function statementConditionKeys(statement: Statement): string[] {
  const condition = statement.element('Condition')?.value;
  if (condition?.kind !== 'object') return [];
  const keys: string[] = [];
  for (const operator of condition.properties) {
    if (operator.value?.kind !== 'object') continue;
    for (const key of operator.value.properties) keys.push(key.key.value);
  }
  return keys;
}

/**
 * Whether the resource reaches every resource of the action's types: `*`, or an ARN whose every
 * part that names a resource is a wildcard for each of its types.
 */
export function reachesEvery(resource: ResourceAccess, action: ActionAccess): boolean {
  if (resource.star) return true;
  const formats = action.types.map((t) => t.arn).filter((f): f is string => f !== undefined);
  // Some types are "all of them" by definition (`arn:${Partition}:identitystore:::user/*`, the
  // AllUsers type): an ARN written that way names that type, as documented, not everything.
  const specific = formats.filter((f) => !f.includes('*'));
  if (specific.length === 0 || specific.length < formats.length) return false;
  return specific.some((format) => {
    let reaches = resource.reaches.get(format);
    if (reaches === undefined) {
      reaches = resource.item.resolved.some((alternative) => effectiveStar(alternative, format));
      resource.reaches.set(format, reaches);
    }
    return reaches;
  });
}
