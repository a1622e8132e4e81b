/**
 * The messages between the language server's main thread and its analysis workers
 * (analysis-pool.ts on the main thread, analysis-worker.ts in each worker). Everything here
 * survives structured cloning: plain data, Maps and Sets, LSP types.
 */
import type {
  CodeAction,
  CodeActionParams,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Position,
  SymbolInformation,
} from 'vscode-languageserver';
import type { DocumentKind } from '../analysis';
import type { CodeActionOptions } from './code-actions';
import type { DocumentSnapshot } from './document-analysis';
import type { DocumentSettings } from './settings';

/** One analysis: a document version under one settings generation. */
export interface AnalysisKey {
  readonly uri: string;
  readonly version: number;
  readonly generation: number;
}

/** What a worker needs to analyse a document it does not hold. */
export interface AnalysisInput {
  readonly snapshot: DocumentSnapshot;
  readonly settings: DocumentSettings;
  /** See `AnalyzeDocumentOptions.explicit`. */
  readonly explicit: boolean;
}

/** What is asked of the analysis, with what each answers. */
export type FeatureRequest =
  | { readonly kind: 'diagnostics' }
  | { readonly kind: 'hover'; readonly position: Position }
  | { readonly kind: 'completion'; readonly position: Position; readonly snippets: boolean }
  | { readonly kind: 'symbols'; readonly hierarchical: boolean }
  | {
      readonly kind: 'codeActions';
      readonly params: CodeActionParams;
      readonly options: CodeActionOptions;
    }
  | {
      readonly kind: 'resolveFixAll';
      readonly action: CodeAction;
      readonly options: CodeActionOptions;
    };

export interface FeatureResults {
  readonly diagnostics: Diagnostic[];
  readonly hover: Hover | null;
  readonly completion: CompletionList;
  readonly symbols: DocumentSymbol[] | SymbolInformation[];
  readonly codeActions: CodeAction[];
  readonly resolveFixAll: CodeAction;
}

export type FeatureKind = FeatureRequest['kind'];

export interface JobMessage {
  readonly type: 'job';
  readonly id: number;
  readonly key: AnalysisKey;
  /** Present when the worker does not hold the key's analysis. */
  readonly input?: AnalysisInput;
  /** Keep the analysis for later requests (false for workspace scans of closed files). */
  readonly keep: boolean;
  readonly request: FeatureRequest;
}

/** The worker no longer holds these documents' analyses (the main thread decides what is kept). */
export interface DropMessage {
  readonly type: 'drop';
  readonly uris: readonly string[];
}

export type ToWorker = JobMessage | DropMessage;

/** What the main thread learns of each analysis: the status notification and the logs. */
export interface AnalysisSummary {
  readonly kind: DocumentKind;
  readonly findings: number;
  /** Parse problems: a document of unknown kind that parsed cleanly stops counting as ours. */
  readonly problems: number;
  /** Already masked and described for the log (`describeInternalError`). */
  readonly internalErrors: readonly string[];
}

export type FromWorker =
  | { readonly type: 'ready' }
  /**
   * The job's document is heavy (long, or costly to analyse): the pool may start another worker
   * for the jobs waiting behind it.
   */
  | { readonly type: 'heavy'; readonly id: number }
  | {
      readonly type: 'done';
      readonly id: number;
      /** Set when the job analysed the document. */
      readonly analysed?: AnalysisSummary;
      readonly result: unknown;
    }
  /** The main thread cancelled the job's analysis (a newer version came). */
  | { readonly type: 'cancelled'; readonly id: number }
  /** The worker does not hold the analysis and was given no input (should not happen). */
  | { readonly type: 'missing'; readonly id: number }
  /** The job failed; `error` is described for the log, without document text. */
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

/** The cancellation word shared with each worker: the id of the job to stop. */
export const CANCEL_SLOT = 0;
