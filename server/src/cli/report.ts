import {
  LineIndex,
  type DocumentKind,
  type Finding,
  type Fix,
  type SecretMasker,
} from '../analysis';

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
  /** The secrets of `text` (its analysis's `secrets`): nothing printed may show them. */
  readonly secrets: SecretMasker;
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

/** A file's text as it may be printed: every secret masked, line numbers unchanged. */
export interface ShownText {
  readonly text: string;
  /** Lines of `text`: the same lines as the file's, some of them shorter or longer. */
  readonly lines: LineIndex;
  /** An offset of the file's text in `text` (see `MaskedText.map`). */
  map(offset: number, side: 'start' | 'end'): number;
}

const shownTexts = new WeakMap<FileReport, ShownText>();

/** The file's text with its secrets masked, computed once per file for every frame and line. */
export function shownText(file: FileReport): ShownText {
  let shown = shownTexts.get(file);
  if (shown === undefined) {
    const masked = file.secrets.maskDocument();
    const lines = masked.text === file.text ? file.lines : new LineIndex(masked.text);
    shown = { text: masked.text, lines, map: (offset, side) => masked.map(offset, side) };
    shownTexts.set(file, shown);
  }
  return shown;
}

/** Why a fix is listed without its edits in JSON and SARIF output. */
export const WITHHELD =
  'The edits are left out because they contain a secret found in the document; apply the fix in the editor or with --fix.';

/**
 * Whether a fix's edits would copy a secret of the document into a report. Applied to the
 * document (`--fix`, the editor) they are harmless: the secret is already there.
 */
export function withheld(file: FileReport, fix: Fix): boolean {
  return fix.edits.some((edit) => file.secrets.contains(edit.newText));
}
