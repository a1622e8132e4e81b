import type { Range as LspRange } from 'vscode-languageserver';
import type { LineIndex, Range, TextEdit as EngineEdit } from '../analysis';
import type { TextEdit } from 'vscode-languageserver';

/** Offsets of the analysed text to an LSP range; both count UTF-16 code units. */
export function toLspRange(lines: LineIndex, range: Range): LspRange {
  return { start: lines.positionAt(range.start), end: lines.positionAt(range.end) };
}

/** An LSP range to offsets of the analysed text. */
export function toOffsets(lines: LineIndex, range: LspRange): Range {
  const start = lines.offsetAt(range.start);
  return { start, end: Math.max(start, lines.offsetAt(range.end)) };
}

export function toLspEdit(lines: LineIndex, edit: EngineEdit): TextEdit {
  return { range: toLspRange(lines, edit), newText: edit.newText };
}

/** Whether two offset ranges share a character, or an empty range sits inside or at the edge of the other. */
export function touches(a: Range, b: Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}
