import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Uri, type Diagnostic } from 'vscode';

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
      .filter((name) => name.endsWith('.md'))
      .map((name) => name.slice(0, -'.md'.length));
  } catch {
    // No pages shipped (a development build without docs): keep the repository links.
    return [];
  }
}
