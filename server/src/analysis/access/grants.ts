/**
 * What a document grants and denies, statement by statement, and whether one set of grants adds
 * access to another. The fix round trip uses it to prove that a fix grants no more than the text
 * it replaced; a reviewer's diff asks the same question of two revisions.
 *
 * The comparison is conservative: a grant is covered only when another grant plainly contains it
 * (an action pattern that matches it, a resource pattern that matches it, and conditions that are
 * no stronger). Anything it cannot prove covered counts as added.
 */
import type { Node } from '../document';
import {
  patternText,
  resolvedItems,
  type DocumentModel,
  type Policy,
  type Resolved,
} from '../model';
import type { Catalog } from '../iam/catalog';
import { globMatches, hasWildcard } from '../iam/glob';
import { arnFormat, templateArnText, templateArnType } from '../iam/targets';

/** One statement alternative, flattened to what it grants or denies. */
export interface Grant {
  /** Who receives it: the policy's holder (a template resource, or `` for a standalone file). */
  readonly holder: string;
  /** For resource-based and trust policies: each principal it names (`*`, `AWS:arn:...`). */
  readonly principals: readonly string[];
  readonly effect: 'Allow' | 'Deny';
  /**
   * Action patterns as written (folded to lower case); a `NotAction` statement has one entry
   * standing for the whole complement, `not:` and its sorted patterns.
   */
  readonly actions: readonly string[];
  /** Resource patterns, each hole written `${label}`; `NotResource` as one `not:` entry. */
  readonly resources: readonly string[];
  /** `operator|key` (lower case) to the values tested, sorted. */
  readonly conditions: ReadonlyMap<string, readonly string[]>;
}

/** Every Allow and Deny of the document's policies (statements without a known effect grant nothing). */
export function documentGrants(catalog: Catalog, model: Pick<DocumentModel, 'policies'>): Grant[] {
  return model.policies.flatMap((policy) => policyGrants(catalog, policy));
}

export function policyGrants(catalog: Catalog, policy: Policy): Grant[] {
  const holder = policy.resource?.name ?? '';
  const grants: Grant[] = [];
  for (const statement of policy.statements) {
    if (statement.effect === undefined) continue;
    const text = (name: 'Action' | 'NotAction' | 'Resource' | 'NotResource') =>
      statement
        .values(name)
        .flatMap((item) =>
          item.value !== undefined
            ? [canonicalArn(item.value)]
            : item.resolved.map((r) => resourceText(catalog, r)),
        );
    const not = (values: string[]) => [`not:${[...values].sort().join(',')}`];
    const notAction = statement.element('NotAction') !== undefined;
    const notResource = statement.element('NotResource') !== undefined;
    const actions = (notAction ? not(text('NotAction')) : text('Action')).map((a) =>
      a.toLowerCase(),
    );
    // Without Resource (a resource-based or trust policy), the resource is the one holding it.
    const resources = notResource
      ? not(text('NotResource'))
      : statement.element('Resource') === undefined
        ? ['*']
        : text('Resource');
    const principal = statement.element('Principal') ?? statement.element('NotPrincipal');
    grants.push({
      holder,
      principals: principal
        ? principalsOf(principal.value, principal.key.value === 'NotPrincipal')
        : [],
      effect: statement.effect,
      actions,
      resources,
      conditions: conditionsOf(statement.element('Condition')?.value),
    });
  }
  return grants;
}

/**
 * A resolved value as text: the ARN of a template resource of a known type written out from its
 * format (`${Bucket.Arn}` is `arn:${AWS::Partition}:s3:::${Bucket}`), other holes as `${label}`.
 */
function resourceText(catalog: Catalog, resolved: Resolved): string {
  const text = resolved.segments
    .map((segment) => {
      if (segment.kind === 'text') return segment.text;
      const source = segment.source;
      const format =
        source.kind === 'resource' && (source.attribute ?? 'Arn') === 'Arn'
          ? arnFormatOf(catalog, source.type, source.attribute === undefined ? 'Ref' : 'Arn')
          : undefined;
      return format && source.kind === 'resource'
        ? templateArnText(format, (variable) => `\${${source.name}.${variable}}`)
        : `\${${segment.label.replace(/^\$\{(.*)\}$/, '$1')}}`;
    })
    .join('');
  return canonicalArn(text);
}

/** The ARN format of what a template resource's `Ref` or `Fn::GetAtt X.Arn` returns, if known. */
function arnFormatOf(catalog: Catalog, cfnType: string, via: 'Arn' | 'Ref'): string | undefined {
  const type = templateArnType(cfnType, via);
  return type && arnFormat(catalog, `${type.service}/${type.type}`);
}

/**
 * A template runs in one partition: `arn:aws:` and `arn:${AWS::Partition}:` name the same
 * resources there, so both are written the second way.
 */
function canonicalArn(text: string): string {
  return text.replace(/^arn:(aws[a-z-]*|\$\{AWS::Partition\}):/, 'arn:${AWS::Partition}:');
}

function principalsOf(node: Node | undefined, not: boolean): string[] {
  const values: string[] = [];
  if (node?.kind === 'object') {
    for (const property of node.properties) {
      for (const item of resolvedItems(property.value)) {
        const value = item.value ?? item.resolved.map((r) => patternText(r)).join('|');
        values.push(value === '*' ? '*' : `${property.key.value}:${value}`);
      }
    }
  } else {
    values.push(canonical(node));
  }
  return not ? [`not:${values.sort().join(',')}`] : values;
}

function conditionsOf(node: Node | undefined): Map<string, readonly string[]> {
  const conditions = new Map<string, readonly string[]>();
  if (node?.kind !== 'object') return conditions;
  for (const operator of node.properties) {
    if (operator.value?.kind !== 'object') {
      conditions.set(`${operator.key.value.toLowerCase()}|`, [canonical(operator.value)]);
      continue;
    }
    for (const key of operator.value.properties) {
      const values =
        key.value?.kind === 'array' ? key.value.items.map(canonical) : [canonical(key.value)];
      conditions.set(`${operator.key.value}|${key.key.value}`.toLowerCase(), values.sort());
    }
  }
  return conditions;
}

/** A value as text that two equal values share, whatever their spelling (JSON or YAML). */
function canonical(node: Node | undefined): string {
  if (node === undefined) return '';
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
    case 'boolean':
    case 'null':
      return String(node.value);
    case 'array':
      return `[${node.items.map(canonical).join(',')}]`;
    case 'object':
      return `{${node.properties.map((p) => `${p.key.value}:${canonical(p.value)}`).join(',')}}`;
  }
}

/** One way `head` gives more access than `base`: a grant it adds, or a denial it drops. */
export interface AddedAccess {
  readonly kind: 'grant' | 'denial';
  /** The Allow of `head` that `base` does not cover, or the Deny of `base` that `head` drops. */
  readonly grant: Grant;
  readonly action: string;
  readonly resource: string;
}

/**
 * What `head` grants that `base` does not: each Allow of `head` (action by action, resource by
 * resource) that no Allow of `base` covers, and each Deny of `base` that no Deny of `head` covers.
 */
export function addedAccess(
  catalog: Catalog,
  base: readonly Grant[],
  head: readonly Grant[],
): AddedAccess[] {
  const added: AddedAccess[] = [];
  const allows = (grants: readonly Grant[]) => grants.filter((g) => g.effect === 'Allow');
  const denies = (grants: readonly Grant[]) => grants.filter((g) => g.effect === 'Deny');
  const compare = (kind: AddedAccess['kind'], from: readonly Grant[], by: readonly Grant[]) => {
    for (const grant of from) {
      for (const action of grant.actions) {
        for (const resource of grant.resources) {
          if (!covered(catalog, grant, action, resource, by))
            added.push({ kind, grant, action, resource });
        }
      }
    }
  };
  compare('grant', allows(head), allows(base));
  compare('denial', denies(base), denies(head));
  return added;
}

/**
 * Whether some grant of `by` contains `action` on `resource` as `grant` has it: same holder, every
 * principal of `grant` among its principals, and conditions no stronger than `grant`'s. An action
 * pattern no single grant contains is covered when each catalog action it matches is.
 */
function covered(
  catalog: Catalog,
  grant: Grant,
  action: string,
  resource: string,
  by: readonly Grant[],
): boolean {
  const candidates = by.filter(
    (b) =>
      b.holder === grant.holder &&
      principalsCovered(grant.principals, b.principals) &&
      conditionsNoStronger(b.conditions, grant.conditions) &&
      b.resources.some((r) => patternContains(r, resource)),
  );
  const containsAction = (a: string) =>
    candidates.some((b) => b.actions.some((pattern) => patternContains(pattern, a)));
  if (containsAction(action)) return true;
  if (!hasWildcard(action) || action.startsWith('not:')) return false;
  const matches = catalog.match(action);
  return (
    matches.length > 0 &&
    matches.every((m) => containsAction(`${m.service.prefix}:${m.name}`.toLowerCase()))
  );
}

/**
 * Whether a pattern contains another pattern or value: `*` alone contains everything, a pattern
 * with wildcards contains what it matches (another pattern's wildcards taken as characters, which
 * is sound: `s3:*` contains `s3:Get*`), and otherwise they must be equal (ARNs compare exactly,
 * actions were folded already).
 */
function patternContains(pattern: string, value: string): boolean {
  if (pattern === '*' || pattern === value) return true;
  if (pattern.startsWith('not:') || value.startsWith('not:')) return false;
  return hasWildcard(pattern) && globMatches(pattern, value, false);
}

function principalsCovered(principals: readonly string[], by: readonly string[]): boolean {
  if (principals.length === 0 && by.length === 0) return true;
  return principals.every((p) => by.some((b) => b === '*' || b === p));
}

/**
 * Whether the conditions `weaker` are no stronger than `stronger`: each of its tests is also made
 * by `stronger`, with the same operator, and values among the ones it allows (for an operator that
 * excludes values, `...Not...`, the same values).
 */
function conditionsNoStronger(
  weaker: ReadonlyMap<string, readonly string[]>,
  stronger: ReadonlyMap<string, readonly string[]>,
): boolean {
  for (const [test, values] of weaker) {
    const other = stronger.get(test);
    if (other === undefined) return false;
    const excludes = /not/i.test(test.split('|')[0] ?? '');
    if (excludes ? !sameValues(values, other) : !other.every((v) => values.includes(v)))
      return false;
  }
  return true;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
