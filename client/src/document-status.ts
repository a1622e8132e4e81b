import type { Uri } from 'vscode';
import {
  documentStatusNotification,
  type DocumentKind,
  type DocumentStatus,
} from '../../server/src/lsp/protocol';

export { documentStatusNotification, type DocumentStatus };

const KIND_LABELS: ReadonlyMap<DocumentKind, string> = new Map([
  ['iam-policy', 'IAM policy'],
  ['codepipeline', 'CodePipeline'],
  ['cloudformation', 'CloudFormation'],
]);

/** The name shown to users for a kind, or undefined for documents Scopewise does not analyse. */
export function kindLabel(kind: string): string | undefined {
  return KIND_LABELS.get(kind as DocumentKind);
}

/**
 * The latest status per document, keyed by the URI string as VS Code prints it, so that a URI
 * from the server and one from the editor compare equal even when they were encoded differently.
 */
export class DocumentStatusStore {
  private readonly statuses = new Map<string, DocumentStatus>();

  constructor(private readonly parseUri: (value: string) => Uri) {}

  /** Records a status unless a newer version of the same document is already known. */
  update(status: DocumentStatus): boolean {
    const key = this.keyOf(status.uri);
    if (key === undefined) return false;
    const known = this.statuses.get(key);
    if (known && known.version > status.version) return false;
    this.statuses.set(key, status);
    return true;
  }

  get(uri: Uri): DocumentStatus | undefined {
    return this.statuses.get(uri.toString());
  }

  delete(uri: Uri): void {
    this.statuses.delete(uri.toString());
  }

  clear(): void {
    this.statuses.clear();
  }

  private keyOf(value: string): string | undefined {
    try {
      return this.parseUri(value).toString();
    } catch {
      // A malformed URI from the server names no open document; ignoring it is the only option.
      return undefined;
    }
  }
}
