/** The engine's public surface: everything lsp/ and cli/ use comes through here. */
export {
  analyze,
  sortFindings,
  DEFAULT_MAX_SIZE,
  type Analysis,
  type AnalyzeOptions,
} from './analyze';
export { addedAccess, documentGrants, type AddedAccess, type Grant } from './access/grants';
export { DEFAULT_WORK_BUDGET } from './budget';
export { applyEdits } from './edits';
export { SecretMasker, type DocumentSecret, type MaskedText } from './masking';
export {
  fixAll,
  selectFixes,
  MAX_FIX_PASSES,
  type FixAllResult,
  type FixMode,
  type FixSelection,
} from './fix-all';
export { LineIndex, type Position, type Range } from './document';
export { Catalog } from './iam/catalog';
export { countActionNames, encodeActionUsage, type ActionUsage } from './iam/action-usage';
export type {
  ActionUsageData,
  CatalogSource,
  FullAccessGrant,
  IamIndexData,
  JsonValue,
  ManagedPolicyEntryData,
  ManagedPolicyIndexData,
  ServiceDetailData,
} from './iam/data';
export { describeFullAccess, fullAccessGrant } from './iam/full-access';
export {
  parseManagedPolicyArn,
  type ManagedPolicies,
  type ManagedPolicy,
  type ManagedPolicyArn,
} from './iam/managed-policies';
export { POLICY_TYPES, type DocumentKind, type PolicyType } from './model';
export { RULES, RULES_BY_ID } from './rules/registry';
export { ruleDocsUrl } from './docs-url';
export type { Finding, Fix, Severity, SeveritySetting, TextEdit } from './finding';
export type { Rule } from './rules/rule';
export { hover, type HoverResult } from './services/hover';
export { disableRuleFix } from './services/suppress-fix';
export {
  completion,
  MAX_ITEMS,
  type CompletionItem,
  type CompletionKind,
  type CompletionResult,
} from './services/completion';
export { documentSymbols, type DocumentSymbol, type SymbolKind } from './services/symbols';
