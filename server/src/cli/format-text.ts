import type { Finding, Severity } from '../analysis';
import { shownText, totals, tooManyWarnings, type FileReport, type Report } from './report';

export interface TextOptions {
  /** ANSI colours, for a terminal. */
  readonly color: boolean;
}

/** Lines of context shown above and below a finding's lines. */
const CONTEXT_LINES = 1;
/** A finding spanning more lines shows only its first ones. */
const MAX_RANGE_LINES = 3;
/** Longer lines (minified JSON) are cut to a window around the finding. */
const MAX_LINE_WIDTH = 160;
const WINDOW_LEAD = 40;

interface Style {
  severity(severity: Severity, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const PLAIN: Style = { severity: (_, text) => text, dim: (text) => text, bold: (text) => text };
const SEVERITY_COLOR: Record<Severity, number> = { error: 31, warning: 33, info: 36 };
const ANSI: Style = {
  severity: (severity, text) => `\x1b[${SEVERITY_COLOR[severity]}m${text}\x1b[39m`,
  dim: (text) => `\x1b[2m${text}\x1b[22m`,
  bold: (text) => `\x1b[1m${text}\x1b[22m`,
};

/**
 * The human report: per finding `path:line:col  severity  message  rule-id` (1-based) and a code
 * frame, then a summary line.
 */
export function formatText(report: Report, options: TextOptions): string {
  const style = options.color ? ANSI : PLAIN;
  const out: string[] = [];
  for (const file of report.files) {
    for (const finding of file.findings) {
      const position = file.lines.positionAt(finding.start);
      const where = `${sanitize(file.path)}:${position.line + 1}:${position.character + 1}`;
      const severity = style.severity(finding.severity, finding.severity);
      out.push(`${where}  ${severity}  ${sanitize(finding.message)}  ${style.dim(finding.rule)}`);
      out.push(...codeFrame(file, finding, style), '');
    }
  }
  out.push(...summary(report, style));
  return `${out.join('\n')}\n`;
}

/**
 * What a clean report on a template does not say: Scopewise is no schema validator, so a misspelt
 * resource type or an unknown property is left to cfn-lint.
 */
export const SCOPE_NOTE =
  'Scopewise checks permissions, secrets, encryption, pipelines and references (Ref, GetAtt, Sub), ' +
  'not resource types or properties: run cfn-lint beside it for schema validation.';

function summary(report: Report, style: Style): string[] {
  const lines: string[] = [];
  if (report.fixed && report.fixed.fixes > 0) {
    lines.push(
      `Fixed ${plural(report.fixed.fixes, 'problem')} in ${plural(report.fixed.files, 'file')}.`,
    );
  }
  const count = totals(report.files);
  const problems = count.errors + count.warnings + count.infos;
  if (problems === 0) {
    lines.push(`No problems found in ${plural(report.files.length, 'file')}`);
  } else {
    const text =
      `✖ ${plural(problems, 'problem')} (${plural(count.errors, 'error')}, ` +
      `${plural(count.warnings, 'warning')}, ${count.infos} info): ` +
      `${plural(report.files.length, 'file')} checked, ${count.filesWithProblems} with problems`;
    lines.push(style.bold(style.severity(count.errors > 0 ? 'error' : 'warning', text)));
  }
  if (report.files.some((file) => file.kind === 'cloudformation')) lines.push(SCOPE_NOTE);
  if (tooManyWarnings(report)) {
    lines.push(
      `Too many warnings: ${count.warnings}, more than --max-warnings ${report.maxWarnings}.`,
    );
  }
  return lines;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The finding's lines with a caret underline and a line of context either side, cut to a window
 * around the finding on long lines. Every line is printed from the file's masked text, so no
 * secret of the document shows, on the finding's lines or beside them.
 */
export function codeFrame(file: FileReport, finding: Finding, style: Style = PLAIN): string[] {
  const { text, lines, map } = shownText(file);
  const start = map(finding.start, 'start');
  const end = Math.max(start, map(finding.end, 'end'));
  const startLine = lines.positionAt(start).line;
  let endLine = lines.positionAt(end).line;
  // A range ending right after a line break does not underline the next line.
  if (endLine > startLine && lines.lineStart(endLine) === end) endLine--;
  const first = Math.max(0, startLine - CONTEXT_LINES);
  let last =
    endLine - startLine < MAX_RANGE_LINES
      ? Math.min(lines.lineCount - 1, endLine + CONTEXT_LINES)
      : startLine + MAX_RANGE_LINES - 1;
  // The empty "line" after a final line break is not worth showing as context.
  if (last > endLine && last === lines.lineCount - 1 && lines.lineStart(last) === text.length)
    last--;
  const coveredEnd = Math.min(end, lines.lineEnd(last));
  const lastRangeLine = lines.positionAt(Math.max(start, coveredEnd - 1)).line;
  const gutterWidth = String(last + 1).length;
  const window = lineWindow(
    lines.lineEnd(startLine) - lines.lineStart(startLine),
    start - lines.lineStart(startLine),
  );
  const out: string[] = [];
  for (let i = first; i <= last; i++) {
    const lineStart = lines.lineStart(i);
    const length = lines.lineEnd(i) - lineStart;
    // Only the window of a line is ever sliced: a minified document is one very long line.
    const shown = window.cut(text, lineStart, length);
    const isRangeLine = i >= startLine && i <= lastRangeLine;
    const number = String(i + 1).padStart(gutterWidth);
    const gutter = `${isRangeLine ? '>' : ' '} ${style.dim(`${number} |`)}`;
    out.push(`${gutter} ${sanitize(shown)}`.trimEnd());
    if (isRangeLine) {
      const from = i === startLine ? start - lineStart : indentation(text, lineStart, length);
      const to = Math.max(Math.min(coveredEnd - lineStart, length), from + 1);
      const caretLine = underline(shown, window.map(from), window.map(to));
      out.push(
        `  ${style.dim(`${' '.repeat(gutterWidth)} |`)} ${style.severity(finding.severity, caretLine)}`,
      );
    }
  }
  return out;
}

interface LineWindow {
  /** The window of the line of `length` characters starting at `lineStart` in `text`. */
  cut(text: string, lineStart: number, length: number): string;
  map(column: number): number;
}

/**
 * Keeps long lines readable: a window of MAX_LINE_WIDTH columns around the finding's start, chosen
 * on the finding's first line and applied to every line of the frame.
 */
function lineWindow(length: number, column: number): LineWindow {
  if (length <= MAX_LINE_WIDTH) {
    return {
      // A long line beside a short finding line is shown from its start, cut like the others.
      cut: (text, lineStart, lineLength) =>
        lineLength <= MAX_LINE_WIDTH
          ? text.slice(lineStart, lineStart + lineLength)
          : `${text.slice(lineStart, lineStart + MAX_LINE_WIDTH)}…`,
      map: (c) => Math.min(c, MAX_LINE_WIDTH),
    };
  }
  const start = Math.max(0, Math.min(column - WINDOW_LEAD, length - MAX_LINE_WIDTH));
  const lead = start > 0 ? 1 : 0;
  return {
    cut: (text, lineStart, lineLength) => {
      const from = lineStart + Math.min(start, lineLength);
      const inner = text.slice(from, lineStart + Math.min(start + MAX_LINE_WIDTH, lineLength));
      return (lead ? '…' : '') + inner + (lineLength > start + MAX_LINE_WIDTH ? '…' : '');
    },
    map: (c) => Math.max(0, Math.min(c - start, MAX_LINE_WIDTH)) + lead,
  };
}

/** The column of a line's first non-blank character (its length when it is blank). */
function indentation(text: string, lineStart: number, length: number): number {
  let column = 0;
  while (column < length && /\s/.test(text[lineStart + column] ?? '')) column++;
  return column;
}

/** Spaces (tabs kept, so the carets line up) up to `from`, then carets up to `to`. */
function underline(line: string, from: number, to: number): string {
  const prefix = line.slice(0, from).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Array.from(line.slice(from, to)).length);
  return `${prefix}${'^'.repeat(width)}`;
}

/** Control characters (from binary files or hostile names) never reach the terminal. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
}
