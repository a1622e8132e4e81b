/**
 * Completion and document symbols over LSP: the engine's plain items converted to protocol types.
 * Both handlers are guarded, so a bug answers with nothing instead of an error.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  SymbolKind,
  type CompletionItem,
  type CompletionList,
  type Connection,
  type DocumentSymbol,
  type SymbolInformation,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  completion,
  documentSymbols,
  type Catalog,
  type CompletionItem as EngineItem,
  type CompletionKind,
  type DocumentSymbol as EngineSymbol,
  type LineIndex,
  type SymbolKind as EngineSymbolKind,
} from '../analysis';
import type { AnalysisCache } from './analysis-cache';
import type { ClientFeatures } from './capabilities';
import { toLspRange } from './convert';
import { guard } from './guard';

/** What the handlers need from the server; getters, since the catalog and features come later. */
export interface LanguageFeatureHost {
  readonly documents: TextDocuments<TextDocument>;
  readonly cache: AnalysisCache;
  readonly catalog: () => Catalog | undefined;
  readonly features: () => ClientFeatures;
}

/** Registers `textDocument/completion` and `textDocument/documentSymbol`. */
export function registerLanguageFeatures(connection: Connection, host: LanguageFeatureHost): void {
  const { console } = connection;
  const empty: CompletionList = { isIncomplete: false, items: [] };

  connection.onCompletion(
    guard(console, 'completion', empty, async (params): Promise<CompletionList> => {
      const document = host.documents.get(params.textDocument.uri);
      const catalog = host.catalog();
      if (!document || !catalog) return empty;
      const result = await host.cache.get(document);
      // The user may have typed on while the analysis was computed: its offsets would be wrong.
      if (host.documents.get(params.textDocument.uri)?.version !== result.version) {
        return { isIncomplete: true, items: [] };
      }
      const found = completion(result.analysis, catalog, result.lines.offsetAt(params.position));
      if (!found) return empty;
      const range = toLspRange(result.lines, found);
      const snippets = host.features().snippets;
      return {
        isIncomplete: found.isIncomplete,
        items: found.items.map((item) =>
          toLspItem(item, item.range ? toLspRange(result.lines, item.range) : range, snippets),
        ),
      };
    }),
  );

  connection.onDocumentSymbol(
    guard(
      console,
      'documentSymbol',
      [] as DocumentSymbol[] | SymbolInformation[],
      async (params): Promise<DocumentSymbol[] | SymbolInformation[]> => {
        const document = host.documents.get(params.textDocument.uri);
        if (!document) return [];
        const result = await host.cache.get(document);
        const symbols = documentSymbols(result.analysis);
        if (host.features().hierarchicalSymbols) {
          return symbols.map((symbol) => toLspSymbol(symbol, result.lines));
        }
        return flatten(symbols, result.lines, params.textDocument.uri);
      },
    ),
  );
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
