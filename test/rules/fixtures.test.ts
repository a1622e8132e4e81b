import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, applyEdits, LineIndex, RULES } from '../../server/src/analysis';
import { testCatalog } from '../support/catalog';
import { lineDiff } from '../support/diff';
import { renderMarkers, stripMarkers } from '../support/markers';

/**
 * Rule fixtures: test/fixtures/<rule-id>/<case>.(json|yaml) carry the rule's expected findings as
 * marker lines; <case>.<ext>.fixed holds the text each fix produces. `UPDATE_FIXTURES=1`
 * rewrites both from the actual results after an intended change.
 */
const FIXTURES = join(__dirname, '..', 'fixtures');
const update = process.env.UPDATE_FIXTURES === '1';

function check(path: string, actual: string): void {
  if (update) {
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} is missing; run with UPDATE_FIXTURES=1 to create it`).toBe(
    true,
  );
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

for (const rule of RULES) {
  const folder = join(FIXTURES, rule.id);
  const cases = existsSync(folder)
    ? readdirSync(folder).filter((f) => ['.json', '.yaml', '.yml'].includes(extname(f)))
    : [];
  if (cases.length === 0) continue;
  describe(`rule ${rule.id}`, () => {
    for (const name of cases) {
      it(name, () => {
        const path = join(folder, name);
        const source = readFileSync(path, 'utf8');
        const text = stripMarkers(source);
        const catalog = testCatalog();
        const analysis = analyze(text, { catalog, fileName: name, explicit: true });
        expect(analysis.internalErrors).toEqual([]);
        const findings = analysis.findings.filter((f) => f.rule === rule.id);
        const comment = extname(name) === '.json' ? '//' : '#';
        check(path, renderMarkers(text, findings, comment));

        const index = new LineIndex(text);
        const sections: string[] = [];
        for (const finding of findings) {
          const at = index.positionAt(finding.start);
          for (const fix of finding.fixes) {
            const fixed = applyEdits(text, fix.edits);
            expect(fixed.skipped).toBe(0);
            const after = analyze(fixed.text, { catalog, fileName: name });
            // A fix must never break the document.
            expect(
              after.findings.filter((f) => f.rule === 'parse-error' || f.rule === 'duplicate-key'),
            ).toEqual([]);
            sections.push(
              `== ${finding.rule} ${at.line + 1}:${at.character + 1} "${fix.title}" (${fix.safe ? 'safe' : 'unsafe'})\n${lineDiff(text, fixed.text)}`,
            );
          }
        }
        const fixedPath = `${path}.fixed`;
        if (sections.length > 0) check(fixedPath, sections.join('\n\n') + '\n');
        else if (update && existsSync(fixedPath)) rmSync(fixedPath);
        else
          expect(existsSync(fixedPath), `${fixedPath} is stale: the case has no fixes`).toBe(false);
      });
    }
  });
}
