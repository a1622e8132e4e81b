import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function camelCase(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Creates a new rule: its file, its line in the sorted registry, and a fixture folder holding its
 * docs examples (`docs-bad.json`, `docs-good.json`). Returns the files it wrote. Throws on a bad or
 * taken id.
 */
export function scaffoldRule(root: string, id: string): string[] {
  if (!ID.test(id)) throw new Error(`"${id}" is not a kebab-case rule id`);
  const rulesFolder = join(root, 'server', 'src', 'analysis', 'rules');
  const ruleFile = join(rulesFolder, `${id}.ts`);
  if (existsSync(ruleFile)) throw new Error(`${ruleFile} already exists`);
  writeFileSync(ruleFile, ruleTemplate(id));

  const registryFile = join(rulesFolder, 'registry.ts');
  writeFileSync(registryFile, addToRegistry(readFileSync(registryFile, 'utf8'), id));

  const fixtures = join(root, 'test', 'fixtures', id);
  mkdirSync(fixtures, { recursive: true });
  const bad = join(fixtures, 'docs-bad.json');
  const good = join(fixtures, 'docs-good.json');
  writeFileSync(bad, POLICY);
  writeFileSync(good, POLICY);
  return [ruleFile, registryFile, bad, good];
}

/** Adds a rule id to the registry source, which is rewritten sorted. */
export function addToRegistry(source: string, id: string): string {
  return renderRegistry([...registryIds(source), id]);
}

/** The rule ids the registry imports. */
export function registryIds(source: string): string[] {
  return [...source.matchAll(/^import \w+ from '\.\/([a-z0-9-]+)';$/gm)].map((m) => m[1] ?? '');
}

/** The registry file for a set of rule ids, sorted by id. */
export function renderRegistry(ids: readonly string[]): string {
  const sorted = [...new Set(ids)].sort();
  return [
    '// The rule registry, sorted by id. `npm run new-rule -- <id>` adds a line here.',
    "import type { Rule } from './rule';",
    ...sorted.map((id) => `import ${camelCase(id)} from './${id}';`),
    '',
    'export const RULES: readonly Rule[] = [',
    ...sorted.map((id) => `  ${camelCase(id)},`),
    '];',
    '',
    'export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));',
    '',
  ].join('\n');
}

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*" }
  ]
}
`;

function ruleTemplate(id: string): string {
  return `import { defineRule } from './rule';

export default defineRule({
  id: '${id}',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    // Prose wraps freely: defineRule joins the lines. The examples are the fixtures
    // test/fixtures/${id}/docs-bad.json and docs-good.json.
    summary: \`TODO: one sentence saying what the rule reports.\`,
    why: \`
      TODO: why it matters, in a paragraph wrapped at 100 columns; a blank line starts another.
    \`,
    fix: \`
      TODO: how to fix it, and what the quick-fixes do.
    \`,
    references: [],
  },
  check({ model, report }) {
    for (const policy of model.policies) {
      for (const statement of policy.statements) {
        void statement;
        void report;
      }
    }
  },
});
`;
}
