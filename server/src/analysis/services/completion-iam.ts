/**
 * Catalog-backed completion lists: service prefixes and actions, the ARN formats of a statement's
 * actions, and the condition keys valid for them. The catalog holds some 22,000 actions, so lists
 * are filtered by what was typed and capped; a capped list is marked incomplete.
 */
import type { ActionInfo, Catalog } from '../iam/catalog';
import { compileGlob, hasWildcard } from '../iam/glob';
import { actionEntries } from '../iam/statement';
import type { Statement } from '../model';
import { MAX_ITEMS, type CompletionItem } from './completion-item';

const CAP = MAX_ITEMS;
/** Most actions of a statement whose resource types and keys are gathered. */
const ACTION_CAP = 300;

interface ItemList {
  readonly items: readonly CompletionItem[];
  readonly isIncomplete: boolean;
}

/**
 * Items for an `Action` value. Before a colon: service prefixes. After `prefix:`: the service's
 * actions whose name contains the typed part (those starting with it first), each group ranked
 * by how many AWS managed policies name the action, then alphabetically (`sortText` keeps that
 * order in the editor), and for a typed part the pattern `prefix:typed*` with what it grants. A
 * typed wildcard filters as IAM matches.
 * `iot` narrows the prefixes to AWS IoT's, for IoT policies.
 */
export function actionItems(catalog: Catalog, typed: string, iot = false): ItemList {
  const colon = typed.indexOf(':');
  if (colon < 0) return serviceItems(catalog, iot);
  const service = catalog.service(typed.slice(0, colon));
  if (!service) return { items: [], isIncomplete: false };
  const part = typed.slice(colon + 1);
  const lower = part.toLowerCase();
  let chosen: readonly ActionInfo[];
  if (hasWildcard(part)) {
    const pattern = compileGlob(`${part}*`);
    chosen = byUsage(
      catalog,
      service.actions.filter((a) => pattern.test(a.name)),
    );
  } else {
    const starts = service.actions.filter((a) => a.name.toLowerCase().startsWith(lower));
    const inside = lower
      ? service.actions.filter(
          (a) => !a.name.toLowerCase().startsWith(lower) && a.name.toLowerCase().includes(lower),
        )
      : [];
    chosen = [...byUsage(catalog, starts), ...byUsage(catalog, inside)];
  }
  const items: CompletionItem[] = [];
  const prefixMatches = hasWildcard(part)
    ? []
    : service.actions.filter((a) => a.name.toLowerCase().startsWith(lower));
  if (part.length >= 3 && prefixMatches.length > 1)
    items.push(patternItem(catalog, `${service.prefix}:${part}*`, prefixMatches));
  for (const [index, action] of chosen.slice(0, CAP).entries()) {
    items.push(actionItem(catalog, action, index));
  }
  return { items, isIncomplete: chosen.length > CAP };
}

/** Most used first (see `iam/action-usage.ts`); the sort is stable, so ties stay alphabetical. */
function byUsage(catalog: Catalog, actions: readonly ActionInfo[]): ActionInfo[] {
  return actions
    .map((action) => ({ action, uses: catalog.usage.of(action) }))
    .sort((a, b) => b.uses - a.uses)
    .map(({ action }) => action);
}

/** Every service prefix; only `iot:` in an AWS IoT policy, where no other actions exist. */
function serviceItems(catalog: Catalog, iot: boolean): ItemList {
  const items: CompletionItem[] = [];
  for (const service of catalog.allServices()) {
    if (iot && service.prefix !== 'iot') continue;
    items.push({
      label: `${service.prefix}:`,
      kind: 'service',
      detail: service.name,
      documentation: `${service.actions.length.toLocaleString('en-US')} actions`,
      insertText: `${service.prefix}:`,
    });
  }
  items.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { items, isIncomplete: false };
}

function actionItem(catalog: Catalog, action: ActionInfo, index: number): CompletionItem {
  const name = `${action.service.prefix}:${action.name}`;
  const description = catalog.actionDetail(action)?.description;
  const only = action.wildcardOnly
    ? ' Supports no resource-level permissions (`Resource: "*"`).'
    : '';
  return {
    label: name,
    kind: 'action',
    detail: action.accessLevel,
    documentation: description || only ? `${description ?? ''}${only}`.trim() : undefined,
    insertText: name,
    sortText: `1${String(index).padStart(4, '0')}`,
  };
}

function patternItem(
  catalog: Catalog,
  pattern: string,
  matches: readonly ActionInfo[],
): CompletionItem {
  const { byLevel } = catalog.countByLevel(matches);
  const levels = [...byLevel.entries()].map(([level, count]) => `${level} ${count}`).join(', ');
  return {
    label: pattern,
    kind: 'pattern',
    detail: `${matches.length} actions`,
    documentation: `Grants ${matches.length} actions (${levels}).`,
    insertText: pattern,
    sortText: '0',
  };
}

/** The catalog actions a statement's literal `Action` entries grant, capped. */
function statementActions(catalog: Catalog, statement: Statement): ActionInfo[] {
  const seen = new Set<ActionInfo>();
  for (const entry of actionEntries(catalog, statement)) {
    // `*` grants everything: no service's keys or ARNs are more relevant than another's.
    if (entry.value === '*' || entry.value.startsWith('*:')) continue;
    for (const action of entry.matches) {
      if (seen.size >= ACTION_CAP) return [...seen];
      seen.add(action);
    }
  }
  return [...seen];
}

/**
 * ARN formats of the resource types the statement's actions act on, as snippets whose
 * placeholders are tab stops. The partition is written `aws`: the value is a plain string, where
 * `${AWS::Partition}` would stay literal text. Inside an `Fn::Sub` template (`sub`), partition,
 * region and account become the pseudo parameters `${AWS::Partition}`, `${AWS::Region}` and
 * `${AWS::AccountId}`, which the substitution fills in.
 */
export function arnItems(catalog: Catalog, statement: Statement, sub: boolean): ItemList {
  const byArn = new Map<string, { type: string; actions: string[] }>();
  for (const action of statementActions(catalog, statement)) {
    const detail = catalog.actionDetail(action);
    for (const type of detail?.resourceTypes ?? []) {
      if (!type.detail) continue;
      const entry = byArn.get(type.detail.arn) ?? {
        type: `${action.service.prefix} ${type.name}`,
        actions: [],
      };
      entry.actions.push(`${action.service.prefix}:${action.name}`);
      byArn.set(type.detail.arn, entry);
    }
  }
  const items: CompletionItem[] = [];
  for (const [arn, entry] of byArn) {
    const shown = entry.actions
      .slice(0, 5)
      .map((a) => `\`${a}\``)
      .join(', ');
    const more = entry.actions.length > 5 ? ` and ${entry.actions.length - 5} more` : '';
    items.push({
      label: arn,
      kind: 'arn',
      detail: entry.type,
      documentation: `Resource type \`${entry.type}\` of ${shown}${more}.`,
      insertText: arnText(arn, sub),
      snippet: arnSnippet(arn, sub),
    });
    if (items.length >= CAP) break;
  }
  return { items, isIncomplete: false };
}

const PSEUDO: ReadonlyMap<string, string> = new Map([
  ['Partition', '${AWS::Partition}'],
  ['Region', '${AWS::Region}'],
  ['Account', '${AWS::AccountId}'],
]);

/** The ARN as plain text: the partition filled in, other placeholders kept as written. */
function arnText(arn: string, sub: boolean): string {
  return arn.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    if (sub) return PSEUDO.get(name) ?? whole;
    return name === 'Partition' ? 'aws' : whole;
  });
}

/** The ARN as a snippet: `arn:${Partition}:s3:::${BucketName}` → `arn:aws:s3:::${1:BucketName}`. */
export function arnSnippet(arn: string, sub: boolean): string {
  let stop = 0;
  const parts = arn.split(/(\$\{\w+\})/);
  return parts
    .map((part) => {
      const name = /^\$\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return escapeSnippet(part);
      const pseudo = sub ? PSEUDO.get(name) : undefined;
      if (pseudo) return escapeSnippet(pseudo);
      if (name === 'Partition') return 'aws';
      stop++;
      return `\${${stop}:${name}}`;
    })
    .join('');
}

/** Literal text inside a snippet: `$`, `}` and `\` are syntax there. */
function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

/**
 * Condition keys valid for the statement's actions (each action's own keys and its resource
 * types' keys), then the global keys. Templated keys (`aws:ResourceTag/${TagKey}`) come as
 * snippets with the placeholder as a tab stop.
 */
export function conditionKeyItems(catalog: Catalog, statement: Statement): ItemList {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (name: string, prefix: string | undefined, rank: string) => {
    const lower = name.toLowerCase();
    if (seen.has(lower)) return;
    const detail = prefix ? catalog.conditionKey(prefix, name) : catalog.globalConditionKey(name);
    seen.add(lower);
    const hasPlaceholder = /\$\{\w+\}|<\w+>/.test(name);
    items.push({
      label: name,
      kind: 'conditionKey',
      detail: detail?.type,
      documentation: detail?.description || undefined,
      insertText: name,
      snippet: hasPlaceholder ? keySnippet(name) : undefined,
      sortText: `${rank}${name}`,
    });
  };
  for (const action of statementActions(catalog, statement)) {
    const detail = catalog.actionDetail(action);
    if (!detail) continue;
    const prefix = action.service.prefix;
    for (const key of detail.conditionKeys) add(key, prefix, '0');
    for (const type of detail.resourceTypes) {
      for (const key of type.detail?.conditionKeys ?? []) add(key, prefix, '0');
    }
    if (items.length >= CAP) break;
  }
  for (const key of catalog.globalConditionKeys()) add(key.name, undefined, '1');
  return { items, isIncomplete: false };
}

function keySnippet(name: string): string {
  let stop = 0;
  return name
    .split(/(\$\{\w+\}|<\w+>)/)
    .map((part) => {
      const placeholder = /^(?:\$\{(\w+)\}|<(\w+)>)$/.exec(part);
      if (!placeholder) return escapeSnippet(part);
      stop++;
      return `\${${stop}:${placeholder[1] ?? placeholder[2] ?? 'key'}}`;
    })
    .join('');
}
