import {
  EventEmitter,
  window,
  workspace,
  commands,
  type Event,
  type ExtensionContext,
  type OutputChannel,
  type Uri,
} from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  DocumentStatusStore,
  documentStatusNotification,
  type DocumentStatus,
} from './document-status';
import { LocalRuleDocs, openRuleDocumentation } from './rule-docs';
import { SCAN_WORKSPACE, scanWorkspace } from './scan-workspace';
import { KindStatusBar } from './status-bar';

/** What the extension returns from `activate`, for other extensions and for the e2e tests. */
export interface ScopewiseApi {
  /** The latest status the server reported for a document, if any. */
  documentStatus(uri: Uri): DocumentStatus | undefined;
  /** Fires after the server reported a new status for a document. */
  readonly onDidChangeDocumentStatus: Event<DocumentStatus>;
  /** The status bar text for the active editor, or undefined while the entry is hidden. */
  statusBarText(): string | undefined;
}

const SHOW_OUTPUT = 'scopewise.showOutput';
const RESTART_SERVER = 'scopewise.restartServer';
const OPEN_RULE_DOCS = 'scopewise.openRuleDocumentation';

// The language client reads `<id>.trace.server` for its trace level, so the id must be `scopewise`.
const CLIENT_ID = 'scopewise';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<ScopewiseApi> {
  const output = window.createOutputChannel('Scopewise');
  context.subscriptions.push(output);

  // Settings live in `.scopewise.json` too; the server re-reads them when one changes.
  const configWatcher = workspace.createFileSystemWatcher('**/.scopewise.json');
  context.subscriptions.push(configWatcher);

  const ruleDocs = new LocalRuleDocs(context.asAbsolutePath('docs/rules'));
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: ['file', 'untitled'].flatMap((scheme) =>
      ['json', 'jsonc', 'yaml'].map((language) => ({ scheme, language })),
    ),
    synchronize: {
      configurationSection: 'scopewise',
      fileEvents: configWatcher,
    },
    outputChannel: output,
    middleware: {
      // The client registers the server's commands; the scan gets a notification with progress.
      executeCommand: (command, args, next) =>
        command === SCAN_WORKSPACE ? scanWorkspace(languageClient) : next(command, args),
      handleDiagnostics: (uri, diagnostics, next) => next(uri, ruleDocs.apply(diagnostics)),
      provideDiagnostics: async (document, previousResultId, token, next) => {
        const report = await next(document, previousResultId, token);
        if (report && 'items' in report) ruleDocs.apply(report.items);
        return report;
      },
    },
  };
  const languageClient = new LanguageClient(CLIENT_ID, 'Scopewise', serverOptions, clientOptions);
  client = languageClient;

  const store = new DocumentStatusStore((value) =>
    languageClient.protocol2CodeConverter.asUri(value),
  );
  const statusBar = new KindStatusBar(store, SHOW_OUTPUT);
  const statusChanged = new EventEmitter<DocumentStatus>();
  context.subscriptions.push(statusBar, statusChanged);

  context.subscriptions.push(
    languageClient.onNotification(documentStatusNotification, (status) => {
      if (!store.update(status)) return;
      statusBar.refresh();
      statusChanged.fire(status);
    }),
    languageClient.onDidChangeState(({ newState }) => {
      // A stopped server's statuses describe analyses that will not be refreshed.
      if (newState === State.Stopped) {
        store.clear();
        statusBar.refresh();
      }
    }),
    window.onDidChangeActiveTextEditor((editor) => statusBar.refresh(editor)),
    workspace.onDidCloseTextDocument((document) => {
      store.delete(document.uri);
      statusBar.refresh();
    }),
    commands.registerCommand(SHOW_OUTPUT, () => output.show(true)),
    commands.registerCommand(OPEN_RULE_DOCS, (ruleId?: unknown) =>
      openRuleDocumentation(ruleDocs, ruleId),
    ),
    commands.registerCommand(RESTART_SERVER, async () => {
      output.appendLine('Restarting the Scopewise language server.');
      await startOrReport(() => languageClient.restart(), output);
    }),
  );

  await startOrReport(() => languageClient.start(), output);

  return {
    documentStatus: (uri) => store.get(uri),
    onDidChangeDocumentStatus: statusChanged.event,
    statusBarText: () => statusBar.text,
  };
}

/** Starts the server; a failure is reported, never thrown, so the commands stay usable. */
async function startOrReport(start: () => Promise<void>, output: OutputChannel): Promise<void> {
  try {
    await start();
  } catch (error) {
    // The client has logged the details to the output channel already.
    output.appendLine(`The Scopewise language server did not start: ${String(error)}`);
    void window.showErrorMessage(
      'The Scopewise language server did not start. See the Scopewise output for details.',
    );
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running?.needsStop()) await running.stop();
}
