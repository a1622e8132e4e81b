import type { Range } from './document';

/** How loud a finding is; the user's configuration can raise, lower or turn off each rule. */
export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/** A text replacement on UTF-16 offsets of the analysed text. */
export interface TextEdit extends Range {
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  /** Safe fixes cannot change what a policy allows in a way the user did not ask for. */
  readonly safe: boolean;
  readonly edits: readonly TextEdit[];
}

/** One problem in a document, located by UTF-16 offsets, with the fixes that would remove it. */
export interface Finding extends Range {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fixes: readonly Fix[];
}
