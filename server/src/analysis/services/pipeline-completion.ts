/**
 * Completion data for CodePipeline actions: category, owner and provider values inside an action
 * type, and the configuration keys of the action's provider. The LSP layer turns the items into
 * `CompletionItem`s; this module only says what fits where, and what text to put there.
 */
import { nodeAt, type Node, type ObjectNode, type ParsedDocument, type Range } from '../document';
import type { DocumentModel } from '../model';
import { ACTION_TYPES, actionTypesFor, type ActionType } from '../pipeline/action-types';
import {
  actionTypeHover,
  configKeyHover,
  either,
  keyProperty,
  literalChoices,
  placeOf,
  typeOf,
} from './hover-pipeline';

export type PipelineCompletionKind = 'provider' | 'configKey' | 'category' | 'owner';

export interface PipelineCompletionItem {
  readonly label: string;
  readonly kind: PipelineCompletionKind;
  /** One line shown next to the label (`required · CodeBuild`, `Build · AWS`). */
  readonly detail: string;
  /** Markdown. */
  readonly documentation: string;
  /** The text that replaces `range`, quoted and punctuated for the document's format. */
  readonly insertText: string;
  /** The UTF-16 range the item replaces; empty (start = end) to insert at the cursor. */
  readonly range: Range;
  /** Keeps the intended order (required keys first, then the table's order). */
  readonly sortText: string;
}

const CATEGORIES: readonly { name: string; about: string }[] = [
  { name: 'Source', about: 'Fetches the code or object the pipeline runs on; first stage only.' },
  { name: 'Build', about: 'Builds the input artifacts into new ones.' },
  { name: 'Test', about: 'Runs tests on the input artifacts.' },
  { name: 'Deploy', about: 'Deploys the input artifacts to a service.' },
  { name: 'Approval', about: 'Waits for a person to approve or reject.' },
  { name: 'Invoke', about: 'Calls a function or workflow (Lambda, Step Functions, ...).' },
  { name: 'Compute', about: 'Runs commands on compute that CodePipeline manages (V2 pipelines).' },
];
const OWNERS: readonly { name: string; about: string }[] = [
  { name: 'AWS', about: 'An action type that AWS provides.' },
  { name: 'ThirdParty', about: 'A partner action type, such as the GitHub version 1 source.' },
  { name: 'Custom', about: 'A custom action type registered in your account.' },
];
const TYPE_FIELDS: readonly PipelineCompletionKind[] = ['category', 'owner', 'provider'];

/** Where the cursor is: a value of the action type, or a key of the configuration. */
type Slot =
  | {
      readonly kind: 'category' | 'owner' | 'provider';
      readonly typeId: ObjectNode;
      readonly range: Range;
      readonly quote: boolean;
    }
  | {
      readonly kind: 'configKey';
      readonly type: ActionType;
      readonly present: ReadonlySet<string>;
      readonly range: Range;
      readonly wrap: (name: string) => string;
    };

/**
 * Completions at a UTF-16 offset: providers for the action's category and owner, category and
 * owner values, or the configuration keys of the action's provider not yet present (required
 * first). Empty anywhere else. Never throws.
 */
export function pipelineCompletions(
  document: ParsedDocument,
  model: DocumentModel,
  offset: number,
): PipelineCompletionItem[] {
  if (model.pipelines.length === 0) return [];
  const slot = slotAt(document, model, offset);
  if (slot === undefined) return [];
  if (slot.kind === 'configKey') return configKeyItems(slot);
  const items = slot.kind === 'provider' ? providerItems(slot.typeId) : enumItems(slot.kind);
  return items.map((item, index) => ({
    ...item,
    insertText: slot.quote ? JSON.stringify(item.label) : item.label,
    range: slot.range,
    sortText: pad(index),
  }));
}

type Draft = Omit<PipelineCompletionItem, 'insertText' | 'range' | 'sortText'>;

function enumItems(kind: 'category' | 'owner'): Draft[] {
  const values = kind === 'category' ? CATEGORIES : OWNERS;
  return values.map(({ name, about }) => ({
    label: name,
    kind,
    detail: kind === 'category' ? 'action category' : 'action owner',
    documentation: kind === 'category' ? `${about}\n\n${providerLine(name)}` : about,
  }));
}

function providerLine(category: string): string {
  const names = [...new Set(actionTypesFor(category).map((t) => t.provider))];
  return names.length > 0 ? `Providers: ${names.map((n) => `\`${n}\``).join(', ')}.` : '';
}

/** Providers of the action's literal category and owner; all of them when those are unknown. */
function providerItems(typeId: ObjectNode): Draft[] {
  const literal = (camel: string) => {
    const node = either(typeId, camel);
    return node?.kind === 'string' ? node.value : undefined;
  };
  const category = literal('category');
  const owner = literal('owner');
  // A half-typed or wrong category or owner must not empty the list: drop the filter instead.
  let types = actionTypesFor(category, owner);
  if (types.length === 0) types = actionTypesFor(category);
  if (types.length === 0) types = actionTypesFor(undefined, owner);
  if (types.length === 0) types = [...ACTION_TYPES];
  const byProvider = new Map<string, ActionType[]>();
  for (const type of types)
    byProvider.set(type.provider, [...(byProvider.get(type.provider) ?? []), type]);
  return [...byProvider].map(([provider, same]) => ({
    label: provider,
    kind: 'provider' as const,
    detail: `${same.map((t) => t.category).join(', ')} · ${[...new Set(same.flatMap((t) => t.owners))].join(', ')}`,
    documentation: actionTypeHover(same[0] as ActionType),
  }));
}

function configKeyItems(slot: Extract<Slot, { kind: 'configKey' }>): PipelineCompletionItem[] {
  const keys = slot.type.configuration.filter((key) => !slot.present.has(key.name));
  const ordered = [...keys.filter((k) => k.required), ...keys.filter((k) => !k.required)];
  return ordered.map((key, index) => ({
    label: key.name,
    kind: 'configKey',
    detail: `${key.required ? 'required' : 'optional'}${key.secret ? ', secret' : ''} · ${slot.type.provider}`,
    documentation: configKeyHover(slot.type, key),
    insertText: slot.wrap(key.name),
    range: slot.range,
    sortText: pad(index),
  }));
}

function slotAt(document: ParsedDocument, model: DocumentModel, offset: number): Slot | undefined {
  const node = nodeAt(document.root, offset);
  const json = document.format === 'json';
  if (node !== undefined) {
    const fromNode = slotOfNode(document, model, node, offset);
    if (fromNode) return fromNode;
  }
  return json ? undefined : yamlBlankLineSlot(document, model, offset);
}

function slotOfNode(
  document: ParsedDocument,
  model: DocumentModel,
  node: Node,
  offset: number,
): Slot | undefined {
  const { text } = document;
  const json = document.format === 'json';
  const property = keyProperty(node);
  const parent = node.parent;
  // A value of the action type: `"provider": "|"`, `Provider: |`, `Provider: Code|`.
  if (
    (node.kind === 'string' || node.kind === 'null') &&
    property === undefined &&
    node.property !== undefined &&
    parent?.kind === 'object'
  ) {
    const field = fieldOf(node.property.key.value);
    if (field !== undefined && placeOf(model, parent)?.typeId === parent) {
      const quoted = node.kind === 'string' && /^["']/.test(text.charAt(node.start));
      const range = quoted
        ? { start: node.start + 1, end: Math.max(node.start + 1, node.end - 1) }
        : node.kind === 'null'
          ? { start: offset, end: offset }
          : node;
      return { kind: field, typeId: parent, range, quote: false };
    }
  }
  // A key being typed in the configuration: `"Pr|"`, `Pr|`.
  if (property !== undefined) {
    const place = placeOf(model, property.parent);
    const type = typeOf(place?.typeId);
    if (place?.configuration !== property.parent || type === undefined) return undefined;
    const present = presentKeys(property.parent, node);
    const hasColon = /^\s*:/.test(text.slice(node.end));
    return {
      kind: 'configKey',
      type,
      present,
      range: node,
      wrap: (name) =>
        json
          ? hasColon
            ? JSON.stringify(name)
            : `${JSON.stringify(name)}: ""`
          : hasColon
            ? name
            : `${name}: `,
    };
  }
  if (!json && node.kind === 'string' && !node.quoted) {
    // YAML: the first key typed under `Configuration:` is still a plain scalar, not a mapping.
    const slot = lonePlainKey(model, node);
    if (slot) return slot;
  }
  if (node.kind !== 'object') return undefined;
  // The cursor between the keys of an object.
  const place = placeOf(model, node);
  if (place?.configuration === node) {
    const type = typeOf(place.typeId);
    if (type === undefined) return undefined;
    return {
      kind: 'configKey',
      type,
      present: presentKeys(node),
      range: { start: offset, end: offset },
      wrap: json ? (name) => jsonMember(text, offset, name) : (name) => `${name}: `,
    };
  }
  if (place?.typeId === node && json) {
    // `"provider": |` with no value yet: the property has a key and a colon but no node.
    const open = node.properties.find(
      (p) =>
        p.value === undefined &&
        p.key.end <= offset &&
        /^\s*:\s*$/.test(text.slice(p.key.end, offset)),
    );
    const field = open && fieldOf(open.key.value);
    if (field)
      return { kind: field, typeId: node, range: { start: offset, end: offset }, quote: true };
  }
  return undefined;
}

/**
 * Whitespace and whole comment lines only. A comment runs to the end of its line (`(?![^\n])`),
 * so the two alternatives never share text: `(\s|#[^\n]*)*` could split `# # # …` every which
 * way, and a comment line of 22 `# ` took five minutes to reject.
 */
const BLANK_OR_COMMENTS = /^(?:\s|#[^\n]*(?![^\n]))*$/;

/**
 * YAML: a blank line where a configuration key goes. The mapping's range ends at its last
 * key, so the tree puts the cursor in the action (or nowhere); the indentation decides.
 */
function yamlBlankLineSlot(
  document: ParsedDocument,
  model: DocumentModel,
  offset: number,
): Slot | undefined {
  const { text } = document;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (!/^[ \t]*$/.test(text.slice(lineStart, offset))) return undefined;
  const column = offset - lineStart;
  const columnOf = (at: number) => at - (text.lastIndexOf('\n', at - 1) + 1);
  const onlyBlank = (from: number) => BLANK_OR_COMMENTS.test(text.slice(from, lineStart));
  for (const pipeline of model.pipelines) {
    for (const stage of pipeline.stages) {
      for (const action of stage.actions) {
        const type = typeOf(literalChoices(action.actionTypeId)[0]);
        if (type === undefined || literalChoices(action.actionTypeId).length !== 1) continue;
        const configuration = action.configuration;
        const slot = (present: ReadonlySet<string>): Slot => ({
          kind: 'configKey',
          type,
          present,
          range: { start: offset, end: offset },
          wrap: (name) => `${name}: `,
        });
        if (configuration?.kind === 'object' && configuration.tag === undefined) {
          const first = configuration.properties[0];
          if (text.charAt(configuration.start) === '{' || first === undefined) continue;
          if (
            columnOf(first.key.start) === column &&
            configuration.start < offset &&
            onlyBlank(configuration.end)
          ) {
            return slot(presentKeys(configuration));
          }
        } else if (configuration === undefined || configuration.kind === 'null') {
          // `Configuration:` with nothing under it yet.
          const key =
            configuration?.property?.key ??
            action.node.properties.find((p) => /^[Cc]onfiguration$/.test(p.key.value))?.key;
          if (key === undefined || columnOf(key.start) >= column) continue;
          const after = text.indexOf(':', key.end) + 1;
          if (
            after > 0 &&
            after <= lineStart &&
            /^[ \t]*\r?\n(?:\s|#[^\n]*(?![^\n]))*$/.test(text.slice(after, lineStart))
          ) {
            return slot(new Set());
          }
        }
      }
    }
  }
  return undefined;
}

function lonePlainKey(model: DocumentModel, node: Node): Slot | undefined {
  for (const pipeline of model.pipelines) {
    for (const stage of pipeline.stages) {
      for (const action of stage.actions) {
        if (action.configuration !== node) continue;
        const typeIds = literalChoices(action.actionTypeId);
        const type = typeIds.length === 1 ? typeOf(typeIds[0]) : undefined;
        if (type === undefined) return undefined;
        return {
          kind: 'configKey',
          type,
          present: new Set(),
          range: node,
          wrap: (name) => `${name}: `,
        };
      }
    }
  }
  return undefined;
}

function fieldOf(key: string): 'category' | 'owner' | 'provider' | undefined {
  const camel = key.charAt(0).toLowerCase() + key.slice(1);
  return TYPE_FIELDS.includes(camel as PipelineCompletionKind) && key.slice(1) === camel.slice(1)
    ? (camel as 'category' | 'owner' | 'provider')
    : undefined;
}

/** The literal keys of a configuration object, without the one being typed. */
function presentKeys(configuration: ObjectNode, typing?: Node): Set<string> {
  return new Set(configuration.properties.filter((p) => p.key !== typing).map((p) => p.key.value));
}

/** A JSON member at the cursor, with the commas its neighbours need. */
function jsonMember(text: string, offset: number, name: string): string {
  const before = text.slice(0, offset).trimEnd();
  const after = text.slice(offset).trimStart();
  const lead = before.endsWith('{') || before.endsWith(',') ? '' : ', ';
  const trail = after.startsWith('"') ? ', ' : '';
  return `${lead}${JSON.stringify(name)}: ""${trail}`;
}

function pad(index: number): string {
  return String(index).padStart(3, '0');
}
