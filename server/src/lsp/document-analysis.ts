import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, LineIndex, type Analysis, type Catalog, type DocumentKind } from '../analysis';
import { engineFileName } from './document-path';
import type { DocumentSettings } from './settings';

/**
 * A document's text at one version. Open documents are updated in place by incremental changes,
 * so anything that waits (for settings) must hold a snapshot, not the document.
 */
export interface DocumentSnapshot {
  readonly uri: string;
  readonly languageId: string;
  readonly version: number;
  readonly text: string;
  /** `text` is the start of a file cut at the read limit (the workspace scan). */
  readonly truncated?: boolean;
}

export function snapshotOf(document: TextDocument): DocumentSnapshot {
  return {
    uri: document.uri,
    languageId: document.languageId,
    version: document.version,
    text: document.getText(),
  };
}

/** One analysis of one version of one document, shared by diagnostics, hover and code actions. */
export interface DocumentAnalysis {
  readonly uri: string;
  readonly version: number;
  /** Which settings generation produced it; a settings change makes it stale. */
  readonly generation: number;
  readonly analysis: Analysis;
  /** Positions in the analysed text, which is this version's text. */
  readonly lines: LineIndex;
}

export interface AnalyzeDocumentOptions {
  readonly catalog: Catalog;
  readonly settings: DocumentSettings;
  readonly generation: number;
  /**
   * Report `parse-error` even when the kind cannot be told: the document was one of ours until
   * this edit, and a user who breaks a policy should see why its findings went away.
   */
  readonly explicit: boolean;
  /** Stops the analysis (it comes back `cancelled`): a newer version is waiting. */
  readonly cancelled?: (spent: number) => boolean;
}

/** Analyses one snapshot with the given settings. */
export function analyzeDocument(
  document: DocumentSnapshot,
  { catalog, settings, generation, explicit, cancelled }: AnalyzeDocumentOptions,
): DocumentAnalysis {
  const { text } = document;
  const analysis = analyze(text, {
    catalog,
    fileName: engineFileName(document.uri, document.languageId),
    rules: settings.rules,
    allowActions: settings.allowActions,
    maxSize: settings.maxSize,
    policyType: settings.policyType,
    ignore: settings.ignore,
    explicit,
    cancelled,
    truncated: document.truncated,
  });
  return {
    uri: document.uri,
    version: document.version,
    generation,
    analysis,
    lines: new LineIndex(text),
  };
}

/**
 * Remembers which documents were of a kind Scopewise analyses, for {@link AnalyzeDocumentOptions.explicit}.
 * A document that parses cleanly into something else stops counting.
 */
export class KnownKinds {
  private readonly kinds = new Map<string, DocumentKind>();

  wasOurs(uri: string): boolean {
    return this.kinds.has(uri);
  }

  record(uri: string, kind: DocumentKind, problems: number): void {
    if (kind !== 'unknown') this.kinds.set(uri, kind);
    else if (problems === 0) this.kinds.delete(uri);
  }

  forget(uri: string): void {
    this.kinds.delete(uri);
  }
}
