import type { Finding, TextEdit } from '../analysis';
import { applyEdits } from '../analysis';

/** Which fixes `--fix` applies. */
export type FixMode = 'safe' | 'unsafe';

/** How many passes of fix, re-analyse, fix are tried before giving up on convergence. */
export const MAX_FIX_PASSES = 10;

export interface FixResult {
  readonly text: string;
  /** Fixes applied over all passes. */
  readonly applied: number;
}

/**
 * Applies fixes until none applies: each pass takes one fix per finding (the first safe one, or
 * with `unsafe` the first one), skips fixes that overlap a fix already taken, applies them and
 * re-analyses, because later fixes' offsets depend on earlier ones.
 */
export function fixText(
  text: string,
  analyse: (text: string) => readonly Finding[],
  mode: FixMode,
): FixResult {
  let current = text;
  let applied = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const chosen: TextEdit[] = [];
    let count = 0;
    for (const finding of analyse(current)) {
      const fix = mode === 'unsafe' ? finding.fixes[0] : finding.fixes.find((f) => f.safe);
      if (!fix || fix.edits.length === 0) continue;
      if (fix.edits.some((edit) => chosen.some((taken) => overlaps(edit, taken)))) continue;
      if (fix.edits.some((edit, i) => fix.edits.some((other, j) => i < j && overlaps(edit, other))))
        continue;
      chosen.push(...fix.edits);
      count++;
    }
    if (count === 0) break;
    const result = applyEdits(current, chosen);
    if (result.skipped > 0 || result.text === current) break;
    current = result.text;
    applied += count;
  }
  return { text: current, applied };
}

/** Edits conflict when their ranges intersect, or when both insert at the same place. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  return (a.start < b.end && b.start < a.end) || a.start === b.start;
}
