// Writes docs/rules/<id>.md and docs/rules/README.md from the rules' own `docs` fields and their
// example fixtures (test/fixtures/<id>/docs-bad.* and docs-good.*).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../server/src/analysis';
import { readRuleExamples, ruleDocsPage, ruleIndexPage } from './rule-docs';

const folder = join(__dirname, '..', 'docs', 'rules');
mkdirSync(folder, { recursive: true });
const wanted = new Set(RULES.map((r) => `${r.id}.md`).concat('README.md'));
for (const file of readdirSync(folder)) if (!wanted.has(file)) rmSync(join(folder, file));
for (const rule of RULES)
  writeFileSync(join(folder, `${rule.id}.md`), ruleDocsPage(rule, readRuleExamples(rule.id)));
writeFileSync(join(folder, 'README.md'), ruleIndexPage(RULES));
console.log(`wrote ${RULES.length} rule pages to docs/rules/`);
