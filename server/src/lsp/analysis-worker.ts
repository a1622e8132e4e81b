/**
 * An analysis worker (worker_threads): the engine runs here, off the language server's main
 * thread, so that one costly document never holds up the requests of the others. It holds the
 * analyses the main thread tells it to keep (analysis-pool.ts decides, and sends `drop`), and
 * answers every feature of a document from the one analysis of its version. Bundled as
 * `dist/analysis-worker.js`, beside the server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Catalog } from '../analysis';
import { loadCatalog } from '../node/catalog-files';
import { codeActions, resolveFixAll } from './code-actions';
import { toDiagnostics } from './diagnostics';
import { analyzeDocument, type DocumentAnalysis } from './document-analysis';
import { describeError, describeInternalError } from './guard';
import { completionAt, hoverAt, symbolsOf } from './language-features';
import {
  CANCEL_SLOT,
  type AnalysisSummary,
  type FromWorker,
  type JobMessage,
  type ToWorker,
} from './worker-protocol';

/** Over this many characters a document is heavy before its analysis starts (a 1,000-line template has some 40,000). */
const HEAVY_TEXT = 1_000_000;
/**
 * Past this many units of work a document is heavy (the engine's work budget counts them; the
 * heaviest file of the corpus spends 680,802).
 */
const HEAVY_WORK = 1_000_000;

const port = parentPort;
if (!port) throw new Error('analysis-worker.ts runs as a worker thread');
const cancelWord = new Int32Array((workerData as { cancel: SharedArrayBuffer }).cancel);
const held = new Map<string, DocumentAnalysis>();

let catalog: Catalog | undefined;
let catalogProblem: string | undefined;
try {
  catalog = loadCatalog();
} catch (error) {
  catalogProblem = describeError(error);
}

const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'drop') {
    for (const uri of message.uris) held.delete(uri);
    return;
  }
  try {
    run(message);
  } catch (error) {
    send({ type: 'failed', id: message.id, error: describeError(error) });
  }
});
send({ type: 'ready' });

function run(job: JobMessage): void {
  if (!catalog) throw new Error(`The IAM catalog is not loaded: ${catalogProblem ?? ''}`);
  const { key } = job;
  let result = held.get(key.uri);
  let analysed: AnalysisSummary | undefined;
  if (!result || !sameKey(result, job)) {
    if (!job.input) {
      send({ type: 'missing', id: job.id });
      return;
    }
    // The main thread asks for a stale job to stop by writing its id to the shared word. The
    // analysis keeps its options (fixes re-analyse with them), so the check ends with the job.
    let running = true;
    let heavy = false;
    const becameHeavy = () => {
      heavy = true;
      send({ type: 'heavy', id: job.id });
    };
    if (job.input.snapshot.text.length > HEAVY_TEXT) becameHeavy();
    const cancelled = (spent: number) => {
      if (!running) return false;
      if (!heavy && spent > HEAVY_WORK) becameHeavy();
      return Atomics.load(cancelWord, CANCEL_SLOT) === job.id;
    };
    result = analyzeDocument(job.input.snapshot, {
      catalog,
      settings: job.input.settings,
      generation: key.generation,
      explicit: job.input.explicit,
      cancelled,
    });
    const stale = result.analysis.cancelled === true || cancelled(0);
    running = false;
    if (stale) {
      send({ type: 'cancelled', id: job.id });
      return;
    }
    // A scan's analysis (keep: false) leaves what is held for the open document alone.
    if (job.keep) held.set(key.uri, result);
    analysed = {
      kind: result.analysis.kind,
      findings: result.analysis.findings.length,
      problems: result.analysis.document.problems.length,
      internalErrors: result.analysis.internalErrors.map(describeInternalError),
    };
  }
  send({ type: 'done', id: job.id, analysed, result: answer(job, result, catalog) });
}

function sameKey(result: DocumentAnalysis, job: JobMessage): boolean {
  return result.version === job.key.version && result.generation === job.key.generation;
}

function answer(job: JobMessage, result: DocumentAnalysis, catalog: Catalog): unknown {
  const { request } = job;
  switch (request.kind) {
    case 'diagnostics': {
      const diagnostics = toDiagnostics(result);
      // Diagnostics of closed files carry no version: code actions only run on open documents.
      return job.keep ? diagnostics : diagnostics.map(({ data: _data, ...rest }) => rest);
    }
    case 'hover':
      return hoverAt(result, catalog, request.position);
    case 'completion':
      return completionAt(result, catalog, request.position, request.snippets);
    case 'symbols':
      return symbolsOf(result, request.hierarchical);
    case 'codeActions':
      return codeActions(result, request.params, request.options);
    case 'resolveFixAll':
      return resolveFixAll(request.action, result, request.options);
  }
}
