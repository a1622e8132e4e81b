/**
 * Hover, completion and document symbols of one analysis, converted to protocol types. They run
 * where the analysis is held, in an analysis worker (analysis-worker.ts).
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  SymbolKind,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type Hover,
  type Position,
  type SymbolInformation,
} from 'vscode-languageserver';
import {
  completion,
  documentSymbols,
  hover,
  type Catalog,
  type CompletionItem as EngineItem,
  type CompletionKind,
  type DocumentSymbol as EngineSymbol,
  type LineIndex,
  type SymbolKind as EngineSymbolKind,
} from '../analysis';
import { toLspRange } from './convert';
import type { DocumentAnalysis } from './document-analysis';

export const EMPTY_COMPLETION: CompletionList = { isIncomplete: false, items: [] };

export function hoverAt(
  result: DocumentAnalysis,
  catalog: Catalog,
  position: Position,
): Hover | null {
  const found = hover(result.analysis, catalog, result.lines.offsetAt(position));
  if (!found) return null;
  return {
    contents: { kind: 'markdown', value: found.contents },
    range: {
      start: result.lines.positionAt(found.start),
      end: result.lines.positionAt(found.end),
    },
  };
}

export function completionAt(
  result: DocumentAnalysis,
  catalog: Catalog,
  position: Position,
  snippets: boolean,
): CompletionList {
  const found = completion(result.analysis, catalog, result.lines.offsetAt(position));
  if (!found) return EMPTY_COMPLETION;
  const range = toLspRange(result.lines, found);
  return {
    isIncomplete: found.isIncomplete,
    items: found.items.map((item) =>
      toLspItem(item, item.range ? toLspRange(result.lines, item.range) : range, snippets),
    ),
  };
}

/** The outline: a tree, or flat `SymbolInformation` for clients without hierarchical symbols. */
export function symbolsOf(
  result: DocumentAnalysis,
  hierarchical: boolean,
): DocumentSymbol[] | SymbolInformation[] {
  const symbols = documentSymbols(result.analysis);
  if (hierarchical) return symbols.map((symbol) => toLspSymbol(symbol, result.lines));
  return flatten(symbols, result.lines, result.uri);
}

const ITEM_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  service: CompletionItemKind.Module,
  action: CompletionItemKind.Function,
  pattern: CompletionItemKind.Constant,
  element: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  operator: CompletionItemKind.Operator,
  conditionKey: CompletionItemKind.Field,
  arn: CompletionItemKind.Reference,
  provider: CompletionItemKind.Class,
  configKey: CompletionItemKind.Property,
};

function toLspItem(
  item: EngineItem,
  range: ReturnType<typeof toLspRange>,
  snippets: boolean,
): CompletionItem {
  const snippet = snippets && item.snippet !== undefined;
  return {
    label: item.label,
    kind: ITEM_KINDS[item.kind],
    detail: item.detail,
    documentation: item.documentation ? { kind: 'markdown', value: item.documentation } : undefined,
    sortText: item.sortText,
    // Editors filter on what was typed in the range; an ARN's label has `${Partition}` where
    // the user types `aws`, so filter on the text that will be inserted.
    filterText: item.insertText !== item.label ? item.insertText : undefined,
    insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: { range, newText: snippet ? (item.snippet ?? item.insertText) : item.insertText },
  };
}

const SYMBOL_KINDS: Readonly<Record<EngineSymbolKind, SymbolKind>> = {
  policy: SymbolKind.Namespace,
  statement: SymbolKind.Struct,
  resource: SymbolKind.Class,
  pipeline: SymbolKind.Module,
  stage: SymbolKind.Package,
  action: SymbolKind.Function,
};

function toLspSymbol(symbol: EngineSymbol, lines: LineIndex): DocumentSymbol {
  return {
    name: symbol.name || '(unnamed)',
    detail: symbol.detail,
    kind: SYMBOL_KINDS[symbol.kind],
    range: toLspRange(lines, symbol),
    selectionRange: toLspRange(lines, symbol.selection),
    children: symbol.children.map((child) => toLspSymbol(child, lines)),
  };
}

/** For clients without hierarchical symbols: every symbol, with its parent as container. */
function flatten(
  symbols: readonly EngineSymbol[],
  lines: LineIndex,
  uri: string,
  container?: string,
): SymbolInformation[] {
  return symbols.flatMap((symbol) => [
    {
      name: symbol.name || '(unnamed)',
      kind: SYMBOL_KINDS[symbol.kind],
      location: { uri, range: toLspRange(lines, symbol) },
      containerName: container,
    },
    ...flatten(symbol.children, lines, uri, symbol.name),
  ]);
}
