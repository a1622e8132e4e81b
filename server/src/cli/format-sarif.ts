import { createHash, type Hash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, ruleDocsUrl, type Finding, type Rule, type Severity } from '../analysis';
import { shownText, WITHHELD, withheld, type FileReport, type Report } from './report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/scopewise/scopewise';
/** The key of Scopewise's own fingerprint; bump the suffix if its recipe ever changes. */
export const FINGERPRINT_KEY = 'scopewise/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

export interface SarifOptions {
  readonly version: string;
  /** Artifact URIs are relative to this folder (`%SRCROOT%`). */
  readonly cwd: string;
}

/** A SARIF 2.1.0 log with one run, ready for GitHub code scanning. */
export function formatSarif(report: Report, options: SarifOptions): string {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const results = report.files.flatMap((file) => {
    const location = artifactLocation(file, options.cwd);
    const fingerprints = new Fingerprints(file, location.uri);
    return file.findings.map((finding) => {
      const index = ruleIndex.get(finding.rule);
      const held = finding.fixes.filter((fix) => withheld(file, fix));
      const fixes = finding.fixes.filter((fix) => !held.includes(fix));
      return {
        ruleId: finding.rule,
        ...(index === undefined ? {} : { ruleIndex: index }),
        level: LEVEL[finding.severity],
        message: { text: finding.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: location,
              region: region(file, finding.start, finding.end),
            },
          },
        ],
        partialFingerprints: {
          [FINGERPRINT_KEY]: fingerprints.next(finding),
        },
        ...(fixes.length > 0
          ? {
              fixes: fixes.map((fix) => ({
                description: { text: fix.title },
                artifactChanges: [
                  {
                    artifactLocation: location,
                    replacements: fix.edits.map((edit) => ({
                      deletedRegion: region(file, edit.start, edit.end),
                      insertedContent: { text: edit.newText },
                    })),
                  },
                ],
                properties: { safe: fix.safe },
              })),
            }
          : {}),
        // A SARIF fix must carry its changes: one that would copy a secret is named here instead.
        ...(held.length > 0
          ? {
              properties: {
                withheldFixes: held.map((fix) => ({
                  description: { text: fix.title },
                  safe: fix.safe,
                  withheld: WITHHELD,
                })),
              },
            }
          : {}),
      };
    });
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'scopewise',
            version: options.version,
            semanticVersion: options.version,
            informationUri: INFORMATION_URI,
            rules: RULES.map(describeRule),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function describeRule(rule: Rule) {
  const { docs } = rule;
  const references = docs.references.map((url) => `- <${url}>`).join('\n');
  return {
    id: rule.id,
    shortDescription: { text: docs.summary },
    fullDescription: { text: docs.why },
    helpUri: ruleDocsUrl(rule.id),
    help: {
      text: `${docs.summary} ${docs.fix}`,
      markdown: `${docs.summary}\n\n${docs.why}\n\n**Fix:** ${docs.fix}\n\n${references}\n\n[Rule documentation](${ruleDocsUrl(rule.id)})`,
    },
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: { fixable: rule.fixable },
  };
}

interface ArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

/** Relative to `%SRCROOT%` when the file is under the working folder, else an absolute file URI. */
function artifactLocation(file: FileReport, cwd: string): ArtifactLocation {
  if (file.absolutePath === undefined)
    return { uri: encodePath(file.path), uriBaseId: '%SRCROOT%' };
  const path = relative(cwd, file.absolutePath);
  if (path.startsWith('..') || /^([a-z]:|[\\/])/i.test(path))
    return { uri: pathToFileURL(file.absolutePath).href };
  return { uri: encodePath(path.split(sep).join('/')), uriBaseId: '%SRCROOT%' };
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** SARIF regions are 1-based; columns count UTF-16 code units and the end column is exclusive. */
function region(file: FileReport, start: number, end: number) {
  const from = file.lines.positionAt(start);
  const to = file.lines.positionAt(end);
  return {
    startLine: from.line + 1,
    startColumn: from.character + 1,
    endLine: to.line + 1,
    endColumn: to.character + 1,
  };
}

/**
 * Fingerprints: a hash of the rule, the file, the finding's line (trimmed, secrets masked) and how
 * many equal findings came before it in the file, so a finding keeps its fingerprint when lines
 * above it move. Each line's text is read and hashed once, whatever the number of findings on it
 * (a minified document is one long line).
 */
class Fingerprints {
  /** Each line's trimmed masked text, as an id shared by equal lines. */
  private readonly lineIds = new Map<number, number>();
  private readonly textIds = new Map<string, number>();
  /** The hash of `rule, uri, line text` per rule and line id, and how many findings used it. */
  private readonly prefixes = new Map<string, { hash: Hash; count: number }>();

  constructor(
    private readonly file: FileReport,
    private readonly uri: string,
  ) {}

  next(finding: Finding): string {
    const line = this.file.lines.positionAt(finding.start).line;
    let id = this.lineIds.get(line);
    let lineText: string | undefined;
    if (id === undefined) {
      lineText = shownText(this.file).lines.lineText(line).trim();
      id = this.textIds.get(lineText);
      if (id === undefined) this.textIds.set(lineText, (id = this.textIds.size));
      this.lineIds.set(line, id);
    }
    const key = `${finding.rule}\u0000${id}`;
    let prefix = this.prefixes.get(key);
    if (prefix === undefined) {
      lineText ??= shownText(this.file).lines.lineText(line).trim();
      const hash = createHash('sha256').update(`${finding.rule}\u0000${this.uri}\u0000${lineText}`);
      this.prefixes.set(key, (prefix = { hash, count: 0 }));
    }
    const occurrence = prefix.count++;
    const digest = prefix.hash.copy().update(`\u0000${occurrence}`).digest('hex').slice(0, 32);
    return `${digest}:${occurrence + 1}`;
  }
}
