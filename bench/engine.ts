/**
 * Engine figures: warm analysis time (median of many runs in this process after warm-up), cold
 * analysis time (first run in a fresh process), catalog load time, and a sweep of the corpus for
 * the slowest real template.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, Catalog } from '../server/src/analysis';
import { fileCatalogSource } from '../server/src/node/catalog-files';
import { corpusTemplates } from './corpus';
import { generateTemplate, lineCount, type TemplateFormat } from './generate';
import { median, p95 } from './stats';

export const WARMUP_RUNS = 5;
export const TIMED_RUNS = 20;

export interface EngineCase {
  readonly format: TemplateFormat;
  readonly targetLines: number;
  readonly lines: number;
  readonly bytes: number;
  readonly findings: number;
  readonly warm: {
    readonly medianMs: number;
    readonly p95Ms: number;
    readonly minMs: number;
    readonly runs: number;
  };
  /** First analysis in a fresh process (catalog loaded just before, not counted). */
  readonly coldMs: number;
  /** Catalog load time in that fresh process. */
  readonly catalogMs: number;
}

export interface CorpusFileTiming {
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
  readonly medianMs: number;
  readonly linesPerSecond: number;
  readonly kilobytesPerSecond: number;
}

export interface CorpusSweep {
  readonly files: number;
  /** Sum of the analysis times of the second pass. */
  readonly totalMs: number;
  /** The slowest files of the sweep, each re-measured warm. */
  readonly slowest: readonly CorpusFileTiming[];
}

const root = join(__dirname, '..');

/** Times `run` warm: discards the first runs, then returns the samples of the next ones. */
export function timeWarm(run: () => void, warmup = WARMUP_RUNS, runs = TIMED_RUNS): number[] {
  for (let i = 0; i < warmup; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples;
}

export function measureEngineCase(
  catalog: Catalog,
  format: TemplateFormat,
  targetLines: number,
): EngineCase {
  // Cold first, in its own process, so that nothing this process did can help it.
  const cold = JSON.parse(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench', 'engine-cold.ts'), format, String(targetLines)],
      {
        cwd: root,
        encoding: 'utf8',
      },
    ),
  ) as { catalogMs: number; firstMs: number };

  const text = generateTemplate({ lines: targetLines, format });
  const fileName = `bench.${format}`;
  let findings = 0;
  const samples = timeWarm(() => {
    findings = analyze(text, { catalog, fileName }).findings.length;
  });
  return {
    format,
    targetLines,
    lines: lineCount(text),
    bytes: Buffer.byteLength(text),
    findings,
    warm: {
      medianMs: median(samples),
      p95Ms: p95(samples),
      minMs: Math.min(...samples),
      runs: samples.length,
    },
    coldMs: cold.firstMs,
    catalogMs: cold.catalogMs,
  };
}

/** Analyses every corpus template twice, then re-measures the slowest `top` of them warm. */
export function sweepCorpus(catalog: Catalog, corpusDirectory: string, top = 3): CorpusSweep {
  const files = corpusTemplates(corpusDirectory).map((path) => ({
    path,
    text: readFileSync(join(corpusDirectory, path), 'utf8'),
    ms: Infinity,
  }));
  // Two passes, keeping each file's faster run: the first pass also warms the engine up, and on
  // a busy machine one run can be delayed by the scheduler.
  let totalMs = 0;
  for (let pass = 0; pass < 2; pass++) {
    totalMs = 0;
    for (const file of files) {
      const start = performance.now();
      analyze(file.text, { catalog, fileName: file.path });
      const elapsed = performance.now() - start;
      totalMs += elapsed;
      file.ms = Math.min(file.ms, elapsed);
    }
  }
  const timings = [...files];
  timings.sort((a, b) => b.ms - a.ms);
  const slowest = timings.slice(0, top).map(({ path, text }) => {
    const samples = timeWarm(() => analyze(text, { catalog, fileName: path }), 3, 15);
    const medianMs = median(samples);
    const bytes = Buffer.byteLength(text);
    const lines = lineCount(text);
    return {
      path,
      lines,
      bytes,
      medianMs,
      linesPerSecond: (lines / medianMs) * 1000,
      kilobytesPerSecond: (bytes / 1024 / medianMs) * 1000,
    };
  });
  return { files: files.length, totalMs, slowest };
}

export function loadCatalogTimed(): { catalog: Catalog; ms: number } {
  const start = performance.now();
  const catalog = new Catalog(fileCatalogSource());
  return { catalog, ms: performance.now() - start };
}
