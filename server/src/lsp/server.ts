import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  type InitializeError,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  type Connection,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { hover, type Catalog } from '../analysis';
import { loadCatalog } from '../node/catalog-files';
import { CONFIG_FILE_NAME } from '../node/config';
import { AnalysisCache } from './analysis-cache';
import { clientFeatures, SERVER_CAPABILITIES, type ClientFeatures } from './capabilities';
import { codeActions, resolveFixAll } from './code-actions';
import { ConfigDiagnostics } from './config-diagnostics';
import { toDiagnostics } from './diagnostics';
import {
  analyzeDocument,
  KnownKinds,
  type DocumentAnalysis,
  type DocumentSnapshot,
} from './document-analysis';
import { describeInternalError, guard, guardEvent } from './guard';
import { registerLanguageFeatures } from './language-features';
import { documentStatusNotification } from './protocol';
import { DiagnosticsPublisher } from './push-diagnostics';
import { SETTINGS_SECTION, SettingsProvider } from './settings';
import { SCAN_CAPABILITIES, WorkspaceScan } from './workspace-scan';

export interface ServerOptions {
  /** Reported in `serverInfo`. */
  readonly version: string;
  /** Pause after a change before diagnostics are pushed. */
  readonly debounceMs?: number;
}

/**
 * Wires the Scopewise features to a connection, whatever its transport. The catalog is loaded
 * here, before `initialize`, so the first analysis does not pay for it.
 */
export function startServer(connection: Connection, options: ServerOptions): void {
  const { console } = connection;
  let catalog: Catalog | undefined;
  let catalogProblem: string | undefined;
  try {
    catalog = loadCatalog();
  } catch (error) {
    catalogProblem = error instanceof Error ? error.message : String(error);
  }

  const documents = new TextDocuments(TextDocument);
  let features: ClientFeatures = clientFeatures({});
  const configDiagnostics = new ConfigDiagnostics(connection);
  const onConfigError = configDiagnostics.report.bind(configDiagnostics);
  const settings = new SettingsProvider(connection, () => features.configuration, onConfigError);
  const knownKinds = new KnownKinds();

  const compute = async (
    snapshot: DocumentSnapshot,
    generation: number,
  ): Promise<DocumentAnalysis> => {
    if (!catalog) throw new Error('The IAM catalog is not loaded');
    const documentSettings = await settings.forDocument(snapshot.uri);
    const result = analyzeDocument(snapshot, {
      catalog,
      settings: documentSettings,
      generation,
      explicit: knownKinds.wasOurs(snapshot.uri),
    });
    for (const problem of result.analysis.internalErrors) {
      console.error(`A rule failed on ${snapshot.uri}: ${describeInternalError(problem)}`);
    }
    if (documents.get(snapshot.uri)) {
      knownKinds.record(snapshot.uri, result.analysis);
      void connection.sendNotification(documentStatusNotification, {
        uri: snapshot.uri,
        kind: result.analysis.kind,
        version: snapshot.version,
        findings: result.analysis.findings.length,
      });
    }
    return result;
  };
  const cache = new AnalysisCache(compute);
  const publisher = new DiagnosticsPublisher(connection, documents, cache, options.debounceMs);
  const scan = new WorkspaceScan({
    connection,
    documents,
    catalog: () => catalog,
    settings,
    onConfigError,
  });

  /** Settings or config files changed: analyse every open document again. */
  const refreshAll = () => {
    cache.invalidateAll();
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
      cache.delete(document.uri);
      knownKinds.forget(document.uri);
      settings.forget(document.uri);
      if (!features.pullDiagnostics && !isConfigFile(document.uri)) publisher.clear(document.uri);
    }),
  );

  connection.onHover(
    guard(console, 'hover', null, async (params): Promise<Hover | null> => {
      const document = documents.get(params.textDocument.uri);
      if (!document || !catalog) return null;
      const result = await cache.get(document);
      const offset = result.lines.offsetAt(params.position);
      const found = hover(result.analysis, catalog, offset);
      if (!found) return null;
      return {
        contents: { kind: 'markdown', value: found.contents },
        range: {
          start: result.lines.positionAt(found.start),
          end: result.lines.positionAt(found.end),
        },
      };
    }),
  );

  registerLanguageFeatures(connection, {
    documents,
    cache,
    catalog: () => catalog,
    features: () => features,
  });

  const codeActionOptions = () => ({
    documentChanges: features.documentChanges,
    resolveEdits: features.resolveCodeActionEdits,
  });

  connection.onCodeAction(
    guard(console, 'codeAction', [], async (params) => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return [];
      // Always the current version's analysis: its offsets are the ones the edits must use.
      const result = await cache.get(document);
      return codeActions(result, params, codeActionOptions());
    }),
  );

  // A failure answers the action as it came, without an edit.
  connection.onCodeActionResolve((action) =>
    guard(console, 'codeActionResolve', action, async () => {
      const data = action.data as { uri?: unknown } | undefined;
      const document = typeof data?.uri === 'string' ? documents.get(data.uri) : undefined;
      const current = document ? await cache.get(document) : undefined;
      return resolveFixAll(action, current, codeActionOptions());
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
        const result = await cache.get(document);
        if (documents.get(params.textDocument.uri)?.version !== result.version) {
          // The user typed while the settings were read: the client asks again for the new version.
          throw new ResponseError(LSPErrorCodes.ServerCancelled, 'The document changed', {
            retriggerRequest: true,
          });
        }
        const resultId = `${result.version}:${result.generation}`;
        if (params.previousResultId === resultId) return { kind: 'unchanged', resultId };
        return { kind: 'full', resultId, items: toDiagnostics(result) };
      },
    ),
  );

  connection.onExecuteCommand(
    guard(console, 'executeCommand', null, (params, token, progress) =>
      scan.execute(params, token, progress),
    ),
  );

  connection.onShutdown(() => publisher.dispose());

  documents.listen(connection);
  connection.listen();
  if (catalogProblem) console.error(`Scopewise cannot start: ${catalogProblem}`);
}

function isConfigFile(uri: string): boolean {
  return uri.endsWith(`/${CONFIG_FILE_NAME}`);
}
