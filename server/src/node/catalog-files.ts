import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Catalog,
  type ActionUsageData,
  type CatalogSource,
  type IamIndexData,
  type JsonValue,
  type ManagedPolicyIndexData,
  type ServiceDetailData,
} from '../analysis';

/**
 * Where the generated data lives. Bundles sit in `dist/`, sources in `server/src/node/`; both
 * reach `server/data` from their own folder.
 */
export function dataDirectory(): string {
  const candidates = [join(__dirname, '..', 'server', 'data'), join(__dirname, '..', '..', 'data')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'iam', 'index.json')));
  if (found) return found;
  throw new Error(
    `Scopewise's IAM data was not found (looked in ${candidates.join(', ')}). Run "npm run build" to generate it.`,
  );
}

/**
 * Reads the generated catalog files synchronously: the IAM index now, each service on first use;
 * the AWS managed policy index when the engine first asks, each document file when one of its
 * policies is asked for, and the action usage counts on the first completion of actions.
 */
export function fileCatalogSource(directory = dataDirectory()): CatalogSource {
  const iamDirectory = join(directory, 'iam');
  const index = JSON.parse(readFileSync(join(iamDirectory, 'index.json'), 'utf8')) as IamIndexData;
  const known = new Set(index.services.map((s) => s.prefix));
  return {
    index,
    loadService(prefix: string): ServiceDetailData | undefined {
      // Prefixes come from the index, never from document text; checked again because a file path is built from it.
      if (!known.has(prefix) || !/^[a-z0-9-]+$/.test(prefix)) return undefined;
      return JSON.parse(
        readFileSync(join(iamDirectory, 'services', `${prefix}.json`), 'utf8'),
      ) as ServiceDetailData;
    },
    ...managedPolicyFiles(join(directory, 'managed-policies')),
    loadActionUsage(): ActionUsageData | undefined {
      const file = join(directory, 'managed-policies', 'usage.json');
      if (!existsSync(file)) return undefined;
      return JSON.parse(readFileSync(file, 'utf8')) as ActionUsageData;
    },
  };
}

/**
 * The AWS managed policy files (scripts/gen-managed-policies.ts). A document file holds some 30
 * policies; the last one read is kept, since the engine asks for each policy once and attached
 * policies often share a file.
 */
function managedPolicyFiles(
  folder: string,
): Pick<CatalogSource, 'loadManagedPolicyIndex' | 'loadManagedPolicy'> {
  let fileOf: Map<string, number> | undefined;
  let last: { readonly file: number; readonly documents: Map<string, JsonValue> } | undefined;
  const loadIndex = (): ManagedPolicyIndexData | undefined => {
    if (!existsSync(join(folder, 'index.json'))) return undefined;
    const data = JSON.parse(
      readFileSync(join(folder, 'index.json'), 'utf8'),
    ) as ManagedPolicyIndexData;
    fileOf = new Map(data.policies.map((p) => [p.name, p.file]));
    return data;
  };
  return {
    loadManagedPolicyIndex: loadIndex,
    loadManagedPolicy(name: string): JsonValue | undefined {
      if (fileOf === undefined) loadIndex();
      // Only files the index names are opened: the path is built from its number, never a name.
      const file = fileOf?.get(name);
      if (file === undefined || !Number.isSafeInteger(file) || file < 0) return undefined;
      if (last?.file !== file) {
        const entries = JSON.parse(
          readFileSync(join(folder, 'documents', `${file}.json`), 'utf8'),
        ) as [string, JsonValue][];
        last = { file, documents: new Map(entries) };
      }
      return last.documents.get(name);
    },
  };
}

let shared: Catalog | undefined;

/** The catalog over the bundled data, loaded once per process. */
export function loadCatalog(): Catalog {
  shared ??= new Catalog(fileCatalogSource());
  return shared;
}
