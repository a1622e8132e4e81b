/** Where each rule's page is published; `docs/rules/<id>.md` in the repository named in package.json. */
export const RULE_DOCS_BASE = 'https://github.com/scopewise/scopewise/blob/main/docs/rules/';

export function ruleDocsUrl(id: string): string {
  return `${RULE_DOCS_BASE}${id}.md`;
}
