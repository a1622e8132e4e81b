import type { TextDocument } from 'vscode-languageserver-textdocument';
import { snapshotOf, type DocumentAnalysis, type DocumentSnapshot } from './document-analysis';

interface Entry {
  readonly version: number;
  readonly generation: number;
  readonly analysis: Promise<DocumentAnalysis>;
}

/**
 * How many documents keep their analysis (tree, model, findings) in memory. A document that drops
 * out has already published its diagnostics; a later hover or code action analyses it again.
 */
export const MAX_CACHED_ANALYSES = 12;

/**
 * One analysis per document version and settings generation, for the most recently used
 * documents. Entries are promises, so that a hover arriving while diagnostics are being computed
 * waits for the same analysis instead of parsing the document a second time.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();
  private currentGeneration = 0;

  constructor(
    private readonly compute: (
      document: DocumentSnapshot,
      generation: number,
    ) => Promise<DocumentAnalysis>,
  ) {}

  /** Increases whenever settings change; analyses of older generations are recomputed. */
  get generation(): number {
    return this.currentGeneration;
  }

  /** The analysis of the document's current version, computed at most once. */
  get(document: TextDocument): Promise<DocumentAnalysis> {
    const entry = this.entries.get(document.uri);
    if (
      entry &&
      entry.version === document.version &&
      entry.generation === this.currentGeneration
    ) {
      // Map order is recency order: move the entry to the end.
      this.entries.delete(document.uri);
      this.entries.set(document.uri, entry);
      return entry.analysis;
    }
    const created: Entry = {
      version: document.version,
      generation: this.currentGeneration,
      analysis: this.compute(snapshotOf(document), this.currentGeneration),
    };
    this.entries.delete(document.uri);
    this.entries.set(document.uri, created);
    for (const uri of this.entries.keys()) {
      if (this.entries.size <= MAX_CACHED_ANALYSES) break;
      this.entries.delete(uri);
    }
    // A failed analysis must not stick: the next request tries again.
    created.analysis.catch(() => {
      if (this.entries.get(document.uri) === created) this.entries.delete(document.uri);
    });
    return created.analysis;
  }

  /** Settings changed: every cached analysis is stale. */
  invalidateAll(): void {
    this.currentGeneration++;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
