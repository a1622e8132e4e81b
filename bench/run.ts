/**
 * `npm run bench [-- --quick] [-- --cfn-lint-step N]`: measures the figures of DESIGN.md section 8,
 * prints them beside their budgets and writes bench/results.json. Never fails on a budget: the
 * exit code is 1 only when a figure could not be measured (a crash or a timeout).
 *
 *   --quick             skip the corpus CLI run and cfn-lint (about a minute instead of several)
 *   --cfn-lint-step N   run cfn-lint on every Nth corpus template only, and compare on those
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { compareCli, type CliComparison } from './cli';
import { corpusDirectory, corpusTemplates } from './corpus';
import {
  loadCatalogTimed,
  measureEngineCase,
  sweepCorpus,
  type CorpusSweep,
  type EngineCase,
} from './engine';
import { hostileRows, measureHostile } from './hostile';
import { median } from './stats';
import {
  measureHoverWhileBusy,
  measureKeystrokes,
  measureMemory,
  measureRequests,
  measureStartup,
} from './lsp';
import {
  budgeted,
  info,
  megabytes,
  ms,
  renderTable,
  seconds,
  times,
  unavailable,
  type Row,
} from './table';

const root = join(__dirname, '..');
const serverPath = join(root, 'dist', 'server.js');
const cliPath = join(root, 'dist', 'cli.js');
/** The LSP and the CLI may still be being written: wait this long for their bundles. */
const BUNDLE_WAIT_MS = 5 * 60_000;

const ENGINE_BUDGETS: Record<string, number> = {
  'json-1000': 10,
  'yaml-1000': 50,
  'json-10000': 60,
  'yaml-10000': 500,
};

interface Options {
  readonly quick: boolean;
  readonly cfnLintStep: number;
}

function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let cfnLintStep = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--cfn-lint-step')
      cfnLintStep = Math.max(1, Number.parseInt(argv[++i] ?? '', 10) || 1);
    else throw new Error(`Unknown option ${arg}. Options: --quick, --cfn-lint-step N`);
  }
  return { quick, cfnLintStep };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error);
}

async function waitForFile(path: string, what: string): Promise<boolean> {
  const deadline = Date.now() + BUNDLE_WAIT_MS;
  if (!existsSync(path))
    log(
      `  waiting up to ${BUNDLE_WAIT_MS / 60_000} min for ${what} (${relative(root, path)}); run "npm run build"`,
    );
  while (!existsSync(path)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  return true;
}

function machine() {
  const cores = cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
  } catch {
    // Not a git checkout: the commit is only informative.
  }
  const built = (path: string) => (existsSync(path) ? statSync(path).mtime.toISOString() : null);
  return {
    node: process.version,
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    /** Other work on the machine skews every figure: the 1-minute load average at the start. */
    loadAverage: loadavg()[0] ?? 0,
    os: `${process.platform} ${release()}`,
    memoryBytes: totalmem(),
    commit,
    serverBuiltAt: built(serverPath),
    cliBuiltAt: built(cliPath),
  };
}

function engineRows(cases: readonly EngineCase[], sweep: CorpusSweep | undefined): Row[] {
  const rows: Row[] = [
    info(
      `engine cold start: catalog load, median of ${cases.length} fresh processes`,
      median(cases.map((c) => c.catalogMs)),
      'ms',
      ms,
    ),
  ];
  for (const c of cases) {
    const label = `${c.targetLines.toLocaleString('en')}-line ${c.format.toUpperCase()}`;
    rows.push(
      budgeted(
        `analyse ${label} (${c.lines} lines), warm median of ${c.warm.runs}`,
        c.warm.medianMs,
        'ms',
        { max: ENGINE_BUDGETS[`${c.format}-${c.targetLines}`] ?? Infinity },
        ms,
      ),
    );
  }
  for (const c of cases) {
    const label = `${c.targetLines.toLocaleString('en')}-line ${c.format.toUpperCase()}`;
    rows.push(info(`analyse ${label}, cold (first run, fresh process)`, c.coldMs, 'ms', ms));
  }
  if (sweep) {
    rows.push(
      info(
        `corpus sweep: ${sweep.files} templates, second pass (analysis only)`,
        sweep.totalMs,
        'ms',
        ms,
      ),
    );
    for (const file of sweep.slowest) {
      const name = file.path.split('/').pop() ?? file.path;
      rows.push(
        info(`slowest corpus file ${name} (${file.lines} lines), warm`, file.medianMs, 'ms', ms),
      );
      rows.push(
        info(
          `  throughput on it`,
          file.linesPerSecond,
          'lines/s',
          (v) => `${Math.round(v).toLocaleString('en')} lines/s`,
        ),
      );
    }
  }
  return rows;
}

async function lspRows(
  results: Record<string, unknown>,
): Promise<{ rows: Row[]; failed: boolean }> {
  const rows: Row[] = [];
  let failed = false;
  const keystrokeWhat = 'keystroke to diagnostics, 1,000-line YAML, median';
  const startupWhat = 'server start to first diagnostics, median of 5';
  const requestsWhat = 'completion after "service:", 1,000-line YAML';
  const memoryWhat = 'server RSS after opening 50 templates';
  const busyWhat = 'hover while another document is analysed';
  if (!(await waitForFile(serverPath, 'the language server'))) {
    for (const what of [keystrokeWhat, requestsWhat, busyWhat, startupWhat, memoryWhat])
      rows.push(unavailable(what, 'dist/server.js not built', 'skipped'));
    return { rows, failed };
  }
  const attempt = async <T>(
    name: string,
    what: string,
    budget: string,
    measure: () => Promise<T>,
    toRows: (value: T) => Row[],
  ) => {
    log(`- ${what}`);
    try {
      const value = await measure();
      results[name] = value;
      rows.push(...toRows(value));
    } catch (error) {
      failed = true;
      results[name] = { error: describe(error) };
      rows.push(unavailable(what, `failed: ${describe(error)}`.slice(0, 60), 'error', budget));
    }
  };
  await attempt(
    'keystrokes',
    keystrokeWhat,
    '< 100 ms',
    () => measureKeystrokes(serverPath, 30),
    (k) => [
      budgeted(`${keystrokeWhat} of ${k.edits}`, k.medianMs, 'ms', { max: 100 }, ms),
      info('keystroke to diagnostics, p95', k.p95Ms, 'ms', ms),
    ],
  );
  await attempt(
    'requests',
    requestsWhat,
    '',
    () => measureRequests(serverPath, 30),
    (r) => [
      info(`${requestsWhat}, median of ${r.requests}`, r.completionMedianMs, 'ms', ms),
      info('completion, p95', r.completionP95Ms, 'ms', ms),
      info(
        `hover on an action, 1,000-line YAML, median of ${r.requests}`,
        r.hoverMedianMs,
        'ms',
        ms,
      ),
      info('hover, p95', r.hoverP95Ms, 'ms', ms),
    ],
  );
  await attempt(
    'busyHover',
    busyWhat,
    '< 100 ms',
    () => measureHoverWhileBusy(serverPath, 5),
    (b) => [
      budgeted(
        `${busyWhat} (20,000 statements), median of ${b.runs}`,
        b.medianMs,
        'ms',
        { max: 100 },
        ms,
      ),
      info(`  slowest; answered first in ${b.answeredFirst} of ${b.runs}`, b.maxMs, 'ms', ms),
    ],
  );
  await attempt(
    'startup',
    startupWhat,
    '< 500 ms',
    () => measureStartup(serverPath, 5),
    (s) => [
      budgeted(startupWhat, s.medianMs, 'ms', { max: 500 }, ms),
      info('  of which spawn to initialize response', s.initializeMedianMs, 'ms', ms),
    ],
  );
  await attempt(
    'memory',
    memoryWhat,
    '< 150 MB',
    () => measureMemory(serverPath, 50),
    (m) => [
      budgeted(memoryWhat, m.rssBytes, 'bytes', { max: 150 * 1024 * 1024 }, megabytes),
      info('  server RSS idle, after initialize', m.idleRssBytes, 'bytes', megabytes),
    ],
  );
  return { rows, failed };
}

function cliRows(comparison: CliComparison): Row[] {
  const rows: Row[] = [
    info(
      `CLI over ${comparison.files} corpus templates, median of ${comparison.scopewise.samplesMs.length}`,
      comparison.scopewise.medianMs,
      'ms',
      seconds,
    ),
  ];
  const cfnLint = comparison.cfnLint;
  if ('skipped' in cfnLint) {
    rows.push(unavailable('cfn-lint on the same files', cfnLint.skipped, 'skipped'));
    rows.push(
      unavailable('speed ratio (cfn-lint / Scopewise)', cfnLint.skipped, 'skipped', '>= 20x'),
    );
    return rows;
  }
  const label = cfnLint.sample
    ? `cfn-lint on a sample (${cfnLint.sample})`
    : `cfn-lint on the same ${cfnLint.files} files, once`;
  rows.push(info(label, cfnLint.wallMs, 'ms', seconds));
  if (cfnLint.sample)
    rows.push(
      info('  cfn-lint scaled to all files (estimate)', cfnLint.estimatedFullMs, 'ms', seconds),
    );
  if (comparison.speedRatio !== undefined) {
    rows.push(
      budgeted(
        `speed ratio, cfn-lint / Scopewise${cfnLint.sample ? ' (on the sample)' : ''}`,
        comparison.speedRatio,
        'x',
        { min: 20 },
        times,
      ),
    );
  }
  return rows;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const results: Record<string, unknown> = {
    timestamp: new Date().toISOString(),
    quick: options.quick,
    machine: machine(),
  };
  const rows: Row[] = [];
  let failed = false;

  if (!existsSync(join(root, 'server', 'data', 'iam', 'index.json'))) {
    log('- generating the IAM data (server/data is missing)');
    execFileSync(process.execPath, [join(root, 'scripts', 'gen-iam-data.mjs')], {
      cwd: root,
      stdio: 'inherit',
    });
  }

  log('- engine: catalog load, then 1,000 and 10,000-line templates in JSON and YAML');
  const { catalog, ms: catalogMs } = loadCatalogTimed();
  const cases: EngineCase[] = [];
  for (const [format, lines] of [
    ['json', 1000],
    ['yaml', 1000],
    ['json', 10000],
    ['yaml', 10000],
  ] as const) {
    const measured = measureEngineCase(catalog, format, lines);
    log(`  ${format} ${lines}: warm ${ms(measured.warm.medianMs)}, cold ${ms(measured.coldMs)}`);
    cases.push(measured);
  }
  const corpus = corpusDirectory(root);
  let sweep: CorpusSweep | undefined;
  if (corpus) {
    log(`- engine: sweep of the corpus (${corpus}) for the slowest templates`);
    sweep = sweepCorpus(catalog, corpus);
  } else log('- no corpus found (../shared/corpus): skipping the sweep and the CLI comparison');
  results['engine'] = { catalogMs, cases, sweep };
  rows.push(...engineRows(cases, sweep));

  log('- engine: hostile wildcard patterns, each in a fresh process with a time limit');
  const hostile = measureHostile(root);
  results['hostile'] = hostile;
  rows.push(...hostileRows(hostile));

  const lsp: Record<string, unknown> = {};
  const lspResult = await lspRows(lsp);
  results['lsp'] = lsp;
  rows.push(...lspResult.rows);
  failed ||= lspResult.failed;

  const cliWhat = 'CLI over the corpus vs cfn-lint';
  if (options.quick) rows.push(unavailable(cliWhat, 'skipped (--quick)', 'skipped', '>= 20x'));
  else if (!corpus) rows.push(unavailable(cliWhat, 'no corpus', 'skipped', '>= 20x'));
  else if (!(await waitForFile(cliPath, 'the CLI')))
    rows.push(unavailable(cliWhat, 'dist/cli.js not built', 'skipped', '>= 20x'));
  else {
    log(`- ${cliWhat}`);
    try {
      const comparison = await compareCli(cliPath, corpus, corpusTemplates(corpus), {
        cfnLintStep: options.cfnLintStep,
        log,
      });
      results['cli'] = comparison;
      rows.push(...cliRows(comparison));
    } catch (error) {
      failed = true;
      results['cli'] = { error: describe(error) };
      rows.push(unavailable(cliWhat, `failed: ${describe(error)}`.slice(0, 60), 'error', '>= 20x'));
    }
  }

  const info_ = results['machine'] as ReturnType<typeof machine>;
  results['rows'] = rows;
  results['durationMs'] = Date.now() - started;
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  process.stdout.write(
    [
      '',
      `Scopewise bench (DESIGN.md section 8), ${new Date().toISOString()}`,
      `node ${info_.node}, ${info_.cpu}, ${info_.cores} cores, ${info_.os}, commit ${info_.commit}`,
      `load average at start ${info_.loadAverage.toFixed(2)}, at end ${(loadavg()[0] ?? 0).toFixed(2)} (other processes skew the figures)`,
      '',
      renderTable(rows),
      '',
      `ok = within budget, OVER = over budget (informational: the bench never fails on a budget).`,
      `Took ${seconds(Date.now() - started)}; raw numbers in bench/results.json.`,
      '',
    ].join('\n'),
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
