/**
 * Helpers of the extension-host suite: logging that reaches the runner, waits on events with a
 * timeout, and provider requests through VS Code's `vscode.execute*Provider` commands.
 */
import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';

/** How long any single wait may take. */
export const TIMEOUT_MS = 30_000;
const started = Date.now();

/** Logs to the console and to `$SCOPEWISE_TEST_LOG`, which the runner prints. */
export function log(...parts: unknown[]): void {
  const line = `[exthost ${String(Date.now() - started).padStart(6)}ms] ${parts.join(' ')}`;
  console.log(line);
  // The runner prints this file: the extension host's console only reaches the browser.
  const file = process.env.SCOPEWISE_TEST_LOG;
  if (file) appendFileSync(file, `${line}\n`);
}

/** Resolves with the first truthy value of `probe`, checked now and after each `event`. */
export function waitFor<T>(
  what: string,
  events: readonly vscode.Event<unknown>[],
  probe: () => T | undefined | false,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
    };
    const check = () => {
      const value = probe();
      if (value) {
        done();
        resolve(value);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timeout after ${TIMEOUT_MS} ms: ${what}`));
    }, TIMEOUT_MS);
    for (const event of events) subscriptions.push(event(check));
    check();
  });
}

/**
 * Runs a provider request until `accept` finds what it wants in the answer. Right after startup,
 * or while another extension (the built-in JSON one) registers its providers, a request can come
 * back "Canceled" (rejected, or resolved empty by the language client) because the set of
 * providers changed while it ran; there is no event for "providers settled", so the request is
 * repeated, a quarter of a second apart, until it answers or the timeout passes.
 */
export async function request<R, T>(
  what: string,
  run: () => Thenable<R | undefined>,
  accept: (answer: R) => T | undefined,
  describe: (answer: R | undefined) => string = (answer) => JSON.stringify(answer),
): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    let answer: R | undefined;
    try {
      answer = await run();
    } catch (error) {
      if (!/Canceled/.test(String(error))) throw error;
    }
    const found = answer === undefined ? undefined : accept(answer);
    if (found !== undefined) {
      if (attempt > 1) log(`${what}: answered on attempt ${attempt}`);
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: no answer after ${attempt} attempts; last: ${describe(answer)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The quick fix titled `title` for a range (see {@link request} for why it may be asked again). */
export function quickFix(
  uri: vscode.Uri,
  range: vscode.Range,
  title: string,
): Promise<vscode.CodeAction> {
  return request(
    `the quick fix "${title}"`,
    () =>
      vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        range,
        vscode.CodeActionKind.QuickFix.value,
      ),
    (actions) => {
      const found = actions.find((action) => action.title === title);
      if (found) log('quick fixes:', actions.map((a) => a.title).join(' | '));
      return found;
    },
    (actions) => (actions ?? []).map((a) => a.title).join(' | '),
  );
}

/** The markdown of every hover at a position, joined by `\n---\n`. */
export function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  return request(
    `a hover at ${position.line + 1}:${position.character + 1}`,
    () =>
      vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position),
    (hovers) => {
      const text = hovers
        .flatMap((hover) =>
          hover.contents.map((part) => (typeof part === 'string' ? part : part.value)),
        )
        .join('\n---\n');
      return text || undefined;
    },
  );
}

/** The position of `offset` characters into the first occurrence of `needle`. */
export function positionOf(
  document: vscode.TextDocument,
  needle: string,
  offset = 1,
): vscode.Position {
  const index = document.getText().indexOf(needle);
  if (index < 0) throw new Error(`${needle} is not in ${document.uri.path}`);
  return document.positionAt(index + offset);
}

/** Scopewise's diagnostics on a file. */
export function scopewiseDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'scopewise');
}

/** A diagnostic's rule id. */
export function codeOf(diagnostic: vscode.Diagnostic): string {
  const { code } = diagnostic;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** A probe for {@link waitFor}: Scopewise's diagnostics once all `wanted` and no `unwanted` rules show. */
export function diagnosticsWith(
  uri: vscode.Uri,
  wanted: readonly string[],
  unwanted: readonly string[] = [],
) {
  return () => {
    const diagnostics = scopewiseDiagnostics(uri);
    const codes = new Set(diagnostics.map(codeOf));
    return wanted.every((c) => codes.has(c)) && !unwanted.some((c) => codes.has(c)) && diagnostics;
  };
}

/** The one diagnostic of rule `code` among `diagnostics`. */
export function only(diagnostics: readonly vscode.Diagnostic[], code: string): vscode.Diagnostic {
  const found = diagnostics.filter((d) => codeOf(d) === code);
  if (found.length !== 1) throw new Error(`${found.length} ${code} diagnostics, expected one`);
  return found[0]!;
}

/** A one-line summary (`rule@line`) of diagnostics, for the log. */
export function codeLines(diagnostics: readonly vscode.Diagnostic[]): string {
  return diagnostics.map((d) => `${codeOf(d)}@${d.range.start.line + 1}`).join(', ');
}

/** Opens a file in an editor. */
export async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

/**
 * Reverts a document to its file. `workbench.action.files.revert` works on the active editor, so
 * the document is shown (and focused: after a panel such as Output took the focus) first.
 */
export async function revert(document: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(document, { preserveFocus: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  // The dirty flag reaches the extension host as a document change, maybe after the command.
  await waitFor(
    `${document.uri.path} to be reverted`,
    [vscode.workspace.onDidChangeTextDocument],
    () => !document.isDirty,
  );
}
