import { getValue, stringValue, type ParsedDocument, type Range } from './document';
import type { DocumentModel } from './model';
import { stringItems } from './model/values';
import type { Finding } from './finding';

const DISABLE_NEXT_LINE = /#\s*scopewise-disable-next-line\b([^\n\r]*)/g;

interface Suppression extends Range {
  /** Empty means every rule. */
  readonly rules: ReadonlySet<string>;
}

/**
 * In-document suppressions: `# scopewise-disable-next-line RULE[, RULE]` in YAML (no rule means
 * all), and `Metadata: { scopewise: { ignore: [RULE] } }` on a template resource.
 */
export function suppressions(document: ParsedDocument, model: DocumentModel) {
  const list: Suppression[] = [];
  if (document.format === 'yaml') list.push(...comments(document.text));
  for (const resource of model.template?.resources.values() ?? []) {
    const ignore = getValue(getValue(getValue(resource.node, 'Metadata'), 'scopewise'), 'ignore');
    const rules = stringItems(ignore)
      .map((item) => item.value)
      .filter((v): v is string => v !== undefined);
    if (rules.length > 0)
      list.push({ start: resource.node.start, end: resource.node.end, rules: new Set(rules) });
    else if (stringValue(ignore) === '*')
      list.push({ start: resource.node.start, end: resource.node.end, rules: new Set() });
  }
  return {
    filter(findings: Finding[]): Finding[] {
      if (list.length === 0) return findings;
      return findings.filter(
        (f) =>
          !list.some(
            (s) =>
              f.start >= s.start && f.start < s.end && (s.rules.size === 0 || s.rules.has(f.rule)),
          ),
      );
    },
  };
}

function comments(text: string): Suppression[] {
  const result: Suppression[] = [];
  for (const match of text.matchAll(DISABLE_NEXT_LINE)) {
    const lineEnd = text.indexOf('\n', match.index);
    if (lineEnd < 0) continue;
    const nextEnd = text.indexOf('\n', lineEnd + 1);
    const rules = (match[1] ?? '')
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => /^[a-z0-9-]+$/.test(r));
    result.push({
      start: lineEnd + 1,
      end: nextEnd < 0 ? text.length : nextEnd,
      rules: new Set(rules),
    });
  }
  return result;
}
