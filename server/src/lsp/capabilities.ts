import {
  CodeActionKind,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { FIX_ALL_KIND } from './protocol';

/** What the server relies on the client for, read once from `initialize`. */
export interface ClientFeatures {
  /** `textDocument/diagnostic`: the client pulls, so the server does not push. */
  readonly pullDiagnostics: boolean;
  /** `workspace/diagnostic/refresh`: the client re-pulls when asked (after a settings change). */
  readonly diagnosticRefresh: boolean;
  /** `workspace/configuration`: settings are requested per document. */
  readonly configuration: boolean;
  readonly registerConfigurationChanges: boolean;
  readonly registerWatchedFiles: boolean;
  readonly documentChanges: boolean;
  /** `codeAction/resolve` may fill in a code action's `edit`, so "fix all" is computed on demand. */
  readonly resolveCodeActionEdits: boolean;
  /** Completion items may be snippets with tab stops. */
  readonly snippets: boolean;
  /** `textDocument/documentSymbol` may answer with a tree rather than a flat list. */
  readonly hierarchicalSymbols: boolean;
}

export function clientFeatures(capabilities: ClientCapabilities): ClientFeatures {
  return {
    pullDiagnostics: capabilities.textDocument?.diagnostic !== undefined,
    diagnosticRefresh: capabilities.workspace?.diagnostics?.refreshSupport === true,
    configuration: capabilities.workspace?.configuration === true,
    registerConfigurationChanges:
      capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    registerWatchedFiles:
      capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    resolveCodeActionEdits:
      capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true,
    snippets: capabilities.textDocument?.completion?.completionItem?.snippetSupport === true,
    hierarchicalSymbols:
      capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
  };
}

/** The server's side of `initialize`. */
export const SERVER_CAPABILITIES: ServerCapabilities = {
  textDocumentSync: {
    openClose: true,
    change: TextDocumentSyncKind.Incremental,
    // Saving a `.scopewise.json` re-reads configs in clients that do not watch files.
    save: { includeText: false },
  },
  hoverProvider: true,
  // `:` after a service prefix lists its actions; a quote opens a key or value to fill in.
  completionProvider: { triggerCharacters: [':', '"', "'"], resolveProvider: false },
  documentSymbolProvider: { label: 'Scopewise' },
  codeActionProvider: {
    codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND],
    // "Fix all" analyses the document again after each pass: only when chosen, where possible.
    resolveProvider: true,
  },
  diagnosticProvider: {
    identifier: 'scopewise',
    interFileDependencies: false,
    workspaceDiagnostics: false,
  },
};
