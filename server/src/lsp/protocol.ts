// Shared with the VS Code client (client/src/document-status.ts), so it imports only the protocol
// package that both sides use, never vscode-languageserver itself.
import { NotificationType } from 'vscode-languageserver-protocol';
import type { DocumentKind } from '../analysis';

export type { DocumentKind };

/** Sent after each analysis of an open document; the VS Code client shows `kind` in its status bar. */
export interface DocumentStatus {
  readonly uri: string;
  readonly kind: DocumentKind;
  readonly version: number;
  /** The number of diagnostics published for this version. */
  readonly findings: number;
}

/** `scopewise/documentStatus`: the name and shape are a contract with the client. */
export const documentStatusNotification = new NotificationType<DocumentStatus>(
  'scopewise/documentStatus',
);

/** The code action kind of "fix all safe problems", under the standard `source.fixAll`. */
export const FIX_ALL_KIND = 'source.fixAll.scopewise';
