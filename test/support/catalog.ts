import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Catalog } from '../../server/src/analysis';
import { fileCatalogSource } from '../../server/src/node/catalog-files';

export const REPO_ROOT = join(__dirname, '..', '..');
const DATA = join(REPO_ROOT, 'server', 'data');

let catalog: Catalog | undefined;

/** The catalog over the generated data, generating it first on a tree that was never built. */
export function testCatalog(): Catalog {
  if (!catalog) {
    generateData();
    catalog = new Catalog(fileCatalogSource(DATA));
  }
  return catalog;
}

/** Generates the IAM and managed policy data (in that order) where a tree was never built. */
export function generateData(): void {
  if (!existsSync(join(DATA, 'iam', 'index.json'))) {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen-iam-data.mjs')], {
      stdio: 'inherit',
    });
  }
  if (!existsSync(join(DATA, 'managed-policies', 'index.json'))) {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'gen-managed-policies.ts')],
      { stdio: 'inherit', cwd: REPO_ROOT },
    );
  }
}
