import type { LineIndex, Position } from '../analysis';
import { WITHHELD, withheld, type Report } from './report';

/** A range in JSON output: 0-based lines and UTF-16 characters, as in LSP. */
export interface JsonRange {
  readonly start: Position;
  readonly end: Position;
}

/** Converts an offset range to 0-based positions. */
export function toRange(lines: LineIndex, start: number, end: number): JsonRange {
  return { start: lines.positionAt(start), end: lines.positionAt(end) };
}

/**
 * The stable JSON report (version 1) of DESIGN.md section 3. A fix whose edits would copy a
 * secret of the document into the report is listed with empty `edits` and a `withheld` reason.
 */
export function formatJson(report: Report): string {
  const files = report.files.map((file) => ({
    path: file.path,
    kind: file.kind,
    findings: file.findings.map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      message: finding.message,
      range: toRange(file.lines, finding.start, finding.end),
      fixes: finding.fixes.map((fix) =>
        withheld(file, fix)
          ? { title: fix.title, safe: fix.safe, edits: [], withheld: WITHHELD }
          : {
              title: fix.title,
              safe: fix.safe,
              edits: fix.edits.map((edit) => ({
                range: toRange(file.lines, edit.start, edit.end),
                newText: edit.newText,
              })),
            },
      ),
    })),
  }));
  return `${JSON.stringify({ version: 1, files }, null, 2)}\n`;
}
