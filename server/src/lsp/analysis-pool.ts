import { Worker } from 'node:worker_threads';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { DocumentSnapshot } from './document-analysis';
import {
  CANCEL_SLOT,
  type AnalysisInput,
  type AnalysisKey,
  type AnalysisSummary,
  type FeatureKind,
  type FeatureRequest,
  type FeatureResults,
  type FromWorker,
  type ToWorker,
} from './worker-protocol';

/**
 * How many documents keep their analysis (tree, model, findings) in memory, over all workers. A
 * document that drops out has already published its diagnostics; a later hover or code action
 * analyses it again.
 */
export const MAX_CACHED_ANALYSES = 12;

/**
 * Analysis workers at most. Two: one costly document keeps one busy while the other serves every
 * other document; more would only compete for the cores with the editor itself.
 */
export const DEFAULT_WORKERS = 2;

/**
 * The first worker runs from the start; another starts only when every running worker is
 * analysing a heavy document (the worker says so: over `HEAVY_TEXT` characters or
 * `HEAVY_WORK` units of work, see analysis-worker.ts), and stops again after
 * {@link IDLE_RETIRE_MS} without work. Each worker holds its own catalog and heap (some 50 to 75 MB
 * after opening 50 templates), which ordinary documents never need twice. The retirement timer
 * only decides where a job runs, never what it answers.
 */
export const IDLE_RETIRE_MS = 60_000;

/** What the pool needs from the server. */
export interface PoolHost {
  /** The settings and the rest of what analysing this snapshot takes. */
  prepare(snapshot: DocumentSnapshot): Promise<AnalysisInput>;
  /** A document was analysed (for the status notification, known kinds and the log). */
  analysed(key: AnalysisKey, summary: AnalysisSummary): void;
  log(message: string): void;
}

export interface PoolOptions {
  /** The worker's script (`dist/analysis-worker.js`). */
  readonly script: string;
  readonly size?: number;
  /** Passed to each worker, for running it from TypeScript sources in tests. */
  readonly execArgv?: readonly string[];
}

interface Job {
  readonly id: number;
  readonly key: AnalysisKey;
  readonly keep: boolean;
  readonly request: FeatureRequest;
  readonly input: AnalysisInput;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Set on dispatch: the worker analyses (or fixes all, which re-analyses): a long job. */
  analyses?: boolean;
  /** The worker said it did not hold the analysis: send the input whatever the records say. */
  withInput?: boolean;
}

interface Slot {
  /** Undefined while this worker is not running (only the first one always is). */
  worker: Worker | undefined;
  cancel: Int32Array;
  job: Job | undefined;
  /** The worker said the running job's document is heavy. */
  heavy: boolean;
  retireTimer: NodeJS.Timeout | undefined;
}

/** What a request for an older version, or for a closed document, is answered with. */
export function contentModified(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.ContentModified, 'The document changed');
}

/**
 * Runs the engine in worker threads, so that hover, completion and the diagnostics of every other
 * document stay responsive while one document is analysed. Each request names a document version;
 * the worker that holds that version's analysis answers it, so diagnostics, hover, completion and
 * code actions read one analysis per version. Scheduling, all on the main thread:
 *
 * - a worker runs one job at a time; jobs wait in one queue, first come first served;
 * - a job goes to the worker holding its analysis when that one is free, or busy with a short job
 *   (a feature over an analysis it holds); when that worker is busy analysing another document,
 *   or nobody holds the analysis, to a free worker, which analyses the document first;
 * - a request for a newer version (or closing the document) cancels the older version's queued
 *   jobs and stops its running analysis at the engine's next unit of work (`AnalyzeOptions.
 *   cancelled`, through a word of shared memory); they answer `ContentModified`.
 *
 * The pool decides which analyses the workers keep: the {@link MAX_CACHED_ANALYSES} most recently
 * used, one worker each.
 */
export class AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  /** Where each kept analysis is, in recency order. */
  private readonly homes = new Map<string, { slot: Slot; key: AnalysisKey }>();
  /** The newest version asked for, per document: anything older is stale. */
  private readonly latest = new Map<string, AnalysisKey>();
  private nextId = 1;
  private currentGeneration = 0;
  private disposed = false;

  constructor(
    private readonly host: PoolHost,
    private readonly options: PoolOptions,
  ) {
    const size = Math.max(1, options.size ?? DEFAULT_WORKERS);
    for (let i = 0; i < size; i++) {
      this.slots.push({
        worker: undefined,
        cancel: new Int32Array(0),
        job: undefined,
        heavy: false,
        retireTimer: undefined,
      });
    }
    this.startWorker(this.slots[0] as Slot);
  }

  /** Increases whenever settings change; analyses of older generations are recomputed. */
  get generation(): number {
    return this.currentGeneration;
  }

  /**
   * Answers a feature request from the analysis of this snapshot's version, analysing it first if
   * no worker holds it. `keep: false` (the workspace scan of closed files) analyses without
   * keeping, and neither cancels nor is cancelled by the document's own requests.
   */
  async request<K extends FeatureKind>(
    snapshot: DocumentSnapshot,
    request: Extract<FeatureRequest, { kind: K }>,
    keep = true,
  ): Promise<FeatureResults[K]> {
    const key: AnalysisKey = {
      uri: snapshot.uri,
      version: snapshot.version,
      generation: this.currentGeneration,
    };
    if (keep) {
      if (this.isStale(key)) throw contentModified();
      const latest = this.latest.get(key.uri);
      if (!latest || !sameKey(latest, key)) {
        this.latest.set(key.uri, key);
        this.cancelOlder(key);
      }
    }
    const input = await this.host.prepare(snapshot);
    // The user may have typed, or the settings changed, while the settings were read.
    if (keep && this.isStale(key)) throw contentModified();
    if (this.disposed) throw contentModified();
    return new Promise<FeatureResults[K]>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        key,
        keep,
        request,
        input,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.dispatch();
    });
  }

  /** Settings changed: every kept analysis is stale. */
  invalidateAll(): void {
    this.currentGeneration++;
  }

  /** The document was closed: drop its analysis and stop its work. */
  delete(uri: string): void {
    this.latest.delete(uri);
    this.cancelOlder({ uri, version: Infinity, generation: Infinity });
    const home = this.homes.get(uri);
    if (home) {
      this.homes.delete(uri);
      this.post(home.slot, { type: 'drop', uris: [uri] });
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.reject(contentModified());
    for (const slot of this.slots) {
      clearTimeout(slot.retireTimer);
      slot.job?.reject(contentModified());
      slot.job = undefined;
      void slot.worker?.terminate();
    }
  }

  /** How many workers are running (for tests). */
  get workerCount(): number {
    return this.slots.filter((slot) => slot.worker).length;
  }

  /** How many analyses the workers hold (for tests). */
  get heldCount(): number {
    return this.homes.size;
  }

  /** The documents being analysed now, as `uri@version` (for tests). */
  get analysing(): string[] {
    return this.slots
      .filter((slot) => slot.job?.analyses)
      .map((slot) => `${slot.job?.key.uri}@${slot.job?.key.version}`);
  }

  private isStale(key: AnalysisKey): boolean {
    const latest = this.latest.get(key.uri);
    return (
      latest !== undefined && (key.version < latest.version || key.generation < latest.generation)
    );
  }

  /** Rejects the queued jobs of other versions of the document and stops their analysis. */
  private cancelOlder(key: AnalysisKey): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (job?.keep && job.key.uri === key.uri && !sameKey(job.key, key)) {
        this.queue.splice(i, 1);
        job.reject(contentModified());
      }
    }
    for (const slot of this.slots) {
      const job = slot.job;
      if (job?.keep && job.analyses && job.key.uri === key.uri && !sameKey(job.key, key)) {
        Atomics.store(slot.cancel, CANCEL_SLOT, job.id);
      }
    }
  }

  private dispatch(): void {
    for (let i = 0; i < this.queue.length;) {
      const job = this.queue[i] as Job;
      const slot = this.choose(job);
      if (!slot) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.start(slot, job);
    }
    if (this.queue.length > 0) this.startAnotherIfStalled();
  }

  /** When every running worker is analysing a heavy document, starts one more. */
  private startAnotherIfStalled(): void {
    const stopped = this.slots.find((slot) => !slot.worker);
    if (!stopped || this.disposed) return;
    const running = this.slots.filter((slot) => slot.worker);
    if (running.every((slot) => slot.job?.analyses && slot.heavy)) {
      this.startWorker(stopped);
      this.dispatch();
    }
  }

  private choose(job: Job): Slot | undefined {
    const holder = job.keep && !job.withInput ? this.holderOf(job.key) : undefined;
    if (holder && !holder.job) return holder;
    // Its current job only reads an analysis it holds: soon done, and no second parse.
    if (holder?.job && !holder.job.analyses) return undefined;
    if (
      job.keep &&
      this.slots.some(
        (slot) => slot.job?.keep && slot.job.analyses && sameKey(slot.job.key, job.key),
      )
    ) {
      return undefined; // Being analysed: its worker will hold it.
    }
    let best: Slot | undefined;
    let bestHeld = Infinity;
    for (const slot of this.slots) {
      if (slot.job || !slot.worker) continue;
      const held = [...this.homes.values()].filter((home) => home.slot === slot).length;
      if (held < bestHeld) {
        best = slot;
        bestHeld = held;
      }
    }
    return best;
  }

  private holderOf(key: AnalysisKey): Slot | undefined {
    const home = this.homes.get(key.uri);
    return home && sameKey(home.key, key) ? home.slot : undefined;
  }

  private start(slot: Slot, job: Job): void {
    const holds = job.keep && !job.withInput && this.holderOf(job.key) === slot;
    job.analyses = !holds || job.request.kind === 'resolveFixAll';
    slot.job = job;
    slot.heavy = false;
    clearTimeout(slot.retireTimer);
    slot.retireTimer = undefined;
    if (holds) {
      // Map order is recency order.
      const home = this.homes.get(job.key.uri);
      if (home) {
        this.homes.delete(job.key.uri);
        this.homes.set(job.key.uri, home);
      }
    }
    this.post(slot, {
      type: 'job',
      id: job.id,
      key: job.key,
      input: holds ? undefined : job.input,
      keep: job.keep,
      request: job.request,
    });
  }

  private finished(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') return;
    if (message.type === 'heavy') {
      // Started now rather than when a job has to wait: it has loaded its catalog by then.
      if (slot.job?.id === message.id) slot.heavy = true;
      this.startAnotherIfStalled();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    slot.job = undefined;
    switch (message.type) {
      case 'done':
        if (message.analysed && job.keep) {
          // A version the user has typed past, or of a closed document, is answered but not kept
          // (the worker replaced what it held for the document with it).
          if (!this.latest.has(job.key.uri) || this.isStale(job.key)) {
            this.post(slot, { type: 'drop', uris: [job.key.uri] });
            if (this.homes.get(job.key.uri)?.slot === slot) this.homes.delete(job.key.uri);
          } else {
            this.keepAt(slot, job.key);
          }
          this.host.analysed(job.key, message.analysed);
        }
        job.resolve(message.result);
        break;
      case 'cancelled':
        job.reject(contentModified());
        break;
      case 'missing':
        this.queue.unshift({ ...job, withInput: true });
        break;
      case 'failed':
        job.reject(new Error(`The analysis worker failed: ${message.error}`));
        break;
    }
    this.dispatch();
    if (!slot.job && slot !== this.slots[0]) {
      slot.retireTimer = setTimeout(() => this.retire(slot), IDLE_RETIRE_MS);
      slot.retireTimer.unref();
    }
  }

  /** An extra worker with nothing to do for a while stops; its analyses go with it. */
  private retire(slot: Slot): void {
    slot.retireTimer = undefined;
    const worker = slot.worker;
    if (slot.job || !worker) return;
    slot.worker = undefined;
    for (const [uri, home] of this.homes) if (home.slot === slot) this.homes.delete(uri);
    void worker.terminate();
  }

  /** Records where the analysis is kept, moving it from another worker and evicting the oldest. */
  private keepAt(slot: Slot, key: AnalysisKey): void {
    const previous = this.homes.get(key.uri);
    if (previous && previous.slot !== slot) {
      this.post(previous.slot, { type: 'drop', uris: [key.uri] });
    }
    this.homes.delete(key.uri);
    this.homes.set(key.uri, { slot, key });
    for (const [uri, home] of this.homes) {
      if (this.homes.size <= MAX_CACHED_ANALYSES) break;
      this.homes.delete(uri);
      this.post(home.slot, { type: 'drop', uris: [uri] });
    }
  }

  private startWorker(slot: Slot): void {
    const cancel = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(this.options.script, {
      workerData: { cancel: cancel.buffer },
      execArgv: this.options.execArgv ? [...this.options.execArgv] : undefined,
    });
    slot.worker = worker;
    slot.cancel = cancel;
    worker.on('message', (message: FromWorker) => this.finished(slot, message));
    worker.on('error', (error) => this.host.log(`An analysis worker failed: ${error.name}`));
    worker.on('exit', () => this.replace(slot, worker));
    // The server exits when its connection ends, whatever its workers are doing.
    worker.unref();
  }

  /** A worker exited (a crash, or out of memory): its job fails, its analyses are gone. */
  private replace(slot: Slot, exited: Worker): void {
    if (this.disposed || slot.worker !== exited) return;
    clearTimeout(slot.retireTimer);
    const job = slot.job;
    slot.job = undefined;
    for (const [uri, home] of this.homes) if (home.slot === slot) this.homes.delete(uri);
    job?.reject(new Error('The analysis worker stopped'));
    this.startWorker(slot);
    this.dispatch();
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker?.postMessage(message);
  }
}

function sameKey(a: AnalysisKey, b: AnalysisKey): boolean {
  return a.uri === b.uri && a.version === b.version && a.generation === b.generation;
}
