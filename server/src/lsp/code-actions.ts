import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import {
  disableRuleFix,
  fixAll,
  selectFixes,
  type Finding,
  type Fix,
  type TextEdit,
} from '../analysis';
import { toLspEdit, toOffsets, touches } from './convert';
import { DIAGNOSTIC_SOURCE, diagnosticData, toDiagnostic } from './diagnostics';
import type { DocumentAnalysis } from './document-analysis';
import { FIX_ALL_KIND } from './protocol';

export interface CodeActionOptions {
  /** The client accepts versioned `documentChanges`, so it refuses an edit to a moved-on document. */
  readonly documentChanges: boolean;
  /** The client resolves a code action's `edit` later (`codeAction/resolve`). */
  readonly resolveEdits: boolean;
}

/** What a "fix all" action left to `codeAction/resolve` carries. */
interface FixAllData {
  readonly uri: string;
  readonly version: number;
}

/**
 * Quick-fixes for the findings under the request, "disable for this line" in YAML, and one
 * action that applies every safe fix. `result` must be the analysis of the document's current
 * version: every edit's offsets are converted with that version's lines.
 */
export function codeActions(
  result: DocumentAnalysis,
  params: CodeActionParams,
  options: CodeActionOptions,
): CodeAction[] {
  const actions: CodeAction[] = [];
  if (requested(params.context.only, CodeActionKind.QuickFix)) {
    const disabled = new Set<string>();
    for (const finding of findingsFor(result, params)) {
      const diagnostic = toDiagnostic(result, finding);
      for (const fix of finding.fixes) {
        // A preferred fix is applied by "auto fix" without a menu, so only a sole safe one is.
        const preferred = finding.fixes.length === 1 && fix.safe;
        actions.push(quickFix(result, fix, diagnostic, options, preferred));
      }
      const disable = disableRuleFix(result.analysis.document, finding);
      const key = disable && `${finding.rule}@${disable.edits[0]?.start ?? 0}`;
      if (disable && key && !disabled.has(key)) {
        disabled.add(key);
        actions.push(quickFix(result, disable, diagnostic, options, false));
      }
    }
  }
  if (requested(params.context.only, FIX_ALL_KIND)) {
    const fixAll = fixAllAction(result, options);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

/** Whether `kind` was asked for: `only` lists kinds or their parents (`source` covers `source.fixAll.scopewise`). */
function requested(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((wanted) => kind === wanted || kind.startsWith(`${wanted}.`));
}

/**
 * The findings the request is about. Our diagnostics name their finding by `code` and `data`;
 * when they come from an older version (the user typed since), the rule and the range are
 * matched against the current findings instead. Clients that send no diagnostics get every
 * finding touching the requested range.
 */
function findingsFor(result: DocumentAnalysis, params: CodeActionParams): Finding[] {
  const requestedRange = toOffsets(result.lines, params.range);
  const ours = params.context.diagnostics.filter(
    (diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE && typeof diagnostic.code === 'string',
  );
  if (ours.length === 0) {
    return result.analysis.findings.filter((finding) => touches(finding, requestedRange));
  }
  const selected = new Set<Finding>();
  for (const diagnostic of ours) {
    for (const finding of matchingFindings(result, diagnostic, requestedRange)) {
      selected.add(finding);
    }
  }
  return result.analysis.findings.filter((finding) => selected.has(finding));
}

function matchingFindings(
  result: DocumentAnalysis,
  diagnostic: Diagnostic,
  requestedRange: { start: number; end: number },
): Finding[] {
  const data = diagnosticData(diagnostic);
  const sameRule = result.analysis.findings.filter((finding) => finding.rule === diagnostic.code);
  if (data && data.version === result.version) {
    return sameRule.filter((finding) => finding.start === data.start && finding.end === data.end);
  }
  const diagnosticRange = toOffsets(result.lines, diagnostic.range);
  return sameRule.filter(
    (finding) => touches(finding, diagnosticRange) || touches(finding, requestedRange),
  );
}

/**
 * "Fix all": the engine's {@link fixAll} in safe mode, exactly what `scopewise --fix` writes. The
 * title counts the findings whose safe fix applies now; further passes may fix what those reveal.
 * It re-analyses after each pass, so clients that resolve edits get it from {@link resolveFixAll},
 * only when the user chooses it.
 */
function fixAllAction(
  result: DocumentAnalysis,
  options: CodeActionOptions,
): CodeAction | undefined {
  const count = selectFixes(result.analysis.findings, 'safe').fixes.length;
  if (count === 0) return undefined;
  const action: CodeAction = {
    title: `Fix all safe Scopewise problems (${count})`,
    kind: FIX_ALL_KIND,
  };
  if (options.resolveEdits) {
    const data: FixAllData = { uri: result.uri, version: result.version };
    return { ...action, data };
  }
  return { ...action, edit: workspaceEdit(result, fixAll(result.analysis, 'safe').edits, options) };
}

/**
 * `codeAction/resolve` of a "fix all" action: its edit, for the analysis of the document's current
 * version. An action made for an older version gets no edit (the client asks again).
 */
export function resolveFixAll(
  action: CodeAction,
  current: DocumentAnalysis | undefined,
  options: CodeActionOptions,
): CodeAction {
  const data = action.data as Partial<FixAllData> | undefined;
  if (action.kind !== FIX_ALL_KIND || !current || data?.uri !== current.uri) return action;
  if (data.version !== current.version) return action;
  return {
    ...action,
    edit: workspaceEdit(current, fixAll(current.analysis, 'safe').edits, options),
  };
}

function quickFix(
  result: DocumentAnalysis,
  fix: Fix,
  diagnostic: Diagnostic,
  options: CodeActionOptions,
  preferred: boolean,
): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    ...(preferred ? { isPreferred: true } : {}),
    edit: workspaceEdit(result, fix.edits, options),
  };
}

function workspaceEdit(
  result: DocumentAnalysis,
  edits: readonly TextEdit[],
  options: CodeActionOptions,
): WorkspaceEdit {
  const textEdits = [...edits]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((edit) => toLspEdit(result.lines, edit));
  if (options.documentChanges) {
    return {
      documentChanges: [
        TextDocumentEdit.create({ uri: result.uri, version: result.version }, textEdits),
      ],
    };
  }
  return { changes: { [result.uri]: textEdits } };
}
