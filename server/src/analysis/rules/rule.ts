import type { Node, ParsedDocument, Range } from '../document';
import type { Fix, Severity } from '../finding';
import type { Catalog } from '../iam/catalog';
import type { DocumentKind, DocumentModel } from '../model';

export type { Finding, Fix, Severity, SeveritySetting, TextEdit } from '../finding';

export interface RuleExample {
  readonly language: 'json' | 'yaml';
  readonly code: string;
}

/** A rule's documentation; `docs/rules/<id>.md` is generated from it. */
export interface RuleDocs {
  /** One sentence: what the rule reports. */
  readonly summary: string;
  /** Why it matters, in a paragraph. */
  readonly why: string;
  readonly bad: RuleExample;
  readonly good: RuleExample;
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
  check(context: RuleContext): void;
}

/** Identity helper that type-checks a rule definition. */
export function defineRule(rule: Rule): Rule {
  return rule;
}
