import {
  StatusBarAlignment,
  window,
  type Disposable,
  type StatusBarItem,
  type TextEditor,
} from 'vscode';
import { kindLabel, type DocumentStatus, type DocumentStatusStore } from './document-status';

/**
 * The status bar entry naming the kind of the active document ("$(shield) Scopewise:
 * CloudFormation"). It is hidden while the active editor holds a document of no known kind.
 */
export class KindStatusBar implements Disposable {
  private readonly item: StatusBarItem;
  private shown: string | undefined;

  constructor(
    private readonly store: DocumentStatusStore,
    command: string,
  ) {
    this.item = window.createStatusBarItem('scopewise.kind', StatusBarAlignment.Right, 100);
    this.item.name = 'Scopewise document kind';
    this.item.command = command;
  }

  /** Shows the status of the active editor's document, or hides the entry. */
  refresh(editor: TextEditor | undefined = window.activeTextEditor): void {
    const status = editor ? this.store.get(editor.document.uri) : undefined;
    const label = status ? kindLabel(status.kind) : undefined;
    if (!status || !label) {
      this.shown = undefined;
      this.item.hide();
      return;
    }
    this.shown = `$(shield) Scopewise: ${label}`;
    this.item.text = this.shown;
    this.item.tooltip = tooltip(label, status);
    this.item.show();
  }

  /** The text on show, or undefined while hidden. */
  get text(): string | undefined {
    return this.shown;
  }

  dispose(): void {
    this.item.dispose();
  }
}

function tooltip(label: string, status: DocumentStatus): string {
  const findings =
    status.findings === 0
      ? 'no findings'
      : status.findings === 1
        ? '1 finding'
        : `${status.findings} findings`;
  return `Scopewise: ${label}, ${findings}. Click to show the Scopewise output.`;
}
