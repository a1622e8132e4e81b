/**
 * Completion for IAM policies, standalone or embedded in templates, in JSON and YAML: statement
 * elements, `Effect` values, actions, ARN formats for `Resource`, condition operators and the
 * condition keys of the statement's actions; CodePipeline completion is delegated to its service.
 */
import type { Analysis } from '../analyze';
import type { Node, ObjectNode, StringNode } from '../document';
import type { Catalog } from '../iam/catalog';
import { allConditionOperators, parseOperator } from '../iam/condition-operators';
import { intrinsicName, STATEMENT_ELEMENTS, type Statement } from '../model';
import { cursorContext, type CursorContext } from './completion-context';
import { actionItems, arnItems, conditionKeyItems } from './completion-iam';
import type { CompletionItem, CompletionResult } from './completion-item';
export type { CompletionItem, CompletionKind, CompletionResult } from './completion-item';
export { MAX_ITEMS } from './completion-item';
import { pipelineCompletions } from './pipeline-completion';

/**
 * Completion at an offset of the analysed document. Never throws; undefined when there is
 * nothing to offer.
 */
export function completion(
  analysis: Analysis,
  catalog: Catalog,
  offset: number,
): CompletionResult | undefined {
  try {
    return complete(analysis, catalog, offset);
  } catch {
    // A completion bug must never cost the user the document: offer nothing.
    return undefined;
  }
}

function complete(
  analysis: Analysis,
  catalog: Catalog,
  offset: number,
): CompletionResult | undefined {
  // Documents of no kind of ours get nothing (and cost no reparse).
  if (analysis.kind === 'unknown') return undefined;
  if (analysis.model.pipelines.length > 0) {
    const pipeline = pipelineResult(analysis, offset);
    if (pipeline) return pipeline;
  }
  const context = cursorContext(analysis.document, analysis.model, offset);
  if (!context) return undefined;
  const found = policyCompletion(context, catalog);
  if (!found) return undefined;
  const quote = context.token.quoted ? '' : context.format === 'json' ? '"' : '';
  const items = quote
    ? found.items.map((item) => ({
        ...item,
        insertText: `${quote}${item.insertText}${quote}`,
        snippet: item.snippet === undefined ? undefined : `${quote}${item.snippet}${quote}`,
      }))
    : found.items;
  return {
    start: context.token.start,
    end: context.token.end,
    items,
    isIncomplete: found.isIncomplete,
  };
}

/** CodePipeline providers, categories, owners and configuration keys, from the pipeline service. */
function pipelineResult(analysis: Analysis, offset: number): CompletionResult | undefined {
  // Editors drop an item whose range does not hold the cursor; so do we, before they log it.
  const items = pipelineCompletions(analysis.document, analysis.model, offset).filter(
    (item) => item.range.start <= offset && offset <= item.range.end,
  );
  const first = items[0];
  if (!first) return undefined;
  return {
    start: first.range.start,
    end: first.range.end,
    isIncomplete: false,
    items: items.map((item) => ({
      label: item.label,
      kind: item.kind === 'provider' || item.kind === 'configKey' ? item.kind : 'value',
      detail: item.detail,
      documentation: item.documentation,
      insertText: item.insertText,
      sortText: item.sortText,
      range: item.range,
    })),
  };
}

interface ItemList {
  readonly items: readonly CompletionItem[];
  readonly isIncomplete: boolean;
}

function list(items: readonly CompletionItem[], isIncomplete = false): ItemList {
  return { items, isIncomplete };
}

/** Dispatches on where the placeholder sits in a policy. */
function policyCompletion(context: CursorContext, catalog: Catalog): ItemList | undefined {
  const { node, isKey, model } = context;
  const typed = context.token.typed;
  // Typing the colon after a YAML key (`Action:`) is not a request for an element name; after a
  // condition key prefix (`s3:`) or a set qualifier (`ForAnyValue:`) it is one for the rest.
  const keyDone = !context.token.quoted && typed.endsWith(':');
  for (const policy of model.policies) {
    if (!contains(policy.node, node)) continue;
    if (isKey && node.parent === policy.node) {
      return keyDone ? undefined : list(policyKeys(policy.node, node));
    }
    if (node.property?.key.value === 'Version' && node.parent === policy.node) {
      return list([
        { label: '2012-10-17', kind: 'value', insertText: '2012-10-17', detail: 'Current' },
      ]);
    }
    const statement = policy.statements.find((s) => contains(s.node, node));
    if (!statement) continue;
    if (isKey && node.parent === statement.node) {
      return keyDone ? undefined : list(elementKeys(statement, node));
    }
    if (node.parent === statement.node && node.property?.key.value === 'Effect') {
      return list(effectValues());
    }
    const element = valueElement(statement, node);
    if (element === 'Action' || element === 'NotAction') {
      return actionItems(catalog, typed, policy.type === 'iot');
    }
    if (element === 'Resource' || element === 'NotResource') {
      return arnItems(catalog, statement, inSub(node));
    }
    const condition = conditionPlace(statement, node, isKey);
    if (condition === 'operator') {
      return keyDone && parseOperator(typed.slice(0, -1)) ? undefined : list(operatorItems());
    }
    if (condition === 'key') return conditionKeyItems(catalog, statement);
    return undefined;
  }
  return undefined;
}

function contains(ancestor: Node, node: Node): boolean {
  for (let current: Node | undefined = node; current; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}

/** The element whose value (or one of its list items or `Fn::If` branches) the node is. */
function valueElement(statement: Statement, node: StringNode): string | undefined {
  const target = subHolder(node) ?? node;
  for (const name of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    if (statement.values(name).some((v) => v.node === target)) return name;
  }
  return undefined;
}

/** The `Fn::Sub` object a string is the template of (`!Sub '...'` or `{"Fn::Sub": "..."}`). */
function subHolder(node: StringNode): ObjectNode | undefined {
  const parent = node.parent;
  if (parent?.kind === 'object' && intrinsicName(parent) === 'Fn::Sub') return parent;
  // The list form: `Fn::Sub: [template, {vars}]`.
  const args = parent?.kind === 'array' ? parent : undefined;
  const holder = args?.parent;
  if (args?.items[0] === node && holder?.kind === 'object' && intrinsicName(holder) === 'Fn::Sub') {
    return holder;
  }
  return undefined;
}

function inSub(node: StringNode): boolean {
  return subHolder(node) !== undefined;
}

/**
 * Whether the node is a condition operator being typed (a key of `Condition`) or a condition key
 * (a key of an operator). In YAML a lone word on the line under `Condition:` parses as its value,
 * so a string value stands for a key being typed too.
 */
function conditionPlace(
  statement: Statement,
  node: StringNode,
  isKey: boolean,
): 'operator' | 'key' | undefined {
  const condition = statement.element('Condition')?.value;
  if (!condition) return undefined;
  if (!isKey && node.property && node.parent === statement.node && condition === node) {
    return 'operator';
  }
  if (condition.kind !== 'object') return undefined;
  if (isKey && node.parent === condition) return 'operator';
  const operator = node.parent;
  if (operator?.kind !== 'object') {
    return undefined;
  }
  if (isKey && operator.parent === condition) return 'key';
  if (!isKey && node.parent === condition && node.property) return 'key';
  return undefined;
}

const ELEMENT_DETAIL: ReadonlyMap<string, string> = new Map([
  ['Sid', 'Statement id'],
  ['Effect', 'Allow or Deny'],
  ['Principal', 'Who the statement applies to (resource and trust policies)'],
  ['NotPrincipal', 'Everyone except these principals'],
  ['Action', 'Actions the statement covers'],
  ['NotAction', 'Every action except these'],
  ['Resource', 'Resources the statement covers'],
  ['NotResource', 'Every resource except these'],
  ['Condition', 'When the statement applies'],
]);

function elementKeys(statement: Statement, current: StringNode): CompletionItem[] {
  const present = new Set(
    statement.node.properties.filter((p) => p.key !== current).map((p) => p.key.value),
  );
  return STATEMENT_ELEMENTS.filter((name) => !present.has(name)).map((name, index) => ({
    label: name,
    kind: 'element',
    detail: ELEMENT_DETAIL.get(name),
    insertText: name,
    sortText: String(index).padStart(2, '0'),
  }));
}

function policyKeys(policy: ObjectNode, current: StringNode): CompletionItem[] {
  const present = new Set(
    policy.properties.filter((p) => p.key !== current).map((p) => p.key.value),
  );
  return ['Version', 'Id', 'Statement']
    .filter((name) => !present.has(name))
    .map((name) => ({ label: name, kind: 'element', insertText: name }));
}

function effectValues(): CompletionItem[] {
  return [
    { label: 'Allow', kind: 'value', insertText: 'Allow', detail: 'Grant the actions' },
    {
      label: 'Deny',
      kind: 'value',
      insertText: 'Deny',
      detail: 'Refuse the actions, over any Allow',
    },
  ];
}

let operators: CompletionItem[] | undefined;

/** Every operator, the plain ones first, then `IfExists`, then the set qualifiers. */
function operatorItems(): CompletionItem[] {
  operators ??= allConditionOperators().map((name) => {
    const parsed = parseOperator(name);
    const rank = (parsed?.qualifier ? 2 : 0) + (parsed?.ifExists ? 1 : 0);
    const notes: string[] = [];
    if (parsed?.ifExists) notes.push('Also true when the key is absent from the request.');
    if (parsed?.qualifier === 'ForAnyValue') {
      notes.push('For multivalued keys: true when at least one request value matches.');
    }
    if (parsed?.qualifier === 'ForAllValues') {
      notes.push(
        'For multivalued keys: true when every request value matches (and when there are none).',
      );
    }
    return {
      label: name,
      kind: 'operator',
      detail: `${parsed?.family ?? ''} condition operator`,
      documentation: notes.length > 0 ? notes.join(' ') : undefined,
      insertText: name,
      sortText: `${rank}${name}`,
    } satisfies CompletionItem;
  });
  return operators;
}
