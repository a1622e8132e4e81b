/**
 * The one fix selector: which fixes "fix all" applies, in which order, what counts as a conflict,
 * and how many passes it takes. The editor's "Fix all" action and the CLI's `--fix` both call
 * {@link fixAll}, so they produce the same text for the same document.
 */
import { analyze, type Analysis } from './analyze';
import { applyEdits } from './edits';
import type { Finding, Fix, TextEdit } from './finding';

/** `safe` applies only fixes marked safe; `unsafe` takes each finding's first fix. */
export type FixMode = 'safe' | 'unsafe';

/** How many rounds of choose, apply and re-analyse are tried before giving up on convergence. */
export const MAX_FIX_PASSES = 10;

/** The fixes one pass applies, and their edits. */
export interface FixSelection {
  readonly fixes: readonly Fix[];
  readonly edits: readonly TextEdit[];
}

export interface FixAllResult {
  readonly text: string;
  /** Fixes applied over all passes. */
  readonly applied: number;
  /** Passes that changed the text. */
  readonly passes: number;
  /**
   * Edits of the original text that give `text`: the fixes' own edits after one pass; after
   * several (whose offsets refer to intermediate texts), one edit over the span that changed.
   */
  readonly edits: readonly TextEdit[];
  /** The analysis of the final text, with the original's options. */
  readonly analysis: Analysis;
}

/**
 * One pass: in finding order (by position, then rule), each finding's first fix the mode allows
 * (a finding's fixes are alternatives, so at most one of them), unless one of its edits conflicts
 * with an edit already taken or with another edit of the same fix.
 */
export function selectFixes(findings: readonly Finding[], mode: FixMode): FixSelection {
  const fixes: Fix[] = [];
  const edits: TextEdit[] = [];
  for (const finding of findings) {
    const fix = mode === 'unsafe' ? finding.fixes[0] : finding.fixes.find((f) => f.safe);
    if (!fix || fix.edits.length === 0) continue;
    if (fix.edits.some((edit) => edits.some((taken) => conflicts(edit, taken)))) continue;
    if (fix.edits.some((edit, i) => fix.edits.some((other, j) => i < j && conflicts(edit, other))))
      continue;
    fixes.push(fix);
    edits.push(...fix.edits);
  }
  return { fixes, edits };
}

/**
 * Two edits conflict when their ranges overlap, or when they start at the same offset (two
 * insertions there would have no defined order). Edits that only meet end to start do not.
 */
export function conflicts(a: TextEdit, b: TextEdit): boolean {
  return (a.start < b.end && b.start < a.end) || a.start === b.start;
}

/**
 * Applies fixes pass after pass until none applies (or {@link MAX_FIX_PASSES}): each pass selects
 * fixes with {@link selectFixes}, applies them, and analyses the result again with the options of
 * `analysis`, because the offsets of later fixes depend on earlier ones and one fix can reveal
 * another finding.
 */
export function fixAll(analysis: Analysis, mode: FixMode): FixAllResult {
  let current = analysis;
  let applied = 0;
  let passes = 0;
  let firstPass: readonly TextEdit[] = [];
  const original = analysis.document.text;
  while (passes < MAX_FIX_PASSES) {
    const { fixes, edits } = selectFixes(current.findings, mode);
    if (fixes.length === 0) break;
    const text = current.document.text;
    const result = applyEdits(text, edits);
    if (result.skipped > 0 || result.text === text) break;
    if (passes === 0) firstPass = edits;
    passes++;
    applied += fixes.length;
    current = analyze(result.text, analysis.options);
  }
  const text = current.document.text;
  const edits = passes <= 1 ? firstPass : [changedSpan(original, text)];
  return { text, applied, passes, edits, analysis: current };
}

/** One edit that turns `before` into `after`: the text between their common prefix and suffix. */
function changedSpan(before: string, after: string): TextEdit {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < shorter - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  )
    end++;
  return { start, end: before.length - end, newText: after.slice(start, after.length - end) };
}
