import {
  LSPErrorCodes,
  ResponseError,
  type Connection,
  type Diagnostic,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { describeError } from './guard';

/**
 * How long typing must pause before a changed document is analysed again. Short, because
 * DESIGN.md budgets 100 ms median from keystroke to diagnostics for a 1,000-line YAML template,
 * debounce included, and that analysis alone may take up to 50 ms.
 */
export const CHANGE_DEBOUNCE_MS = 50;

/**
 * Publishes diagnostics for clients without pull diagnostics: at once on open, after a short
 * pause on change. Each run carries a ticket; a run whose ticket is no longer the document's
 * latest, or whose analysis is of an older version, publishes nothing.
 */
export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly tickets = new Map<string, number>();
  private nextTicket = 0;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly diagnose: (document: TextDocument) => Promise<Diagnostic[]>,
    private readonly debounceMs = CHANGE_DEBOUNCE_MS,
  ) {}

  /** Analyses and publishes after `delay` ms, replacing any run still waiting for this document. */
  schedule(uri: string, delay = this.debounceMs): void {
    this.cancel(uri);
    const ticket = ++this.nextTicket;
    this.tickets.set(uri, ticket);
    const run = () => {
      this.timers.delete(uri);
      this.publish(uri, ticket).catch((error: unknown) => {
        // A newer version is on its way: its own run publishes.
        if (error instanceof ResponseError && error.code === LSPErrorCodes.ContentModified) return;
        this.connection.console.error(`Diagnostics failed for ${uri}: ${describeError(error)}`);
      });
    };
    this.timers.set(uri, setTimeout(run, delay));
  }

  /** Re-analyses every open document, for example after a settings change. */
  scheduleAll(): void {
    for (const document of this.documents.all()) this.schedule(document.uri, 0);
  }

  /** The document was closed: drop pending work and clear its diagnostics. */
  clear(uri: string): void {
    this.cancel(uri);
    this.tickets.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.tickets.clear();
  }

  private cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
  }

  private async publish(uri: string, ticket: number): Promise<void> {
    const document = this.documents.get(uri);
    if (!document) return;
    const version = document.version;
    const diagnostics = await this.diagnose(document);
    const current = this.documents.get(uri);
    if (this.tickets.get(uri) !== ticket || current?.version !== version) return;
    await this.connection.sendDiagnostics({ uri, version, diagnostics });
  }
}
