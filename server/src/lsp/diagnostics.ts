import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { ruleDocsUrl, type Finding, type Severity } from '../analysis';
import { toLspRange } from './convert';
import type { DocumentAnalysis } from './document-analysis';

export const DIAGNOSTIC_SOURCE = 'scopewise';

/**
 * What a diagnostic carries back to the server in code action requests: the document version
 * and the finding's offsets in it, so code actions find the finding (with `code`, the rule id)
 * without matching message text.
 */
export interface DiagnosticData {
  readonly version: number;
  readonly start: number;
  readonly end: number;
}

const SEVERITIES: ReadonlyMap<Severity, DiagnosticSeverity> = new Map([
  ['error', DiagnosticSeverity.Error],
  ['warning', DiagnosticSeverity.Warning],
  ['info', DiagnosticSeverity.Information],
]);

export function toDiagnostic(result: DocumentAnalysis, finding: Finding): Diagnostic {
  const data: DiagnosticData = { version: result.version, start: finding.start, end: finding.end };
  return {
    range: toLspRange(result.lines, finding),
    severity: SEVERITIES.get(finding.severity) ?? DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    code: finding.rule,
    codeDescription: { href: ruleDocsUrl(finding.rule) },
    message: finding.message,
    data,
  };
}

export function toDiagnostics(result: DocumentAnalysis): Diagnostic[] {
  return result.analysis.findings.map((finding) => toDiagnostic(result, finding));
}

/** The data of one of our diagnostics, or undefined when a client mangled or dropped it. */
export function diagnosticData(diagnostic: Diagnostic): DiagnosticData | undefined {
  const data = diagnostic.data as Partial<DiagnosticData> | null | undefined;
  if (
    typeof data?.version !== 'number' ||
    typeof data.start !== 'number' ||
    typeof data.end !== 'number'
  ) {
    return undefined;
  }
  return { version: data.version, start: data.start, end: data.end };
}
