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
import { checkResourceArn, piecesTokens } from '../iam/arn';
import { formatTokens, literalTokens, tokensIntersect, type Token } from '../iam/arn-match';
import { globMatches } from '../iam/glob';
import { arnAlternatives } from '../iam/arn-values';
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
  /**
   * Whether the resource may name a resource of one of the action's types (`*`, an ARN of one of
   * its types, or a value that cannot be known: unknown is never bad).
   */
  fits(action: ActionAccess): boolean;
  /** Whether the resource may name a resource of this ARN format (unknown values may). */
  fitsFormat(format: string): boolean;
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
  model: Pick<DocumentModel, 'facts' | 'template'>,
  statement: Statement,
): StatementAccess {
  return model.facts.get(STATEMENT_ACCESS, statement, () => readAccess(catalog, model, statement));
}

const STATEMENT_ACCESS = factKind<Statement, StatementAccess>('statement access');

function readAccess(
  catalog: Catalog,
  model: Pick<DocumentModel, 'facts' | 'template'>,
  statement: Statement,
): StatementAccess {
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
    .map((item) => resourceAccess(catalog, model, item));
  // Rules pair each action with the condition keys and the resources: that is the work to count.
  spendWork(actions.length * (1 + conditionKeys.length + resources.length));
  return { statement, actions, partial, resources, conditionKeys };
}

function resourceAccess(
  catalog: Catalog,
  model: Pick<DocumentModel, 'facts' | 'template'>,
  item: ResolvedValue,
): ResourceAccess {
  const star = item.value === '*';
  let patterns: readonly Token[][] | undefined | null = null;
  const byFormat = new Map<string, boolean>();
  const fitsFormat = (format: string) => {
    if (star) return true;
    // The ARN shapes the value may take; none known (a parameter, an import) is unknown.
    if (patterns === null) {
      const alternatives = arnAlternatives(catalog, model, item.node);
      patterns =
        alternatives.length === 0 ||
        alternatives.some((p) => p.length === 0 || checkResourceArn(catalog, p) !== undefined)
          ? undefined
          : alternatives.map((p) => piecesTokens(p));
    }
    const known = patterns;
    if (known === undefined) return true;
    let fits = byFormat.get(format);
    if (fits === undefined) {
      const literal = item.value !== undefined ? fieldsFit(item.value, format) : undefined;
      const tokens = formatTokens(format);
      fits = literal !== false && known.some((p) => tokensIntersect(p, tokens));
      byFormat.set(format, fits);
    }
    return fits;
  };
  return {
    item,
    star,
    reaches: new Map(),
    fitsFormat,
    fits(action) {
      if (star || action.wildcardOnly) return star;
      if (action.types.length === 0) return true;
      return action.types.some((type) => type.arn === undefined || fitsFormat(type.arn));
    },
  };
}

/**
 * Whether an ARN written out (wildcards allowed) may be one of the format's, field by field: a
 * wildcard in the Region does not reach into the resource part, so `arn:aws:ec2:*:*:instance/*`
 * names no network interface. Undefined when the text is not an ARN with all six parts.
 */
function fieldsFit(written: string, format: string): boolean | undefined {
  const w = arnFields(written);
  const f = arnFields(format);
  if (!w || !f) return undefined;
  for (let i = 1; i < 5; i++) {
    const wanted = f[i] ?? '';
    if (wanted.includes('${')) continue;
    if (!globMatches(w[i] ?? '', wanted, false)) return false;
  }
  return tokensIntersect(literalTokens(w[5] ?? '', true), formatTokens(f[5] ?? ''));
}

/** The six parts of an ARN (the resource part keeps its colons). */
function arnFields(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
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
  return specific.some((format) => reachesEveryOf(resource, format));
}

/** Whether the resource reaches every resource of one ARN format (`arn:aws:s3:::*` for buckets). */
export function reachesEveryOf(resource: ResourceAccess, format: string): boolean {
  if (resource.star) return true;
  let reaches = resource.reaches.get(format);
  if (reaches === undefined) {
    reaches = resource.item.resolved.some((alternative) => effectiveStar(alternative, format));
    resource.reaches.set(format, reaches);
  }
  return reaches;
}
