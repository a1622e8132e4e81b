import type { Node, ParsedDocument, Range } from '../document';
import type { Fix, Severity } from '../finding';
import type { Catalog } from '../iam/catalog';
import type { DocumentSecret } from '../masking';
import type { DocumentKind, DocumentModel } from '../model';

export type { Finding, Fix, Severity, SeveritySetting, TextEdit } from '../finding';

/**
 * A rule's documentation; `docs/rules/<id>.md` is generated from it and from the rule's example
 * fixtures, `test/fixtures/<id>/docs-bad.*` and `docs-good.*`. The prose fields are written as
 * template literals wrapped to the source width: `defineRule` turns each run of whitespace into
 * one space and keeps a blank line as a paragraph break (see `normaliseProse`).
 */
export interface RuleDocs {
  /** One sentence: what the rule reports. */
  readonly summary: string;
  /** Why it matters, in a paragraph. */
  readonly why: string;
  /** How to fix it, and what the quick-fixes do. */
  readonly fix: string;
  /** AWS documentation pages. */
  readonly references: readonly string[];
}

export interface RuleContext {
  readonly document: ParsedDocument;
  readonly model: DocumentModel;
  readonly catalog: Catalog;
  readonly options: ResolvedOptions;
  /**
   * Reports a finding on a node or range; severity defaults to the rule's. Fixes that take work
   * to build are passed as a function: it runs only when someone asks for the finding's fixes (a
   * code action, `--fix`, JSON output), not on every keystroke.
   */
  report(finding: {
    at: Node | Range;
    message: string;
    severity?: Severity;
    fixes?: readonly Fix[] | (() => readonly Fix[]);
    /** The secrets the finding is about: every output of the document masks them. */
    secrets?: readonly DocumentSecret[];
  }): void;
}

export interface ResolvedOptions {
  /** Lower-case actions to accept although the catalog does not know them. */
  readonly allowActions: ReadonlySet<string>;
}

export interface Rule {
  /** Kebab-case, names the bad pattern; stable forever. */
  readonly id: string;
  readonly defaultSeverity: Severity;
  readonly appliesTo: readonly Exclude<DocumentKind, 'unknown'>[];
  readonly docs: RuleDocs;
  /** Whether `check` may attach fixes. */
  readonly fixable: boolean;
  /**
   * The rule recognises secrets (`report({ secrets })`): it runs even when turned off or ignored,
   * its findings dropped, so that the document's secrets are masked whatever the settings.
   */
  readonly findsSecrets?: boolean;
  check(context: RuleContext): void;
}

/** Type-checks a rule definition and normalises the whitespace of its docs prose. */
export function defineRule(rule: Rule): Rule {
  const { docs } = rule;
  return {
    ...rule,
    docs: {
      ...docs,
      summary: normaliseProse(docs.summary),
      why: normaliseProse(docs.why),
      fix: normaliseProse(docs.fix),
    },
  };
}

/**
 * Docs prose as written in a rule file, wrapped and indented, as hover, SARIF, `--list-rules` and
 * the docs pages show it: trimmed, each run of whitespace one space, and paragraphs (separated by
 * a blank line) joined by `\n\n`.
 */
export function normaliseProse(text: string): string {
  return text
    .trim()
    .split(/\s*\n\s*\n\s*/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' '))
    .join('\n\n');
}
