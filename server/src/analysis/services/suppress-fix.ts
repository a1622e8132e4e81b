import { indentationAt, lineBreakOf } from '../edits';
import type { ParsedDocument } from '../document';
import type { Finding, Fix } from '../finding';

/**
 * "Disable this rule here": a `# scopewise-disable-next-line` comment above the finding's line.
 * Only YAML can hold comments; JSON documents use `ignore` in .scopewise.json instead. Not offered
 * for parse errors.
 */
export function disableRuleFix(document: ParsedDocument, finding: Finding): Fix | undefined {
  // Where a parse error lands depends on the parser's recovery, so a comment cannot pin it down.
  if (document.format !== 'yaml' || finding.rule === 'parse-error') return undefined;
  const { text } = document;
  const lineStart = text.lastIndexOf('\n', finding.start - 1) + 1;
  const indent = indentationAt(text, finding.start);
  return {
    title: `Disable ${finding.rule} for this line`,
    safe: false,
    edits: [
      {
        start: lineStart,
        end: lineStart,
        newText: `${indent}# scopewise-disable-next-line ${finding.rule}${lineBreakOf(text)}`,
      },
    ],
  };
}
