import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type Catalog, type Finding } from '../../server/src/analysis';

export const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus');

export interface ManifestRow {
  readonly path: string;
  readonly kind: string;
  readonly labels: string;
  readonly expected: readonly string[];
  readonly clean: readonly string[];
}

/** Categories of the corpus labels and the rules that answer for them (DESIGN section 9). */
export const CATEGORIES: ReadonlyMap<string, readonly string[]> = new Map([
  ['over-broad-action', ['wildcard-action', 'allow-not-action', 'managed-policy-admin']],
  ['over-broad-resource', ['wildcard-resource', 'allow-not-resource']],
  ['passrole-unscoped', ['passrole-unscoped']],
  ['unknown-action', ['unknown-action']],
  [
    'malformed-policy',
    [
      'parse-error',
      'policy-structure',
      'policy-version',
      'invalid-arn',
      'unknown-condition-key',
      'condition-operator-mismatch',
    ],
  ],
  [
    'hardcoded-credential',
    ['hardcoded-credential', 'plaintext-secret-env', 'parameter-noecho', 'credentials-in-url'],
  ],
  [
    'insecure-bucket',
    [
      'bucket-encryption',
      'bucket-insecure-transport',
      'bucket-unencrypted-uploads',
      'public-principal',
    ],
  ],
]);

export function readManifest(): ManifestRow[] {
  const [header, ...lines] = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
    .trimEnd()
    .split('\n');
  const columns = (header ?? '').split('\t');
  const at = (name: string) => columns.indexOf(name);
  const list = (value: string | undefined) =>
    (value ?? '').split(';').filter((v) => v !== '' && v !== 'none' && v !== 'unknown');
  return lines.map((line) => {
    const cells = line.split('\t');
    return {
      path: cells[at('path')] ?? '',
      kind: cells[at('kind')] ?? '',
      labels: cells[at('labels')] ?? '',
      expected: list(cells[at('normalized_labels')]),
      clean: list(cells[at('asserted_clean')]),
    };
  });
}

export interface SweepResult {
  readonly row: ManifestRow;
  readonly ms: number;
  readonly findings: readonly Finding[];
  readonly internalErrors: readonly string[];
  readonly crashed: string | undefined;
}

export function sweep(catalog: Catalog, rows: readonly ManifestRow[]): SweepResult[] {
  return rows.map((row) => {
    const text = readFileSync(join(CORPUS, row.path), 'utf8');
    const started = performance.now();
    try {
      const analysis = analyze(text, { catalog, fileName: row.path, explicit: true });
      return {
        row,
        ms: performance.now() - started,
        findings: analysis.findings,
        internalErrors: analysis.internalErrors,
        crashed: undefined,
      };
    } catch (error) {
      return {
        row,
        ms: performance.now() - started,
        findings: [],
        internalErrors: [],
        crashed: String(error),
      };
    }
  });
}

export function corpusAvailable(): boolean {
  return existsSync(join(CORPUS, 'MANIFEST.tsv'));
}

/**
 * Whether the tests named by `what` can run; when the corpus is absent, says so on stderr, so that
 * a checkout without `../shared` does not pass them silently.
 */
export function corpusOrSay(what: string): boolean {
  if (corpusAvailable()) return true;
  console.warn(
    `Skipping ${what}: no corpus at ${CORPUS} (MANIFEST.tsv not found). The corpus is ../shared/corpus beside the repository folder; these tests run where it exists.`,
  );
  return false;
}

export interface CategoryScore {
  readonly category: string;
  readonly rules: readonly string[];
  readonly positives: number;
  readonly found: readonly string[];
  readonly missed: readonly string[];
  readonly clean: number;
  readonly flagged: readonly string[];
}

/** Per category: labelled positives found, labelled-clean files flagged, with the file lists. */
export function score(
  results: readonly SweepResult[],
  implemented: ReadonlySet<string>,
): CategoryScore[] {
  const scores: CategoryScore[] = [];
  for (const [category, allRules] of CATEGORIES) {
    const rules = allRules.filter((r) => implemented.has(r));
    if (rules.length === 0) continue;
    const fires = (r: SweepResult) => r.findings.some((f) => rules.includes(f.rule));
    const positives = results.filter((r) => r.row.expected.includes(category));
    const clean = results.filter((r) => r.row.clean.includes(category));
    scores.push({
      category,
      rules,
      positives: positives.length,
      found: positives.filter(fires).map((r) => r.row.path),
      missed: positives.filter((r) => !fires(r)).map((r) => r.row.path),
      clean: clean.length,
      flagged: clean.filter(fires).map((r) => r.row.path),
    });
  }
  return scores;
}
