import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the shared corpus lives: `../shared/corpus` from the repository, as DESIGN.md says. */
export function corpusDirectory(root: string): string | undefined {
  const candidates = [join(root, '..', 'shared', 'corpus'), '/work/shared/corpus'];
  return candidates.find((candidate) => existsSync(join(candidate, 'MANIFEST.tsv')));
}

/** The corpus's CloudFormation templates (MANIFEST.tsv kinds cfn-yaml and cfn-json), sorted by path. */
export function corpusTemplates(directory: string): string[] {
  const rows = readFileSync(join(directory, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  const paths: string[] = [];
  for (const row of rows) {
    const [path, kind] = row.split('\t');
    if (path && (kind === 'cfn-yaml' || kind === 'cfn-json') && existsSync(join(directory, path))) {
      paths.push(path);
    }
  }
  return paths.sort();
}
