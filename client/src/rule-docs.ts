import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands, Uri, window, type Diagnostic, type QuickPickItem } from 'vscode';

const RULE_PAGE = /\/docs\/rules\/([a-z0-9-]+)\.md$/;

/**
 * Points each diagnostic's rule link at the rule page shipped in the extension, so that the
 * link opens offline. The server links to the pages in the repository; diagnostics whose page is
 * not shipped keep that link.
 */
export class LocalRuleDocs {
  private readonly pages: ReadonlySet<string>;

  constructor(private readonly directory: string) {
    this.pages = new Set(listPages(directory));
  }

  /** The shipped pages, in name order, with each rule's summary and default severity. */
  rules(): RulePage[] {
    return [...this.pages].sort().flatMap((id) => {
      const page = readPage(join(this.directory, `${id}.md`));
      return page ? [{ id, ...page, uri: Uri.file(join(this.directory, `${id}.md`)) }] : [];
    });
  }

  /** Rewrites the links in place and returns the same diagnostics. */
  apply<T extends Diagnostic>(diagnostics: T[]): T[] {
    for (const diagnostic of diagnostics) {
      const { code } = diagnostic;
      if (typeof code !== 'object') continue;
      const id = RULE_PAGE.exec(code.target.path)?.[1];
      if (id === undefined || !this.pages.has(id)) continue;
      diagnostic.code = { value: code.value, target: Uri.file(join(this.directory, `${id}.md`)) };
    }
    return diagnostics;
  }
}

function listPages(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => name.endsWith('.md') && name !== 'README.md')
      .map((name) => name.slice(0, -'.md'.length));
  } catch {
    // No pages shipped (a development build without docs): keep the repository links.
    return [];
  }
}

/** One rule page shipped in the extension. */
export interface RulePage {
  readonly id: string;
  readonly summary: string;
  readonly severity: string | undefined;
  readonly uri: Uri;
}

/**
 * The summary (the first paragraph after the generated header) and the default severity of a page
 * written by `npm run docs`, or undefined when the page cannot be read.
 */
function readPage(file: string): { summary: string; severity: string | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const severity = /\*\*Default severity:\*\* (\w+)/.exec(text)?.[1];
  const summary = text
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .find((block) => block !== '' && !/^(#|>|\*\*Default severity)/.test(block));
  return { summary: (summary ?? '').replace(/\s+/g, ' ').replace(/`/g, ''), severity };
}

interface RuleItem extends QuickPickItem {
  readonly page: RulePage;
}

/**
 * "Scopewise: Open Rule Documentation": picks a rule (or takes its id as the argument) and opens
 * its shipped page in the Markdown preview, or as text when the preview is not available.
 * Resolves with the rule id opened.
 */
export async function openRuleDocumentation(
  docs: LocalRuleDocs,
  ruleId?: unknown,
): Promise<string | undefined> {
  const pages = docs.rules();
  let page = typeof ruleId === 'string' ? pages.find((p) => p.id === ruleId) : undefined;
  if (!page) {
    if (pages.length === 0) {
      void window.showWarningMessage('Scopewise: no rule pages are installed with the extension.');
      return undefined;
    }
    const items: RuleItem[] = pages.map((p) => ({
      label: p.id,
      description: p.severity,
      detail: p.summary,
      page: p,
    }));
    const picked = await window.showQuickPick(items, {
      title: 'Scopewise: Open Rule Documentation',
      placeHolder: 'Type a rule id or words of its summary',
      matchOnDetail: true,
    });
    page = picked?.page;
  }
  if (!page) return undefined;
  try {
    await commands.executeCommand('markdown.showPreview', page.uri);
  } catch {
    await window.showTextDocument(page.uri);
  }
  return page.id;
}
