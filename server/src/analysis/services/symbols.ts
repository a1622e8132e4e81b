/**
 * Document symbols (the outline): a policy's statements by `Sid`; a template's resources by
 * logical id, with their embedded policies' statements as children; pipelines from the
 * pipeline service.
 */
import type { Analysis } from '../analyze';
import { getValue, pathOf, type ObjectNode, type Range } from '../document';
import type { Policy, Statement, TemplateResource } from '../model';
import { pipelineSymbols, type PipelineSymbol } from './pipeline-symbols';

export type SymbolKind = 'policy' | 'statement' | 'resource' | 'pipeline' | 'stage' | 'action';

/** One outline entry, free of LSP types. */
export interface DocumentSymbol extends Range {
  readonly name: string;
  readonly detail?: string;
  readonly kind: SymbolKind;
  /** What the editor selects and reveals: the name's node; inside the symbol's range. */
  readonly selection: Range;
  readonly children: readonly DocumentSymbol[];
}

/** How many actions a statement's detail names before it says "+N". */
const ACTIONS_SHOWN = 3;

/** The outline of an analysed document. Never throws. */
export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  try {
    const { model } = analysis;
    switch (model.kind) {
      case 'iam-policy':
        return model.policies.flatMap((policy) => statementSymbols(policy));
      case 'cloudformation':
        return templateSymbols(analysis);
      case 'codepipeline':
        return pipelineOutline(analysis);
      default:
        return [];
    }
  } catch {
    // An outline bug must not break the editor: show none.
    return [];
  }
}

function templateSymbols(analysis: Analysis): DocumentSymbol[] {
  const { template, policies } = analysis.model;
  if (!template) return [];
  const byResource = new Map<string, Policy[]>();
  for (const policy of policies) {
    const name = policy.resource?.name;
    if (name === undefined) continue;
    const list = byResource.get(name) ?? [];
    list.push(policy);
    byResource.set(name, list);
  }
  const pipelines = pipelineOutline(analysis);
  return [...template.resources.values()].map((resource) =>
    resourceSymbol(resource, byResource.get(resource.name) ?? [], pipelines),
  );
}

function resourceSymbol(
  resource: TemplateResource,
  policies: readonly Policy[],
  pipelines: readonly DocumentSymbol[],
): DocumentSymbol {
  const property = resource.node.property;
  const range = property ?? resource.node;
  const children: DocumentSymbol[] =
    policies.length === 1 && policies[0]
      ? statementSymbols(policies[0])
      : policies.map((policy) => policySymbol(policy, resource));
  for (const pipeline of pipelines) {
    if (pipeline.start < range.start || pipeline.end > range.end) continue;
    // A pipeline resource is its declaration: its stages hang from the resource directly.
    const same = pipeline.start === range.start;
    children.push(...(same ? pipeline.children : [pipeline]));
  }
  return {
    name: resource.name,
    detail: resource.type,
    kind: 'resource',
    start: range.start,
    end: range.end,
    selection: property ? property.key : resource.node,
    children,
  };
}

/** One of several policies of a resource, named by `PolicyName` or by where it sits. */
function policySymbol(policy: Policy, resource: TemplateResource): DocumentSymbol {
  const holder = policy.node.parent;
  const policyName = holder?.kind === 'object' ? getValue(holder, 'PolicyName') : undefined;
  const path = pathOf(policy.node);
  const propertiesAt = path.indexOf('Properties');
  const where = formatPath(propertiesAt >= 0 ? path.slice(propertiesAt + 1) : path);
  const range = policy.node.property ?? policy.node;
  return {
    name: policyName?.kind === 'string' ? policyName.value : where || resource.name,
    detail: policyName?.kind === 'string' ? where : undefined,
    kind: 'policy',
    start: range.start,
    end: range.end,
    selection: policy.node.property?.key ?? policy.node,
    children: statementSymbols(policy),
  };
}

function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

function statementSymbols(policy: Policy): DocumentSymbol[] {
  return policy.statements.map((statement, index) => statementSymbol(statement, index));
}

function statementSymbol(statement: Statement, index: number): DocumentSymbol {
  const sid = statement.element('Sid')?.value;
  const named = sid?.kind === 'string' && sid.value !== '';
  return {
    name: named ? sid.value : `Statement ${index + 1}`,
    detail: statementDetail(statement),
    kind: 'statement',
    start: statement.node.start,
    end: statement.node.end,
    selection: named ? sid : selectionOf(statement.node),
    children: [],
  };
}

/** `Allow · s3:GetObject, s3:PutObject +2`, or `Deny · NotAction iam:*`. */
function statementDetail(statement: Statement): string {
  const effect = statement.effect ?? 'Effect?';
  const element = statement.element('Action')
    ? 'Action'
    : statement.element('NotAction')
      ? 'NotAction'
      : undefined;
  if (!element) return effect;
  const values = statement.values(element);
  const names = values.map((v) => v.value ?? '(unresolved)');
  const shown = names.slice(0, ACTIONS_SHOWN).join(', ');
  const more = names.length > ACTIONS_SHOWN ? ` +${names.length - ACTIONS_SHOWN}` : '';
  return `${effect} · ${element === 'NotAction' ? 'NotAction ' : ''}${shown}${more}`;
}

/** A statement without `Sid` selects its first key, or its first character when it has none. */
function selectionOf(node: ObjectNode): Range {
  return node.properties[0]?.key ?? { start: node.start, end: Math.min(node.end, node.start + 1) };
}

/** The pipelines' outline (pipeline → stages → actions), from the pipeline service. */
function pipelineOutline(analysis: Analysis): DocumentSymbol[] {
  return pipelineSymbols(analysis.model).map(fromPipelineSymbol);
}

function fromPipelineSymbol(symbol: PipelineSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: symbol.kind,
    start: symbol.range.start,
    end: symbol.range.end,
    selection: symbol.selectionRange,
    children: symbol.children.map(fromPipelineSymbol),
  };
}
