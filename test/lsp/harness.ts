import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type FileChangeType,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ShowMessageParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { afterEach, beforeAll } from 'vitest';

export const REPO_ROOT = join(__dirname, '..', '..');
export const SERVER = join(REPO_ROOT, 'dist', 'server.js');

/** How long any one awaited event may take before the test fails with a useful message. */
const EVENT_TIMEOUT_MS = 8_000;

/**
 * Builds the bundle when a fresh tree has none (an existing build is used as it is), then checks
 * that it starts, so a broken bundle fails here with its own error rather than as timeouts.
 */
export function ensureBuilt(): void {
  if (!existsSync(SERVER)) {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    if (build.status !== 0 || !existsSync(SERVER)) {
      throw new Error(`"npm run build" did not produce ${SERVER}`);
    }
  }
  const probe = spawnSync(process.execPath, [SERVER, '--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(`${SERVER} does not start:\n${probe.stderr.slice(-2000)}`);
  }
}

/** `stdio` and `ipc` pass the flag; `default` starts the server without one (meaning stdio). */
export type Transport = 'stdio' | 'ipc' | 'default';

/** Every message of one kind the server sent, with waiting for one that matches. */
class Inbox<T> {
  private readonly received: T[] = [];
  private readonly waiters: {
    since: number;
    test: (item: T) => boolean;
    resolve: (item: T) => void;
  }[] = [];

  push(item: T): void {
    this.received.push(item);
    const index = this.received.length - 1;
    for (const waiter of [...this.waiters]) {
      if (index >= waiter.since && waiter.test(item)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(item);
      }
    }
  }

  get all(): readonly T[] {
    return this.received;
  }

  /** The position to pass as `since` to wait only for messages sent after this moment. */
  mark(): number {
    return this.received.length;
  }

  /** The first message (at or after `since`) passing `test`, waiting for it if needed. */
  next(what: string, test: (item: T) => boolean, since = 0): Promise<T> {
    const found = this.received.slice(since).find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        since,
        test,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`Timed out waiting for ${what}`));
      }, EVENT_TIMEOUT_MS);
      this.waiters.push(waiter);
    });
  }
}

export interface DocumentStatus {
  readonly uri: string;
  readonly kind: string;
  readonly version: number;
  readonly findings: number;
}

export interface ClientOptions {
  readonly transport: Transport;
  /** Advertise `textDocument.diagnostic`, so the server should not push. */
  readonly pull?: boolean;
  /** What the client answers to `workspace/configuration` for the `scopewise` section. */
  readonly settings?: () => unknown;
}

/** A minimal LSP client over the real server process. */
export class TestClient {
  readonly diagnostics = new Inbox<PublishDiagnosticsParams>();
  readonly statuses = new Inbox<DocumentStatus>();
  readonly messages = new Inbox<ShowMessageParams>();
  readonly logs: string[] = [];
  readonly workspace: string;
  private readonly versions = new Map<string, number>();
  private exited: Promise<number | null>;

  private constructor(
    readonly connection: ProtocolConnection,
    readonly child: ChildProcess,
    private readonly options: ClientOptions,
  ) {
    // realpath: macOS and some CI images put tmpdir behind a symlink, and URIs must compare equal.
    this.workspace = realpathSync(mkdtempSync(join(tmpdir(), 'scopewise-lsp-')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) =>
      this.diagnostics.push(params),
    );
    connection.onNotification('scopewise/documentStatus', (params: DocumentStatus) =>
      this.statuses.push(params),
    );
    connection.onNotification('window/showMessage', (params: ShowMessageParams) =>
      this.messages.push(params),
    );
    connection.onNotification('window/logMessage', (params: { message: string }) =>
      this.logs.push(params.message),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => this.options.settings?.() ?? {}),
    );
    connection.listen();
  }

  static start(options: ClientOptions): TestClient {
    let child: ChildProcess;
    let connection: ProtocolConnection;
    if (options.transport === 'ipc') {
      child = fork(SERVER, ['--node-ipc'], { silent: true });
      connection = createProtocolConnection(
        new IPCMessageReader(child),
        new IPCMessageWriter(child),
      );
    } else {
      const args = options.transport === 'stdio' ? ['--stdio'] : [];
      child = spawn(process.execPath, [SERVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      if (!child.stdout || !child.stdin) throw new Error('The server has no stdio pipes');
      connection = createProtocolConnection(
        new StreamMessageReader(child.stdout),
        new StreamMessageWriter(child.stdin),
      );
    }
    // Drained so a chatty server never blocks on a full pipe; shown when a test fails.
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return new TestClient(connection, child, options);
  }

  /** Initializes with these capabilities, or by default those of a full client without snippets. */
  async initialize(capabilities = this.defaultCapabilities()): Promise<InitializeResult> {
    const uri = pathToFileURL(this.workspace).href;
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      capabilities,
      workspaceFolders: [{ uri, name: 'workspace' }],
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  defaultCapabilities(): ClientCapabilities {
    return {
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true },
      },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { versionSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: {
          codeActionLiteralSupport: {
            codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] },
          },
          isPreferredSupport: true,
        },
        ...(this.options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
      },
    };
  }

  uriOf(relativePath: string): string {
    return pathToFileURL(join(this.workspace, relativePath)).href;
  }

  async open(uri: string, text: string, languageId = languageOf(uri)): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Sends a change and returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  /** Tells the server a file changed on disk, as the editor's file watcher would. */
  async fileChanged(uri: string, type: FileChangeType): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri, type }],
    });
  }

  /** The pushed diagnostics for exactly this version of the document. */
  diagnosticsFor(uri: string, version: number, since = 0): Promise<PublishDiagnosticsParams> {
    return this.diagnostics.next(
      `diagnostics for ${uri} version ${version}`,
      (params) => params.uri === uri && params.version === version,
      since,
    );
  }

  statusFor(uri: string, version: number, since = 0): Promise<DocumentStatus> {
    return this.statuses.next(
      `scopewise/documentStatus for ${uri} version ${version}`,
      (status) => status.uri === uri && status.version === version,
      since,
    );
  }

  /** Shuts the server down the polite way and returns its exit code. */
  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await this.exited;
    this.dispose();
    return code;
  }

  /** Kills the server if a test left it running and removes the workspace. */
  dispose(): void {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    rmSync(this.workspace, { recursive: true, force: true });
  }
}

/**
 * The hooks every server test file needs: the bundle is checked (and built) once before its tests,
 * and the client a test starts is disposed after it, passed or failed. Call at the top of the file;
 * the returned function starts a client.
 */
export function clientPerTest(): (options: ClientOptions) => TestClient {
  let current: TestClient | undefined;
  beforeAll(() => {
    ensureBuilt();
  });
  afterEach(() => {
    current?.dispose();
    current = undefined;
  });
  return (options) => (current = TestClient.start(options));
}

function languageOf(uri: string): string {
  if (/\.ya?ml$/.test(uri)) return 'yaml';
  if (uri.endsWith('.jsonc')) return 'jsonc';
  return 'json';
}
