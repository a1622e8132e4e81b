/** What completion answers, free of LSP types: the items and the range they replace. */
import type { Range } from '../document';

/** Most items one list may hold; longer lists are cut and marked incomplete. */
export const MAX_ITEMS = 200;

/** What an item is, for the editor's icon. */
export type CompletionKind =
  | 'service'
  | 'action'
  | 'pattern'
  | 'element'
  | 'value'
  | 'operator'
  | 'conditionKey'
  | 'arn'
  | 'provider'
  | 'configKey';

/** One completion item, free of LSP types. */
export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** Plain text replacing the range (quotes included where the spot needed them). */
  readonly insertText: string;
  /** The same as an LSP snippet (`${1:BucketName}` placeholders), when it has any. */
  readonly snippet?: string;
  /** Orders items before the editor filters them; defaults to the label. */
  readonly sortText?: string;
  /** The range this item replaces, when it is not the result's. */
  readonly range?: Range;
}

/** Items that all replace one range: the string's content, or the empty spot at the cursor. */
export interface CompletionResult extends Range {
  readonly items: readonly CompletionItem[];
  /** True when the list was capped: the editor asks again as the user types. */
  readonly isIncomplete: boolean;
}
