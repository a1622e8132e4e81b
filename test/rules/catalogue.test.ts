import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, RULES } from '../../server/src/analysis';
import { normaliseProse } from '../../server/src/analysis/rules/rule';
import { readRuleExamples, ruleDocsPage, ruleIndexPage } from '../../scripts/rule-docs';
import { registryIds, renderRegistry, scaffoldRule } from '../../scripts/scaffold-rule';
import { REPO_ROOT, testCatalog } from '../support/catalog';

const RULES_DIR = join(REPO_ROOT, 'server', 'src', 'analysis', 'rules');
const DOCS_DIR = join(REPO_ROOT, 'docs', 'rules');
const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures');
/**
 * Rules the engine reports before any check runs: no fixture can carry their markers, so they have
 * no docs-bad example; their docs-good example, analysed under a limit one character below its
 * size, stands in for it.
 */
const SIZE_LIMITED = new Set(['file-too-large']);
/**
 * Reported by `analyze` when the engine fails, which no document is meant to make it do: no
 * docs-bad example and no marker fixtures; test/unit/engine.test.ts makes it fail on purpose.
 */
const ENGINE_FAILURES = new Set(['internal-error']);
/**
 * Reported by `analyze` when a document spends its work budget, which no fixture of a sensible
 * size does: no docs-bad example and no marker fixtures; docs-good, analysed under a budget of a
 * few units, stands in for it (test/unit/work-budget.test.ts has the hostile documents).
 */
const BUDGET_LIMITED = new Set(['analysis-limit']);

describe('rule catalogue', () => {
  it('the registry is sorted and lists every rule file', () => {
    const source = readFileSync(join(RULES_DIR, 'registry.ts'), 'utf8');
    expect(source).toBe(renderRegistry(registryIds(source)));
    const files = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.ts'))
      .filter(
        (f) => /defineRule\(/.test(readFileSync(join(RULES_DIR, f), 'utf8')) && f !== 'rule.ts',
      )
      .map((f) => f.slice(0, -3));
    expect(RULES.map((r) => r.id)).toEqual([...files].sort());
  });

  it('rules/ holds rules only: each file and folder is named by a rule id', () => {
    const ids = new Set(RULES.map((r) => r.id));
    const strays = readdirSync(RULES_DIR, { withFileTypes: true })
      .map((entry) => (entry.isDirectory() ? entry.name : entry.name.replace(/\.ts$/, '')))
      .filter((name) => !ids.has(name) && name !== 'rule' && name !== 'registry');
    expect(strays).toEqual([]);
    for (const id of ids) {
      expect(existsSync(join(FIXTURES_DIR, id)), `test/fixtures/${id}`).toBe(true);
      expect(existsSync(join(DOCS_DIR, `${id}.md`)), `docs/rules/${id}.md`).toBe(true);
    }
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      it('has a kebab-case id, complete docs and references', () => {
        expect(rule.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
        expect(rule.id).not.toMatch(/^(no|disallow)-/);
        expect(rule.docs.summary.length).toBeGreaterThan(20);
        expect(rule.docs.why.length).toBeGreaterThan(80);
        expect(rule.docs.fix.length).toBeGreaterThan(20);
        expect(rule.docs.references.length).toBeGreaterThan(0);
        for (const reference of rule.docs.references)
          expect(reference).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      });

      it('has an up-to-date docs page (npm run docs)', () => {
        expect(readFileSync(join(DOCS_DIR, `${rule.id}.md`), 'utf8')).toBe(
          ruleDocsPage(rule, readRuleExamples(rule.id)),
        );
      });

      const unmarked =
        SIZE_LIMITED.has(rule.id) || ENGINE_FAILURES.has(rule.id) || BUDGET_LIMITED.has(rule.id);
      it.runIf(!unmarked)('has fixtures with at least one finding', () => {
        const folder = join(FIXTURES_DIR, rule.id);
        expect(existsSync(folder)).toBe(true);
        const marked = readdirSync(folder).some((f) =>
          readFileSync(join(folder, f), 'utf8').includes(` ${rule.id} (`),
        );
        expect(marked).toBe(true);
      });

      it('has docs examples: docs-bad fires the rule, docs-good does not', () => {
        const catalog = testCatalog();
        const { bad, good } = readRuleExamples(rule.id);
        const fixtures = `test/fixtures/${rule.id}`;
        if (!good) expect.fail(`${fixtures}/docs-good.(json|yaml) is missing`);
        const ids = (
          example: { file: string; code: string },
          maxSize?: number,
          workBudget?: number,
        ) =>
          analyze(example.code, {
            catalog,
            fileName: example.file,
            maxSize,
            workBudget,
          }).findings.map((f) => f.rule);
        expect(ids(good)).not.toContain(rule.id);
        if (SIZE_LIMITED.has(rule.id)) {
          expect(bad, `${fixtures} cannot have a docs-bad example`).toBeUndefined();
          expect(ids(good, good.code.length - 1)).toContain(rule.id);
          return;
        }
        if (BUDGET_LIMITED.has(rule.id)) {
          expect(bad, `${fixtures} cannot have a docs-bad example`).toBeUndefined();
          expect(ids(good, undefined, 10)).toContain(rule.id);
          return;
        }
        if (ENGINE_FAILURES.has(rule.id)) {
          expect(bad, `${fixtures} cannot have a docs-bad example`).toBeUndefined();
          return;
        }
        if (!bad) expect.fail(`${fixtures}/docs-bad.(json|yaml) is missing`);
        expect(ids(bad)).toContain(rule.id);
      });
    });
  }

  it('has an up-to-date index page', () => {
    expect(readFileSync(join(DOCS_DIR, 'README.md'), 'utf8')).toBe(ruleIndexPage(RULES));
  });
});

describe('normaliseProse', () => {
  it('joins wrapped lines with one space and keeps blank lines as paragraph breaks', () => {
    const written = `
      A wrapped line
      and its continuation.

      A second   paragraph.
    `;
    expect(normaliseProse(written)).toBe(
      'A wrapped line and its continuation.\n\nA second paragraph.',
    );
  });
});

describe('new-rule scaffold', () => {
  it('creates the rule file, a sorted registry line and a fixture folder with docs examples', () => {
    const root = mkdtempSync(join(tmpdir(), 'scopewise-scaffold-'));
    mkdirSync(join(root, 'server', 'src', 'analysis'), { recursive: true });
    cpSync(RULES_DIR, join(root, 'server', 'src', 'analysis', 'rules'), { recursive: true });
    const files = scaffoldRule(root, 'bucket-versioning');
    expect(files.map((f) => f.slice(root.length + 1))).toEqual([
      'server/src/analysis/rules/bucket-versioning.ts',
      'server/src/analysis/rules/registry.ts',
      'test/fixtures/bucket-versioning/docs-bad.json',
      'test/fixtures/bucket-versioning/docs-good.json',
    ]);
    const registry = readFileSync(
      join(root, 'server', 'src', 'analysis', 'rules', 'registry.ts'),
      'utf8',
    );
    expect(registryIds(registry)).toEqual([...RULES.map((r) => r.id), 'bucket-versioning'].sort());
    expect(registry).toContain("import bucketVersioning from './bucket-versioning';");
    expect(readFileSync(files[0] ?? '', 'utf8')).toContain("id: 'bucket-versioning'");
    expect(() => scaffoldRule(root, 'bucket-versioning')).toThrow(/already exists/);
    expect(() => scaffoldRule(root, 'Bad_Id')).toThrow(/kebab-case/);
  });
});
