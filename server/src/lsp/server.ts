import { join } from 'node:path';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  type InitializeError,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  type CompletionList,
  type Connection,
  type DocumentDiagnosticReport,
  type DocumentSymbol,
  type Hover,
  type InitializeResult,
  type SymbolInformation,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dataDirectory } from '../node/catalog-files';
import { CONFIG_FILE_NAME } from '../node/config';
import { AnalysisPool, type PoolOptions } from './analysis-pool';
import { clientFeatures, SERVER_CAPABILITIES, type ClientFeatures } from './capabilities';
import { ConfigDiagnostics } from './config-diagnostics';
import { KnownKinds, snapshotOf } from './document-analysis';
import { guard, guardEvent } from './guard';
import { EMPTY_COMPLETION } from './language-features';
import { documentStatusNotification } from './protocol';
import { DiagnosticsPublisher } from './push-diagnostics';
import { SETTINGS_SECTION, SettingsProvider } from './settings';
import { SCAN_CAPABILITIES, WorkspaceScan } from './workspace-scan';

export interface ServerOptions {
  /** Reported in `serverInfo`. */
  readonly version: string;
  /** Pause after a change before diagnostics are pushed. */
  readonly debounceMs?: number;
  /** The analysis workers; by default `analysis-worker.js` beside the bundle. */
  readonly workers?: Partial<PoolOptions>;
}

/**
 * Wires the Scopewise features to a connection, whatever its transport. The engine runs in
 * analysis workers (analysis-pool.ts), which load the catalog as they start, before `initialize`
 * comes; this thread only checks that the data is there.
 */
export function startServer(connection: Connection, options: ServerOptions): void {
  const { console } = connection;
  let catalogProblem: string | undefined;
  try {
    dataDirectory();
  } catch (error) {
    catalogProblem = error instanceof Error ? error.message : String(error);
  }

  const documents = new TextDocuments(TextDocument);
  let features: ClientFeatures = clientFeatures({});
  const configDiagnostics = new ConfigDiagnostics(connection);
  const onConfigError = configDiagnostics.report.bind(configDiagnostics);
  const settings = new SettingsProvider(connection, () => features.configuration, onConfigError);
  const knownKinds = new KnownKinds();

  const pool = new AnalysisPool(
    {
      prepare: async (snapshot) => ({
        snapshot,
        settings: await settings.forDocument(snapshot.uri),
        explicit: knownKinds.wasOurs(snapshot.uri),
      }),
      analysed: (key, summary) => {
        for (const problem of summary.internalErrors) {
          console.error(`A rule failed on ${key.uri}: ${problem}`);
        }
        if (!documents.get(key.uri)) return;
        knownKinds.record(key.uri, summary.kind, summary.problems);
        void connection.sendNotification(documentStatusNotification, {
          uri: key.uri,
          kind: summary.kind,
          version: key.version,
          findings: summary.findings,
        });
      },
      log: (message) => console.error(message),
    },
    { script: join(__dirname, 'analysis-worker.js'), ...options.workers },
  );
  const publisher = new DiagnosticsPublisher(
    connection,
    documents,
    (document) => pool.request(snapshotOf(document), { kind: 'diagnostics' }),
    options.debounceMs,
  );
  const scan = new WorkspaceScan({
    connection,
    documents,
    diagnose: (snapshot) => pool.request(snapshot, { kind: 'diagnostics' }, false),
    settings,
    onConfigError,
  });

  /** Settings or config files changed: analyse every open document again. */
  const refreshAll = () => {
    pool.invalidateAll();
    if (!features.pullDiagnostics) publisher.scheduleAll();
    else if (features.diagnosticRefresh) connection.languages.diagnostics.refresh();
  };

  connection.onInitialize((params): InitializeResult | ResponseError<InitializeError> => {
    if (catalogProblem) {
      return new ResponseError(ErrorCodes.InternalError, catalogProblem, {
        retry: false,
      });
    }
    features = clientFeatures(params.capabilities ?? {});
    scan.initialize(params);
    return {
      capabilities: { ...SERVER_CAPABILITIES, ...SCAN_CAPABILITIES },
      serverInfo: { name: 'scopewise', version: options.version },
    };
  });

  connection.onInitialized(
    guardEvent(console, 'initialized', async () => {
      if (features.registerConfigurationChanges) {
        await connection.client.register(DidChangeConfigurationNotification.type, {
          section: SETTINGS_SECTION,
        });
      }
      if (features.registerWatchedFiles) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: `**/${CONFIG_FILE_NAME}` }],
        });
      }
      for (const folder of scan.initialFolders) {
        configDiagnostics.validate(`${folder.replace(/\/$/, '')}/${CONFIG_FILE_NAME}`);
      }
    }),
  );

  connection.onDidChangeConfiguration(
    guardEvent(console, 'didChangeConfiguration', (params) => {
      settings.clientSettingsChanged(params.settings);
      refreshAll();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guardEvent(console, 'didChangeWatchedFiles', (params) => {
      const configs = params.changes.filter((change) => isConfigFile(change.uri));
      for (const change of configs) configDiagnostics.validate(change.uri);
      if (configs.length > 0) {
        settings.configFilesChanged();
        refreshAll();
      }
    }),
  );

  // didOpen is followed by a content change event for the same version; that one must not
  // turn the immediate first analysis into a debounced one.
  const justOpened = new Set<string>();
  documents.onDidOpen(
    guardEvent(console, 'didOpen', ({ document }) => {
      scan.documentOpened(document.uri);
      // A config file's only diagnostics are its own problems (config-diagnostics.ts).
      if (features.pullDiagnostics || isConfigFile(document.uri)) return;
      justOpened.add(document.uri);
      publisher.schedule(document.uri, 0);
    }),
  );
  documents.onDidChangeContent(
    guardEvent(console, 'didChange', ({ document }) => {
      if (features.pullDiagnostics || isConfigFile(document.uri)) return;
      if (justOpened.delete(document.uri)) return;
      publisher.schedule(document.uri);
    }),
  );
  documents.onDidSave(
    guardEvent(console, 'didSave', ({ document }) => {
      if (!isConfigFile(document.uri)) return;
      configDiagnostics.validate(document.uri);
      settings.configFilesChanged();
      refreshAll();
    }),
  );
  documents.onDidClose(
    guardEvent(console, 'didClose', ({ document }) => {
      pool.delete(document.uri);
      knownKinds.forget(document.uri);
      settings.forget(document.uri);
      if (!features.pullDiagnostics && !isConfigFile(document.uri)) publisher.clear(document.uri);
    }),
  );

  connection.onHover(
    guard(console, 'hover', null, async (params): Promise<Hover | null> => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return null;
      return pool.request(snapshotOf(document), { kind: 'hover', position: params.position });
    }),
  );

  connection.onCompletion(
    guard(console, 'completion', EMPTY_COMPLETION, async (params): Promise<CompletionList> => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return EMPTY_COMPLETION;
      const snapshot = snapshotOf(document);
      const incomplete: CompletionList = { isIncomplete: true, items: [] };
      let list: CompletionList;
      try {
        list = await pool.request(snapshot, {
          kind: 'completion',
          position: params.position,
          snippets: features.snippets,
        });
      } catch (error) {
        if (isContentModified(error)) return incomplete;
        throw error;
      }
      // The user may have typed on while the analysis was computed: its offsets would be wrong.
      return documents.get(snapshot.uri)?.version === snapshot.version ? list : incomplete;
    }),
  );

  connection.onDocumentSymbol(
    guard(
      console,
      'documentSymbol',
      [] as DocumentSymbol[] | SymbolInformation[],
      async (params): Promise<DocumentSymbol[] | SymbolInformation[]> => {
        const document = documents.get(params.textDocument.uri);
        if (!document) return [];
        return pool.request(snapshotOf(document), {
          kind: 'symbols',
          hierarchical: features.hierarchicalSymbols,
        });
      },
    ),
  );

  const codeActionOptions = () => ({
    documentChanges: features.documentChanges,
    resolveEdits: features.resolveCodeActionEdits,
  });

  connection.onCodeAction(
    guard(console, 'codeAction', [], async (params) => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return [];
      // Always the current version's analysis: its offsets are the ones the edits must use.
      return pool.request(snapshotOf(document), {
        kind: 'codeActions',
        params,
        options: codeActionOptions(),
      });
    }),
  );

  // A failure answers the action as it came, without an edit.
  connection.onCodeActionResolve((action) =>
    guard(console, 'codeActionResolve', action, async () => {
      const data = action.data as { uri?: unknown } | undefined;
      const document = typeof data?.uri === 'string' ? documents.get(data.uri) : undefined;
      if (!document) return action;
      try {
        return await pool.request(snapshotOf(document), {
          kind: 'resolveFixAll',
          action,
          options: codeActionOptions(),
        });
      } catch (error) {
        if (isContentModified(error)) return action;
        throw error;
      }
    })(action),
  );

  connection.languages.diagnostics.on(
    guard(
      console,
      'diagnostic',
      { kind: 'full', items: [] } as DocumentDiagnosticReport,
      async (params): Promise<DocumentDiagnosticReport> => {
        const document = documents.get(params.textDocument.uri);
        if (!document) return { kind: 'full', items: [] };
        const snapshot = snapshotOf(document);
        const generation = pool.generation;
        let items;
        try {
          items = await pool.request(snapshot, { kind: 'diagnostics' });
        } catch (error) {
          if (isContentModified(error)) throw retrigger();
          throw error;
        }
        if (documents.get(params.textDocument.uri)?.version !== snapshot.version) {
          throw retrigger();
        }
        const resultId = `${snapshot.version}:${generation}`;
        if (params.previousResultId === resultId) return { kind: 'unchanged', resultId };
        return { kind: 'full', resultId, items };
      },
    ),
  );

  connection.onExecuteCommand(
    guard(console, 'executeCommand', null, (params, token, progress) =>
      scan.execute(params, token, progress),
    ),
  );

  connection.onShutdown(() => {
    publisher.dispose();
    pool.dispose();
  });

  documents.listen(connection);
  connection.listen();
  if (catalogProblem) console.error(`Scopewise cannot start: ${catalogProblem}`);
}

/** The user typed while the settings were read or the analysis ran: the client asks again. */
function retrigger(): ResponseError<{ retriggerRequest: boolean }> {
  return new ResponseError(LSPErrorCodes.ServerCancelled, 'The document changed', {
    retriggerRequest: true,
  });
}

function isContentModified(error: unknown): boolean {
  return error instanceof ResponseError && error.code === LSPErrorCodes.ContentModified;
}

function isConfigFile(uri: string): boolean {
  return uri.endsWith(`/${CONFIG_FILE_NAME}`);
}
