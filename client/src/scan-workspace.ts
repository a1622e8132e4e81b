import { randomUUID } from 'node:crypto';
import { commands, ProgressLocation, window, type CancellationToken } from 'vscode';
import {
  ExecuteCommandRequest,
  WorkDoneProgress,
  type LanguageClient,
} from 'vscode-languageclient/node';

/** The server's command (server/src/lsp/workspace-scan.ts); also the VS Code command id. */
export const SCAN_WORKSPACE = 'scopewise.scanWorkspace';

/** What the server answers; mirrors `ScanSummary` in server/src/lsp/workspace-scan.ts. */
export interface ScanSummary {
  readonly files: number;
  readonly filesWithProblems: number;
  readonly problems: number;
  readonly cancelled: boolean;
}

/**
 * Runs the server's scan under a cancellable notification. The language client registers the
 * server's commands itself and would show their progress only in the status bar, so the
 * extension's middleware sends the request here with its own progress token and shows each
 * `$/progress` report (file count and percentage) in a notification. Resolves with the summary,
 * or undefined when the scan could not run.
 */
export function scanWorkspace(client: LanguageClient): Thenable<ScanSummary | undefined> {
  return window.withProgress(
    { location: ProgressLocation.Notification, title: 'Scopewise', cancellable: true },
    async (progress, cancellation) => {
      const token = `scopewise-scan-${randomUUID()}`;
      let done = 0;
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'end') return;
        const percentage = value.percentage ?? done;
        progress.report({ message: value.message, increment: Math.max(0, percentage - done) });
        done = Math.max(done, percentage);
      });
      try {
        const summary = (await client.sendRequest(
          ExecuteCommandRequest.type,
          { command: SCAN_WORKSPACE, arguments: [], workDoneToken: token },
          cancellation,
        )) as ScanSummary | null;
        if (summary) showSummary(summary);
        return summary ?? undefined;
      } catch (error) {
        return failed(error, cancellation);
      } finally {
        listener.dispose();
      }
    },
  );
}

function failed(error: unknown, cancellation: CancellationToken): undefined {
  if (cancellation.isCancellationRequested) {
    void window.showInformationMessage('Scopewise: the workspace scan was cancelled.');
  } else {
    void window.showErrorMessage(
      `Scopewise could not scan the workspace: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return undefined;
}

const SHOW_PROBLEMS = 'Show Problems';

/** The final message; not awaited, so the command resolves while the message is still up. */
function showSummary(summary: ScanSummary): void {
  const files = plural(summary.files, 'file');
  let text: string;
  if (summary.files === 0) {
    text = 'Scopewise found no JSON or YAML files to scan in the workspace folders.';
  } else if (summary.problems === 0) {
    text = `Scopewise scanned ${files}${summary.cancelled ? ' before it was cancelled' : ''}: no problems.`;
  } else {
    text =
      `Scopewise scanned ${files}${summary.cancelled ? ' before it was cancelled' : ''}: ` +
      `${plural(summary.problems, 'problem')} in ${plural(summary.filesWithProblems, 'file')}.`;
  }
  const actions = summary.problems > 0 ? [SHOW_PROBLEMS] : [];
  void window.showInformationMessage(text, ...actions).then((choice) => {
    if (choice === SHOW_PROBLEMS) void commands.executeCommand('workbench.actions.view.problems');
  });
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
