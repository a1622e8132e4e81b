// npm run new-rule -- <rule-id>: scaffolds a rule file, its registry line and a fixture folder.
import { join } from 'node:path';
import { scaffoldRule } from './scaffold-rule';

const id = process.argv[2];
if (!id) {
  console.error('usage: npm run new-rule -- <rule-id>');
  process.exit(2);
}
try {
  for (const file of scaffoldRule(join(__dirname, '..'), id)) console.log(`created ${file}`);
  console.log(
    `\nNext: write the check and docs; make test/fixtures/${id}/docs-bad.json a case the rule\n` +
      'reports and docs-good.json the same intent done right (they are the docs page examples);\n' +
      'run `UPDATE_FIXTURES=1 npx vitest run test/rules` and review the markers, then `npm run docs`.',
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
