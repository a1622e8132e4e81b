import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Catalog,
  type CatalogSource,
  type IamIndexData,
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

/** Reads the generated catalog files synchronously: the index now, each service on first use. */
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
  };
}

let shared: Catalog | undefined;

/** The catalog over the bundled data, loaded once per process. */
export function loadCatalog(): Catalog {
  shared ??= new Catalog(fileCatalogSource());
  return shared;
}
