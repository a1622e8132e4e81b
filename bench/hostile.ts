/**
 * Hostile inputs: small policies whose wildcards once made matching backtrack exponentially
 * (issue 13). Each case runs in a fresh process under a time limit, so that a regression shows as
 * a timed-out row instead of a bench that never ends. Within that process the engine is warmed up
 * on a harmless policy, then each run analyses a different spelling of the same hostile pattern
 * (its last character changes), so the catalog's per-pattern cache never answers for it.
 *
 * Standalone: `node --import tsx bench/hostile.ts` prints the rows. The child process mode
 * (`bench/hostile.ts --case NAME`) is what the rows run.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { analyze, Catalog } from '../server/src/analysis';
import { fileCatalogSource } from '../server/src/node/catalog-files';
import { median } from './stats';
import { budgeted, ms, renderTable, type Row } from './table';

/** A case gives up after this long (the exponential matcher took minutes on the 30-pair case). */
const TIME_LIMIT_MS = 60_000;
const RUNS = 5;
/** Characters that end no action name or ARN: each makes a different, equally hostile, pattern. */
const ENDINGS = ['!', '#', '%', '&', '~', '^', '=', ';'];

interface HostileCase {
  readonly name: string;
  readonly what: string;
  /** The policy for one ending character. */
  readonly policy: (ending: string) => string;
}

const policy = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
const pairs = (count: number) => '*?'.repeat(count);

export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    name: 'action-5',
    what: 'hostile Action "*:*?*?*?*?*?!" (the 97-byte policy of issue 13)',
    policy: (end) => policy({ Action: `*:${pairs(5)}${end}`, Resource: '*' }),
  },
  {
    name: 'action-30',
    what: 'hostile Action "*:" + 30 "*?" pairs + "!"',
    policy: (end) => policy({ Action: `*:${pairs(30)}${end}`, Resource: '*' }),
  },
  {
    name: 'not-action-8',
    what: 'hostile NotAction "iam:" + 8 "*?" pairs + "!" (escalation, PassRole)',
    policy: (end) => policy({ NotAction: `iam:${pairs(8)}${end}`, Resource: '*' }),
  },
  {
    name: 'arn-12',
    what: 'hostile Resource "arn:aws:s3:::" + 12 "*?" pairs + "!"',
    policy: (end) =>
      policy({ Action: 's3:GetObject', Resource: `arn:aws:s3:::${pairs(12)}${end}` }),
  },
  {
    name: 'arn-stars-500',
    what: 'Resource "arn:aws:iam::…:role/" + 500 "*a" segments + "!"',
    policy: (end) =>
      policy({
        Action: ['iam:PassRole', 'iam:AttachRolePolicy'],
        Resource: `arn:aws:iam::111122223333:role/${'*a'.repeat(500)}${end}`,
      }),
  },
];

export interface HostileTiming {
  readonly name: string;
  readonly bytes: number;
  readonly findings: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

/** Runs every case in its own process; a case over the time limit comes back as `timedOut`. */
export function measureHostile(
  root: string,
): readonly (HostileTiming | { readonly name: string; readonly timedOut: true })[] {
  return HOSTILE_CASES.map((c) => {
    try {
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', join(root, 'bench', 'hostile.ts'), '--case', c.name],
        { cwd: root, encoding: 'utf8', timeout: TIME_LIMIT_MS, killSignal: 'SIGKILL' },
      );
      return JSON.parse(output) as HostileTiming;
    } catch (error) {
      if ((error as { signal?: string }).signal === 'SIGKILL')
        return { name: c.name, timedOut: true };
      throw error;
    }
  });
}

/** A hostile policy is one document: it gets the keystroke budget. */
const BUDGET_MS = 100;

export function hostileRows(timings: ReturnType<typeof measureHostile>): Row[] {
  return timings.map((t) => {
    const what = HOSTILE_CASES.find((c) => c.name === t.name)?.what ?? t.name;
    if ('timedOut' in t) {
      return {
        what: `${what}, analyse`,
        measured: `> ${TIME_LIMIT_MS / 1000} s (killed)`,
        budget: `< ${ms(BUDGET_MS)}`,
        ok: 'OVER',
        value: TIME_LIMIT_MS,
        unit: 'ms',
      };
    }
    return budgeted(
      `${what}, analyse (${t.bytes} bytes), median of ${t.runs}`,
      t.medianMs,
      'ms',
      { max: BUDGET_MS },
      ms,
    );
  });
}

/** The child process: warm up, then time each spelling of one case. */
function runCase(name: string): void {
  const hostile = HOSTILE_CASES.find((c) => c.name === name);
  if (!hostile) throw new Error(`Unknown case ${name}`);
  const catalog = new Catalog(fileCatalogSource());
  const harmless = policy({ Action: ['s3:GetObject', 'iam:PassRole'], Resource: '*' });
  for (let i = 0; i < 5; i++) analyze(harmless, { catalog, fileName: 'warm-up.json' });
  const samples: number[] = [];
  let findings = 0;
  for (const ending of ENDINGS.slice(0, RUNS)) {
    const text = hostile.policy(ending);
    const start = performance.now();
    findings = analyze(text, { catalog, fileName: 'hostile.json' }).findings.length;
    samples.push(performance.now() - start);
  }
  const timing: HostileTiming = {
    name,
    bytes: Buffer.byteLength(hostile.policy('!')),
    findings,
    medianMs: median(samples),
    maxMs: Math.max(...samples),
    runs: samples.length,
  };
  process.stdout.write(`${JSON.stringify(timing)}\n`);
}

if (require.main === module) {
  const [flag, name] = process.argv.slice(2);
  if (flag === '--case' && name) runCase(name);
  else {
    const rows = hostileRows(measureHostile(join(__dirname, '..')));
    process.stdout.write(`${renderTable(rows)}\n`);
  }
}
