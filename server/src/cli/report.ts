import type { DocumentKind, Finding, LineIndex } from '../analysis';

/** One analysed file as the formatters see it: the text after any fixes, and what remains. */
export interface FileReport {
  /** As given on the command line, `/` separated; the stdin name for stdin. */
  readonly path: string;
  /** Undefined for stdin. */
  readonly absolutePath: string | undefined;
  readonly kind: DocumentKind;
  readonly text: string;
  readonly lines: LineIndex;
  /** Sorted by position, then rule id. */
  readonly findings: readonly Finding[];
}

/** Everything a formatter prints. */
export interface Report {
  /** Sorted by path. */
  readonly files: readonly FileReport[];
  /** Fixes applied by `--fix`, if it was given. */
  readonly fixed: { readonly fixes: number; readonly files: number } | undefined;
  readonly maxWarnings: number | undefined;
}

export interface Totals {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly filesWithProblems: number;
}

/** Counts findings by severity. */
export function totals(files: readonly FileReport[]): Totals {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let filesWithProblems = 0;
  for (const file of files) {
    if (file.findings.length > 0) filesWithProblems++;
    for (const finding of file.findings) {
      if (finding.severity === 'error') errors++;
      else if (finding.severity === 'warning') warnings++;
      else infos++;
    }
  }
  return { errors, warnings, infos, filesWithProblems };
}

/** True when the warnings exceed `--max-warnings`. */
export function tooManyWarnings(report: Report): boolean {
  return report.maxWarnings !== undefined && totals(report.files).warnings > report.maxWarnings;
}

/** Rules whose range covers a secret: anything that echoes the covered text must mask it. */
export const SECRET_RULES: ReadonlySet<string> = new Set(['hardcoded-credential']);

/** How many leading characters of a secret may be shown. */
const VISIBLE_SECRET_PREFIX = 4;

/** The covered text of a finding as it may be shown: secrets keep only their first 4 characters. */
export function shownText(finding: Finding, covered: string): string {
  if (!SECRET_RULES.has(finding.rule)) return covered;
  return `${Array.from(covered).slice(0, VISIBLE_SECRET_PREFIX).join('')}****`;
}
