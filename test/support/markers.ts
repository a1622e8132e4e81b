import { LineIndex, type Finding } from '../../server/src/analysis';

/**
 * Inline expectations: a marker line under a source line puts carets under the finding's range,
 * then the rule, severity and message:
 *
 *     "Resource": "*"
 * //              ^^^ wildcard-resource (warning): ...
 *
 * The comment token (`//` or `#`) is optional so that columns 0 and 1 can be marked too. A range
 * that runs past its first line ends with `[to LINE:COL]` (1-based).
 */
const MARKER =
  /^(\s*(?:\/\/|#)?\s*)(\^+) ([a-z0-9-]+) \((error|warning|info)\)(?: \[to \d+:\d+\])?: (.*)$/;

export function isMarkerLine(line: string): boolean {
  return MARKER.test(line);
}

/** Removes marker lines, keeping the document's own line breaks. */
export function stripMarkers(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !isMarkerLine(line.replace(/\r?\n$/, '')))
    .join('');
}

/** Writes the findings back into the text as marker lines under the lines they start on. */
export function renderMarkers(text: string, findings: readonly Finding[], comment: string): string {
  const index = new LineIndex(text);
  const byLine = new Map<number, string[]>();
  for (const finding of findings) {
    const start = index.positionAt(finding.start);
    const end = index.positionAt(finding.end);
    const lineLength = index.lineText(start.line).length;
    const width =
      end.line === start.line ? end.character - start.character : lineLength - start.character;
    const prefix =
      start.character >= comment.length + 1
        ? comment + ' '.repeat(start.character - comment.length)
        : ' '.repeat(start.character);
    const to = end.line === start.line ? '' : ` [to ${end.line + 1}:${end.character + 1}]`;
    const line = `${prefix}${'^'.repeat(Math.max(1, width))} ${finding.rule} (${finding.severity})${to}: ${finding.message}`;
    const list = byLine.get(start.line) ?? [];
    list.push(line);
    byLine.set(start.line, list);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  for (let line = 0; line < index.lineCount; line++) {
    out.push(index.lineText(line));
    for (const marker of byLine.get(line) ?? []) out.push(marker);
  }
  return out.join(eol);
}
