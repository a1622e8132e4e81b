import { parseDocumentText, type Node, type ParsedDocument, type Range } from './document';
import type { Catalog } from './iam/catalog';
import {
  buildModel,
  DocumentFacts,
  type DocumentKind,
  branchConditions,
  type DocumentModel,
  type PolicyType,
} from './model';
import { findForeignMarker, type ForeignMarker } from './document/foreign-template';
import {
  AnalysisCancelled,
  DEFAULT_WORK_BUDGET,
  FINDING_COST,
  WorkBudget,
  WorkBudgetExceeded,
  withBudget,
} from './budget';
import analysisLimit from './rules/analysis-limit';
import fileTooLarge from './rules/file-too-large';
import foreignTemplate, { foreignTemplateMessage } from './rules/foreign-template';
import internalError from './rules/internal-error';
import { RULES, RULES_BY_ID } from './rules/registry';
import type { Finding, Fix, SeveritySetting } from './finding';
import { documentSecrets, SecretMasker, type DocumentSecret } from './masking';
import type { ResolvedOptions, Rule } from './rules/rule';
import { suppressions } from './suppress';

export const DEFAULT_MAX_SIZE = 10 * 1024 * 1024;

export interface AnalyzeOptions {
  readonly catalog: Catalog;
  /** Used to pick JSON or YAML (and JSONC for `.jsonc`); sniffed from the text when absent. */
  readonly fileName?: string;
  /** Severity overrides by rule id (`off` turns a rule off). */
  readonly rules?: ReadonlyMap<string, SeveritySetting>;
  /**
   * Rules the configuration's `ignore` (or `exclude`) suppresses in this document, or `all`. Like
   * in-document suppressions, they are left out of `Analysis.findings`, which every feature reads.
   */
  readonly ignore?: ReadonlySet<string> | 'all';
  /** Actions newer than the bundled catalog, accepted as known. */
  readonly allowActions?: readonly string[];
  /** Texts longer than this many characters (UTF-16 code units) get one `file-too-large` finding. */
  readonly maxSize?: number;
  /**
   * Work units the rules may spend on this document (see `WorkBudget`); past it the remaining
   * rules are skipped and one `analysis-limit` finding says which.
   */
  readonly workBudget?: number;
  /**
   * Asked as work is counted, with the units spent so far; once it answers true the analysis
   * stops and comes back `cancelled`. The language server cancels the analysis of a version the
   * user has already typed past (and learns from the units that a document is heavy).
   */
  readonly cancelled?: (spent: number) => boolean;
  /**
   * The text is only the start of a longer file, cut where reading stopped (past `maxSize`): the
   * `file-too-large` message says "more than".
   */
  readonly truncated?: boolean;
  /** The user named this file: report `parse-error` even when its kind cannot be told. */
  readonly explicit?: boolean;
  /**
   * What a standalone policy document is (from the config's `policyTypes`); detected from the
   * content when absent. Templates ignore it.
   */
  readonly policyType?: Exclude<PolicyType, 'unknown'>;
}

export interface Analysis {
  /** The options it was made with: fixes re-analyse their result with the same ones. */
  readonly options: AnalyzeOptions;
  readonly kind: DocumentKind;
  readonly document: ParsedDocument;
  readonly model: DocumentModel;
  /**
   * The one list of findings every feature reads (diagnostics, hover, code actions, fix all, the
   * CLI's reports): severity overrides, the configuration's ignores and in-document suppressions
   * are already applied. Sorted by start offset, then end, then rule id.
   */
  readonly findings: readonly Finding[];
  /** Rules that failed on this document (a bug in Scopewise, never in the document). */
  readonly internalErrors: readonly string[];
  /** Work units the analysis spent, counted as the budget counts them. */
  readonly work: number;
  /** `options.cancelled` stopped it: its findings are incomplete, and it is only to be dropped. */
  readonly cancelled?: boolean;
  /**
   * The document's secrets, and the masking every output applies: messages, fix titles and
   * internal errors come masked; front ends mask code frames, hovers and log lines with it.
   */
  readonly secrets: SecretMasker;
}

const emptyModel = (): DocumentModel => ({
  kind: 'unknown',
  template: undefined,
  policies: [],
  pipelines: [],
  facts: new DocumentFacts(),
});
const KIND_HINT = /"?(Statement|AWSTemplateFormatVersion|Resources|pipeline|stages)"?\s*:/;

/**
 * Analyses one document. Never throws: bad input yields findings, a failing rule yields
 * `internalErrors`, and anything else that goes wrong yields one `internal-error` finding, so the
 * other documents of a run are reported as usual.
 */
export function analyze(text: string, options: AnalyzeOptions): Analysis {
  try {
    return analyzeOrThrow(text, options);
  } catch (error) {
    if (error instanceof AnalysisCancelled) {
      return { ...unanalysed(text, options, noFinding()), cancelled: true };
    }
    return failed(text, options, error);
  }
}

function noFinding() {
  return {
    finding: undefined,
    setting: undefined,
    secrets: new SecretMasker('', []),
    internalErrors: [],
  };
}

function analyzeOrThrow(text: string, options: AnalyzeOptions): Analysis {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  if (text.length > maxSize) return tooLarge(text, options, maxSize);

  // Parsing and the model run whole; a cancellation is noticed between them and at every unit
  // of the rules' work.
  const stopIfCancelled = () => {
    if (options.cancelled?.(0)) throw new AnalysisCancelled();
  };
  stopIfCancelled();
  const document = parseDocumentText(text, options.fileName);
  stopIfCancelled();
  const internalErrors: string[] = [];
  let model: DocumentModel;
  try {
    model = buildModel(document, { policyType: options.policyType });
  } catch (error) {
    internalErrors.push(`model: ${describe(error)}`);
    model = emptyModel();
  }
  stopIfCancelled();
  const kind = model.kind;
  if (kind !== 'unknown' || options.explicit) {
    const marker = findForeignMarker(text, document.format);
    if (marker) return foreign(text, options, { document, model, marker });
  }
  const ids =
    kind !== 'unknown'
      ? RULES.filter((rule) => rule.appliesTo.includes(kind)).map((rule) => rule.id)
      : options.explicit
        ? ['parse-error']
        : [];
  const budget = new WorkBudget(options.workBudget ?? DEFAULT_WORK_BUDGET, options.cancelled);
  const found = withBudget(budget, () =>
    runRules(ids, document, model, options, internalErrors, budget),
  );
  const secrets = documentSecrets(text, found.secrets);
  const reported = found.reports.map((report) => report(secrets));
  const limit =
    found.skipped.length > 0 ? limitFinding(found.skipped, budget, options, text) : undefined;
  const findings = limit ? sortFindings([...reported, limit]) : reported;
  maskInPlace(internalErrors, secrets);
  return {
    options,
    kind,
    document,
    model,
    findings: kind === 'unknown' ? findings : suppressions(document, model).filter(findings),
    internalErrors,
    work: budget.spent,
    ...(found.cancelled ? { cancelled: true } : {}),
    secrets,
  };
}

/** The severity a rule reports at in this document, or `off` when it is off or ignored. */
function settingFor(options: AnalyzeOptions, rule: string): SeveritySetting | undefined {
  if (options.ignore === 'all' || options.ignore?.has(rule)) return 'off';
  return options.rules?.get(rule);
}

/** Rules that only report what the parser found. */
const PARSER_RULES: ReadonlySet<string> = new Set(['parse-error', 'duplicate-key']);

/** A finding as reported, made final once the document's secrets are all known. */
type Reported = (secrets: SecretMasker) => Finding;

/**
 * Runs the rules; their findings are made (messages and fix titles masked) once every rule has
 * said which secrets it recognised. Rules that find secrets run even when off, for their secrets,
 * and run first and outside the budget, so masking never depends on it; the parser's rules run
 * next. Each other rule is charged
 * one unit per tree node (it may walk the tree), its action expansions and its findings; when the
 * budget runs out, that rule's findings are dropped and it and the rules after it are `skipped`.
 */
function runRules(
  ids: readonly string[],
  document: ParsedDocument,
  model: DocumentModel,
  options: AnalyzeOptions,
  internalErrors: string[],
  budget: WorkBudget,
): { reports: Reported[]; secrets: DocumentSecret[]; skipped: string[]; cancelled: boolean } {
  const reports: { start: number; end: number; rule: string; make: Reported }[] = [];
  const secrets: DocumentSecret[] = [];
  const skipped: string[] = [];
  const resolved: ResolvedOptions = {
    allowActions: new Set((options.allowActions ?? []).map((a) => a.toLowerCase())),
  };
  const rules = ids
    .map((id) => RULES_BY_ID.get(id))
    .filter((rule): rule is Rule => rule !== undefined);
  // The parser's own problems come next: they cost nothing to report, and a cut document needs
  // them most.
  const parser = (rule: Rule) => PARSER_RULES.has(rule.id);
  const ordered = [
    ...rules.filter((rule) => rule.findsSecrets),
    ...rules.filter((rule) => !rule.findsSecrets && parser(rule)),
    ...rules.filter((rule) => !rule.findsSecrets && !parser(rule)),
  ];
  const nodes = countNodes(document.root);
  let cancelled = false;
  for (const rule of ordered) {
    const id = rule.id;
    const setting = settingFor(options, id);
    if (setting === 'off' && !rule.findsSecrets) continue;
    if (budget.exhausted) {
      skipped.push(id);
      continue;
    }
    const before = reports.length;
    const check = () => {
      // Unmetered for secret-finding rules, but a cancellation still stops them.
      budget.spend(rule.findsSecrets ? 0 : nodes);
      rule.check({
        document,
        model,
        catalog: options.catalog,
        options: resolved,
        report: ({ at, message, severity, fixes, secrets: recognised }) => {
          if (recognised) secrets.push(...recognised);
          if (setting === 'off') return;
          const range = rangeOf(at, document.text.length);
          // A finding inside an `Fn::If` branch holds only when the branch is taken: say when.
          const when = 'kind' in at ? branchConditions(at) : undefined;
          const said = when ? `${message} (${when})` : message;
          const make: Reported = (masker) =>
            withFixes(
              {
                rule: id,
                severity: setting ?? severity ?? rule.defaultSeverity,
                message: masker.mask(said),
                start: range.start,
                end: range.end,
              },
              maskTitles(fixes, masker),
              (error) => internalErrors.push(masker.mask(error)),
            );
          reports.push({ ...range, rule: id, make });
          if (!rule.findsSecrets) budget.spend(FINDING_COST);
        },
      });
    };
    try {
      if (rule.findsSecrets) budget.unmetered(check);
      else check();
    } catch (error) {
      if (error instanceof AnalysisCancelled) {
        cancelled = true;
        break;
      }
      if (!(error instanceof WorkBudgetExceeded) && !budget.exhausted) {
        internalErrors.push(`${id}: ${describe(error)}`);
      }
    }
    if (budget.exhausted && !rule.findsSecrets) {
      // Half a rule's findings would read as the whole of them: the rule counts as skipped.
      reports.length = before;
      skipped.push(id);
    }
  }
  return { reports: sortFindings(reports).map((r) => r.make), secrets, skipped, cancelled };
}

/** Tree nodes (values and keys), counted without recursion: nesting can be deep. */
function countNodes(root: Node | undefined): number {
  let count = 0;
  const stack: Node[] = root ? [root] : [];
  for (let node = stack.pop(); node; node = stack.pop()) {
    count++;
    if (node.kind === 'object') {
      for (const property of node.properties) {
        count++;
        if (property.value) stack.push(property.value);
      }
    } else if (node.kind === 'array') {
      for (const item of node.items) stack.push(item);
    }
  }
  return count;
}

/** The one `analysis-limit` finding, at the document's start, naming the rules that did not run. */
function limitFinding(
  skipped: readonly string[],
  budget: WorkBudget,
  options: AnalyzeOptions,
  text: string,
): Finding | undefined {
  const setting = settingFor(options, analysisLimit.id);
  if (setting === 'off') return undefined;
  const names = skipped.map((id) => `'${id}'`).join(', ');
  const rules = skipped.length === 1 ? 'rule' : `${skipped.length} rules`;
  return {
    rule: analysisLimit.id,
    severity: setting ?? analysisLimit.defaultSeverity,
    message: `The document is too costly to analyse in full: its work budget of ${budget.limit.toLocaleString('en-US')} units ran out, so the ${rules} ${names} did not check it. The other rules' findings are complete.`,
    start: 0,
    end: Math.min(1, text.length),
    fixes: [],
  };
}

/** Fix titles are output: they are masked like messages; the edits keep the document's text. */
function maskTitles(
  fixes: readonly Fix[] | (() => readonly Fix[]) | undefined,
  masker: SecretMasker,
): readonly Fix[] | (() => readonly Fix[]) | undefined {
  const masked = (list: readonly Fix[]) =>
    list.map((fix) => {
      const title = masker.mask(fix.title);
      return title === fix.title ? fix : { ...fix, title };
    });
  if (fixes === undefined) return undefined;
  return typeof fixes === 'function' ? () => masked(fixes()) : masked(fixes);
}

function maskInPlace(list: string[], masker: SecretMasker): void {
  for (let i = 0; i < list.length; i++) list[i] = masker.mask(list[i] ?? '');
}

/**
 * The finding with its fixes; fixes given as a function are built on first use and kept. A fix
 * builder that throws costs the finding its fixes, never the finding, and is an internal error.
 */
function withFixes(
  finding: Omit<Finding, 'fixes'>,
  fixes: readonly Fix[] | (() => readonly Fix[]) | undefined,
  onError: (error: string) => void,
): Finding {
  if (typeof fixes !== 'function') return { ...finding, fixes: fixes ?? [] };
  let built: readonly Fix[] | undefined;
  return Object.defineProperty(finding, 'fixes', {
    enumerable: true,
    get(): readonly Fix[] {
      if (built === undefined) {
        try {
          built = fixes();
        } catch (error) {
          onError(`${finding.rule} (fixes): ${describe(error)}`);
          built = [];
        }
      }
      return built;
    },
  }) as Finding;
}

/** Every finding's range is at least one character wide and inside the text. */
function rangeOf(at: Node | Range, length: number): Range {
  const start = Math.max(0, Math.min(at.start, length));
  const end = Math.max(start, Math.min(at.end, length));
  if (end > start || length === 0) return { start, end };
  return start < length ? { start, end: start + 1 } : { start: start - 1, end: start };
}

export function sortFindings<T extends Range & { readonly rule: string }>(findings: T[]): T[] {
  return findings.sort(
    (a, b) =>
      a.start - b.start || a.end - b.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}

function tooLarge(text: string, options: AnalyzeOptions, maxSize: number): Analysis {
  const looksOurs = options.explicit || KIND_HINT.test(text.slice(0, 65536));
  const limit = maxSize.toLocaleString('en-US');
  const size = options.truncated
    ? `more than ${limit} characters, the limit`
    : `${text.length.toLocaleString('en-US')} characters, over the limit of ${limit}`;
  const message = `The file has ${size}, so it was not analysed. Raise "maxFileSize" in .scopewise.json to analyse it.`;
  return unanalysed(text, options, {
    finding: looksOurs ? { rule: fileTooLarge, message } : undefined,
    setting: settingFor(options, fileTooLarge.id),
    secrets: new SecretMasker(text, []),
    internalErrors: [],
  });
}

/**
 * The analysis of another tool's template: its tree and kind are kept for the editor's features,
 * and its one finding is `foreign-template` at the first tag; no rule runs on it.
 */
function foreign(
  text: string,
  options: AnalyzeOptions,
  {
    document,
    model,
    marker,
  }: { document: ParsedDocument; model: DocumentModel; marker: ForeignMarker },
): Analysis {
  const secrets = documentSecrets(text, []);
  const setting = settingFor(options, foreignTemplate.id);
  const findings: Finding[] =
    setting === 'off'
      ? []
      : [
          {
            rule: foreignTemplate.id,
            severity: setting ?? foreignTemplate.defaultSeverity,
            message: secrets.mask(foreignTemplateMessage(marker)),
            start: marker.start,
            end: marker.end,
            fixes: [],
          },
        ];
  return {
    options,
    kind: model.kind,
    document,
    model,
    findings: suppressions(document, model).filter(findings),
    internalErrors: [],
    work: 0,
    secrets,
  };
}

/**
 * The analysis of a document that was not analysed (too large, or the engine failed on it): no
 * tree, and at most one finding at its start, unless the user turned that rule off.
 */
function unanalysed(
  text: string,
  options: AnalyzeOptions,
  {
    finding,
    setting,
    secrets,
    internalErrors,
  }: {
    finding: { rule: Rule; message: string } | undefined;
    setting: SeveritySetting | undefined;
    secrets: SecretMasker;
    internalErrors: string[];
  },
): Analysis {
  const findings: Finding[] =
    finding && setting !== 'off'
      ? [
          {
            rule: finding.rule.id,
            severity: setting ?? finding.rule.defaultSeverity,
            message: finding.message,
            start: 0,
            end: Math.min(1, text.length),
            fixes: [],
          },
        ]
      : [];
  const document: ParsedDocument = { text, format: 'json', root: undefined, problems: [] };
  return {
    options,
    kind: 'unknown',
    document,
    model: emptyModel(),
    findings,
    internalErrors,
    work: 0,
    secrets,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The analysis of a document the engine could not handle: one `internal-error` finding. */
function failed(text: string, options: AnalyzeOptions, error: unknown): Analysis {
  let secrets: SecretMasker;
  try {
    secrets = documentSecrets(text, []);
  } catch {
    secrets = documentSecrets('', []);
  }
  const detail = secrets.mask(firstLine(describe(error)));
  let setting: SeveritySetting | undefined;
  try {
    setting = settingFor(options, internalError.id);
  } catch {
    // The options themselves may be what failed.
    setting = undefined;
  }
  return unanalysed(text, options, {
    setting,
    finding: {
      rule: internalError,
      message: `Scopewise could not analyse this document: an internal error (${detail}). Please report it; the other documents are analysed as usual.`,
    },
    secrets,
    internalErrors: [`analyze: ${secrets.mask(describe(error))}`],
  });
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).slice(0, 200);
}
