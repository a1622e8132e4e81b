import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import type {
  CancellationToken,
  Connection,
  Diagnostic,
  ExecuteCommandParams,
  InitializeParams,
  ServerCapabilities,
  TextDocuments,
  WorkDoneProgressReporter,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_MAX_SIZE } from '../analysis';
import { CONFIG_FILE_NAME, ConfigError, ConfigResolver } from '../node/config';
import { decode } from '../node/decode';
import { maxBytesFor, readFileLimited } from '../node/file-io';
import { NODE_FILE_SYSTEM } from '../node/file-system';
import { collectTargets, type Target } from '../node/walk';
import type { DocumentSnapshot } from './document-analysis';
import { describeError } from './guard';
import { SETTINGS_SECTION, type SettingsProvider } from './settings';

/** `workspace/executeCommand` name of the scan; the VS Code client wraps it in a notification. */
export const SCAN_WORKSPACE_COMMAND = 'scopewise.scanWorkspace';

/** What the server adds to its capabilities for the scan. */
export const SCAN_CAPABILITIES: ServerCapabilities = {
  executeCommandProvider: { commands: [SCAN_WORKSPACE_COMMAND] },
};

/** The defaults of `scopewise.files.include` and `scopewise.files.exclude` (package.json). */
export const DEFAULT_INCLUDE = [
  '**/*.json',
  '**/*.jsonc',
  '**/*.yaml',
  '**/*.yml',
  '**/*.template',
];

const REPORT_INTERVAL_MS = 200;

/** The command's result, for the client's summary message. */
export interface ScanSummary {
  /** Files analysed. */
  readonly files: number;
  /** Files with at least one problem. */
  readonly filesWithProblems: number;
  readonly problems: number;
  readonly cancelled: boolean;
}

/** Globs a scan honours: from the command's argument, else the folder's `scopewise.files`. */
interface FileFilter {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export interface WorkspaceScanOptions {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** The diagnostics of a snapshot, analysed in the pool without being kept. */
  readonly diagnose: (snapshot: DocumentSnapshot) => Promise<Diagnostic[]>;
  readonly settings: SettingsProvider;
  readonly onConfigError: (error: ConfigError) => void;
}

/**
 * "Scan workspace": analyses every matching file of the workspace folders (the command line's walk:
 * `.gitignore`, the config's `exclude`, plus `scopewise.files.include`/`exclude`) and pushes the
 * diagnostics of the files that are not open, so they show in the Problems panel. Open files keep
 * their live diagnostics. A new scan clears the files the previous one reported that are now clean.
 */
export class WorkspaceScan {
  private folders: string[] = [];
  private workspaceFoldersRequest = false;
  private configurationRequest = false;
  private serverProgress = false;
  /** Files whose diagnostics the last scans pushed, and are still shown. */
  private readonly published = new Set<string>();

  constructor(private readonly options: WorkspaceScanOptions) {}

  /** Remembers the folders and what the client can do, from `initialize`. */
  initialize(params: InitializeParams): void {
    const folders = params.workspaceFolders?.map((folder) => folder.uri);
    this.folders = folders ?? (params.rootUri ? [params.rootUri] : []);
    const { capabilities } = params;
    this.workspaceFoldersRequest = capabilities?.workspace?.workspaceFolders === true;
    this.configurationRequest = capabilities?.workspace?.configuration === true;
    this.serverProgress = capabilities?.window?.workDoneProgress === true;
  }

  /** The workspace folders as given in `initialize`. */
  get initialFolders(): readonly string[] {
    return this.folders;
  }

  /**
   * A document was opened: its diagnostics now come from the live analysis, so the scan's copy
   * goes (a pull client would otherwise show both).
   */
  documentOpened(uri: string): void {
    if (this.published.delete(uri))
      void this.options.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** `workspace/executeCommand` for {@link SCAN_WORKSPACE_COMMAND}. */
  async execute(
    params: ExecuteCommandParams,
    token: CancellationToken,
    attached: WorkDoneProgressReporter,
  ): Promise<ScanSummary | null> {
    if (params.command !== SCAN_WORKSPACE_COMMAND) return null;
    const { connection } = this.options;
    let progress = attached;
    let cancelled = () => token.isCancellationRequested;
    if (params.workDoneToken === undefined && this.serverProgress) {
      // A client that did not bring a progress token still gets progress it can cancel.
      const created = await connection.window.createWorkDoneProgress();
      progress = created;
      cancelled = () => token.isCancellationRequested || created.token.isCancellationRequested;
    }
    progress.begin('Scopewise: scanning the workspace', 0, 'Finding files…', true);
    try {
      return await this.scan(params, progress, cancelled);
    } finally {
      progress.done();
    }
  }

  private async scan(
    params: ExecuteCommandParams,
    progress: WorkDoneProgressReporter,
    cancelled: () => boolean,
  ): Promise<ScanSummary> {
    const { connection, documents } = this.options;
    const targets: string[] = [];
    for (const folderUri of await this.currentFolders()) {
      const folder = fileFolder(folderUri);
      if (folder === undefined) continue;
      const filter = await this.filterFor(folderUri, params.arguments?.[0]);
      targets.push(...this.filesOf(folder, filter));
      if (cancelled()) return { files: 0, filesWithProblems: 0, problems: 0, cancelled: true };
    }

    const reported = new Set<string>();
    let files = 0;
    let problems = 0;
    let lastPercentage = -1;
    let lastReport = 0;
    for (const [index, path] of targets.entries()) {
      if (cancelled())
        return { files, filesWithProblems: reported.size, problems, cancelled: true };
      const uri = pathToFileURL(path).href;
      // One report per percent or per fifth of a second, not one per file of a large workspace.
      const percentage = Math.floor((index * 100) / targets.length);
      if (percentage !== lastPercentage || Date.now() - lastReport >= REPORT_INTERVAL_MS) {
        progress.report(percentage, `${index + 1}/${targets.length}: ${relativeName(path)}`);
        lastPercentage = percentage;
        lastReport = Date.now();
      }
      // Open documents have live diagnostics of their own, from text that may differ from the
      // file's: they count in the summary, from that text, but the scan publishes nothing for them.
      const openText = documents.get(uri)?.getText();
      const open = openText !== undefined;
      const diagnostics = await this.analyse(uri, path, openText);
      files++;
      problems += diagnostics.length;
      if (diagnostics.length > 0) reported.add(uri);
      if (!open && (diagnostics.length > 0 || this.published.has(uri))) {
        await connection.sendDiagnostics({ uri, diagnostics });
        if (diagnostics.length === 0) this.published.delete(uri);
      }
      // Let cancellation, typing and other requests through between files.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Files the previous scan reported that this one did not reach (deleted, now excluded).
    for (const uri of this.published) {
      if (!reported.has(uri) && documents.get(uri) === undefined) {
        await connection.sendDiagnostics({ uri, diagnostics: [] });
      }
    }
    this.published.clear();
    for (const uri of reported) if (documents.get(uri) === undefined) this.published.add(uri);
    return { files, filesWithProblems: reported.size, problems, cancelled: false };
  }

  private async analyse(
    uri: string,
    path: string,
    openText: string | undefined,
  ): Promise<Diagnostic[]> {
    const { settings, connection } = this.options;
    try {
      let text = openText;
      let truncated = false;
      if (text === undefined) {
        // Read no further than the size limit shows: a huge or endless file stops there.
        const maxChars = (await settings.forDocument(uri)).maxSize ?? DEFAULT_MAX_SIZE;
        const read = readFileLimited(NODE_FILE_SYSTEM, path, {
          maxBytes: maxBytesFor(maxChars),
          regularOnly: true,
        });
        if (!read.regular) return [];
        truncated = read.truncated;
        const decoded = decode(read.bytes).text;
        text = truncated ? decoded.slice(0, maxChars + 1) : decoded;
      }
      return await this.options.diagnose({
        uri,
        languageId: languageOf(path),
        version: 0,
        text,
        truncated,
      });
    } catch (error) {
      connection.console.warn(`Scan: cannot analyse ${uri}: ${describeError(error)}`);
      return [];
    } finally {
      settings.forget(uri);
    }
  }

  /** The files of one folder to analyse, in walk order. */
  private filesOf(folder: string, filter: FileFilter): string[] {
    const resolver = new ConfigResolver();
    const include = picomatch([...filter.include], { dot: true });
    const exclude = filter.exclude.length
      ? picomatch([...filter.exclude], { dot: true })
      : undefined;
    const relativePath = (path: string) => relative(folder, path).split(sep).join('/');
    const isExcluded = (path: string) => {
      if (exclude && exclude(relativePath(path))) return true;
      try {
        return resolver.forFile(path).isExcluded(path);
      } catch (error) {
        if (error instanceof ConfigError) this.options.onConfigError(error);
        return false;
      }
    };
    let targets: Target[];
    try {
      targets = collectTargets([folder], folder, isExcluded);
    } catch (error) {
      this.options.connection.console.error(
        `Scan: walking ${folder} failed: ${describeError(error)}`,
      );
      return [];
    }
    return targets
      .map((target) => target.absolutePath)
      .filter((path) => !path.endsWith(`${sep}${CONFIG_FILE_NAME}`) && include(relativePath(path)));
  }

  private async currentFolders(): Promise<readonly string[]> {
    if (!this.workspaceFoldersRequest) return this.folders;
    try {
      const folders = await this.options.connection.workspace.getWorkspaceFolders();
      return folders?.map((folder) => folder.uri) ?? [];
    } catch {
      return this.folders;
    }
  }

  /** The command's `{ include, exclude }` argument wins; else the folder's settings. */
  private async filterFor(folderUri: string, argument: unknown): Promise<FileFilter> {
    let section: unknown = argument;
    if (section === undefined && this.configurationRequest) {
      try {
        const settings: unknown = await this.options.connection.workspace.getConfiguration({
          scopeUri: folderUri,
          section: SETTINGS_SECTION,
        });
        section = (settings as { files?: unknown } | null | undefined)?.files;
      } catch {
        section = undefined;
      }
    }
    const record = (section ?? {}) as { include?: unknown; exclude?: unknown };
    return {
      include: globList(record.include) ?? DEFAULT_INCLUDE,
      exclude: globList(record.exclude) ?? [],
    };
  }
}

/** A list of non-empty glob strings, or undefined when the value is not one. */
function globList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const globs = value.filter((item): item is string => typeof item === 'string' && item !== '');
  return globs.length === value.length && globs.length > 0 ? globs : undefined;
}

function fileFolder(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function relativeName(path: string): string {
  return path.split(sep).slice(-2).join('/');
}

function languageOf(path: string): string {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.jsonc$/i.test(path)) return 'jsonc';
  return 'json';
}
