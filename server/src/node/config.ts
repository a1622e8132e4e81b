import { existsSync } from 'node:fs';
import { dirname, join, parse, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { POLICY_TYPES, RULES_BY_ID, type PolicyType, type SeveritySetting } from '../analysis';
import { describeFileError, readFileLimited } from './file-io';
import { NODE_FILE_SYSTEM } from './file-system';

export const CONFIG_FILE_NAME = '.scopewise.json';

/**
 * Limits on what a config file may hold. A repository can ship a hostile `.scopewise.json`, and a
 * hundred thousand globs would exhaust the memory before a single file is checked.
 */
export const CONFIG_LIMITS = {
  /** Bytes in the file: 1 MiB. */
  fileBytes: 1024 * 1024,
  /** Entries in each of `exclude`, `allowActions`, `ignore` and `policyTypes`. */
  listEntries: 10_000,
  /**
   * The largest `maxFileSize`, in characters: 64 MiB, far above any policy (IAM allows 6,144
   * characters) or template (CloudFormation 1 MB) and within what a JavaScript string can hold.
   */
  maxFileSize: 64 * 1024 * 1024,
} as const;
const SEVERITIES = new Set(['off', 'info', 'warning', 'error']);
const KNOWN_KEYS = new Set([
  'rules',
  'exclude',
  'allowActions',
  'ignore',
  'maxFileSize',
  'policyTypes',
  '$schema',
]);

/**
 * Where in a config file a problem is: the JSON path of the value (object keys and list indexes),
 * and whether the property's key, rather than its value, is what is wrong. An editor underlines it.
 */
export interface ConfigLocation {
  readonly path: readonly (string | number)[];
  readonly key?: boolean;
}

/** A config file that cannot be read or is invalid; the message names the file and the problem. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    /** The problem alone, without the file name. */
    readonly problem: string,
    /** The bad key or value, when the problem has one. */
    readonly at?: ConfigLocation,
  ) {
    super(`${file}: ${problem}`);
  }
}

export interface ScopewiseConfig {
  /** The config file, or undefined for defaults. */
  readonly file: string | undefined;
  readonly rules: ReadonlyMap<string, SeveritySetting>;
  readonly exclude: readonly string[];
  readonly allowActions: readonly string[];
  readonly ignore: readonly { path: string; rule: string | undefined }[];
  readonly maxFileSize: number | undefined;
  /** `policyTypes`: globs (relative to the config's folder) to the type of the policies they match. */
  readonly policyTypes: readonly { glob: string; type: ConfiguredPolicyType }[];
  /**
   * The policy type `policyTypes` gives a standalone policy file (the first glob that matches, in
   * the order written), or undefined to detect it from the content.
   */
  policyTypeFor(filePath: string): ConfiguredPolicyType | undefined;
  /** True when `filePath` is excluded by `exclude` (relative to the config's folder). */
  isExcluded(filePath: string): boolean;
  /** The rules `ignore` suppresses in `filePath` (`all` for an entry without a rule), for the engine. */
  ignoredRules(filePath: string): ReadonlySet<string> | 'all';
}

/** A policy type a user can name in `policyTypes`. */
export type ConfiguredPolicyType = Exclude<PolicyType, 'unknown'>;

export const DEFAULT_CONFIG: ScopewiseConfig = makeConfig(undefined, {});

export function isKnownRule(id: string): boolean {
  return RULES_BY_ID.has(id);
}

/** Parses and validates a config file's text. Throws ConfigError naming the file and the problem. */
export function parseConfig(file: string, text: string): ScopewiseConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ConfigError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, 'must be a JSON object', { path: [] });
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ConfigError(file, `unknown setting "${key}"`, { path: [key], key: true });
    }
  }
  return makeConfig(file, record);
}

function makeConfig(file: string | undefined, record: Record<string, unknown>): ScopewiseConfig {
  const where = file ?? '<defaults>';
  const rules = new Map<string, SeveritySetting>();
  const rulesValue = record.rules ?? {};
  if (typeof rulesValue !== 'object' || rulesValue === null || Array.isArray(rulesValue)) {
    throw new ConfigError(where, '"rules" must be an object of rule id to severity', {
      path: ['rules'],
    });
  }
  for (const [id, severity] of Object.entries(rulesValue)) {
    if (!isKnownRule(id)) {
      throw new ConfigError(where, `unknown rule "${id}" in "rules"`, {
        path: ['rules', id],
        key: true,
      });
    }
    if (typeof severity !== 'string' || !SEVERITIES.has(severity)) {
      throw new ConfigError(
        where,
        `rule "${id}" has severity ${JSON.stringify(severity)}; use off, info, warning or error`,
        { path: ['rules', id] },
      );
    }
    rules.set(id, severity as SeveritySetting);
  }
  const exclude = stringList(where, record, 'exclude');
  const allowActions = stringList(where, record, 'allowActions');
  for (const [index, action] of allowActions.entries()) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9*?_-]+$/i.test(action)) {
      throw new ConfigError(
        where,
        `"allowActions" entry "${action}" is not of the form service:Action`,
        { path: ['allowActions', index] },
      );
    }
  }
  const ignoreValue = record.ignore ?? [];
  if (!Array.isArray(ignoreValue))
    throw new ConfigError(where, '"ignore" must be a list of { "path", "rule" }', {
      path: ['ignore'],
    });
  checkCount(where, 'ignore', ignoreValue.length);
  const ignore = ignoreValue.map((entry: unknown, index: number) => {
    const item = entry as { path?: unknown; rule?: unknown };
    if (typeof entry !== 'object' || entry === null || typeof item.path !== 'string') {
      throw new ConfigError(where, '"ignore" entries need a "path" glob', {
        path: ['ignore', index],
      });
    }
    if (item.rule !== undefined && (typeof item.rule !== 'string' || !isKnownRule(item.rule))) {
      throw new ConfigError(where, `"ignore" names unknown rule ${JSON.stringify(item.rule)}`, {
        path: ['ignore', index, 'rule'],
      });
    }
    return { path: item.path, rule: item.rule as string | undefined };
  });
  const maxFileSize = record.maxFileSize;
  if (maxFileSize !== undefined && (typeof maxFileSize !== 'number' || !(maxFileSize > 0))) {
    throw new ConfigError(where, '"maxFileSize" must be a positive number of bytes', {
      path: ['maxFileSize'],
    });
  }
  if (typeof maxFileSize === 'number' && maxFileSize > CONFIG_LIMITS.maxFileSize) {
    throw new ConfigError(
      where,
      `"maxFileSize" is ${maxFileSize}, over the largest allowed, ${CONFIG_LIMITS.maxFileSize} (64 MiB)`,
      { path: ['maxFileSize'] },
    );
  }
  const policyTypes = readPolicyTypes(where, record.policyTypes);
  const folder = file ? dirname(file) : undefined;
  const relativeTo = (filePath: string) =>
    (folder ? relative(folder, filePath) : filePath).split(sep).join('/');
  // "./build/**" and "/build/**" mean the same as "build/**": globs are relative to the config's folder.
  const excludeGlobs = exclude.map((glob) => glob.replace(/^(\.\/|\/)+/, ''));
  const excludeMatch = excludeGlobs.length ? picomatch(excludeGlobs, { dot: true }) : undefined;
  const policyTypeMatchers = policyTypes.map((entry) => ({
    type: entry.type,
    match: picomatch(entry.glob.replace(/^(\.\/|\/)+/, ''), { dot: true }),
  }));
  const ignoreMatchers = ignore.map((entry) => ({
    rule: entry.rule,
    match: picomatch(entry.path, { dot: true }),
  }));
  return {
    file,
    rules,
    exclude,
    allowActions,
    ignore,
    maxFileSize: maxFileSize as number | undefined,
    policyTypes,
    policyTypeFor: (filePath) => {
      const path = relativeTo(filePath);
      return policyTypeMatchers.find((m) => m.match(path))?.type;
    },
    isExcluded: (filePath) =>
      excludeMatch ? isUnderMatch(excludeMatch, relativeTo(filePath)) : false,
    ignoredRules: (filePath) => {
      const path = relativeTo(filePath);
      const rules = new Set<string>();
      for (const matcher of ignoreMatchers) {
        if (!matcher.match(path)) continue;
        if (matcher.rule === undefined) return 'all';
        rules.add(matcher.rule);
      }
      return rules;
    },
  };
}

const POLICY_TYPE_NAMES: ReadonlySet<string> = new Set(POLICY_TYPES);

/** Validates `"policyTypes": { "<glob>": "<type>" }`, keeping the order written. */
function readPolicyTypes(
  where: string,
  value: unknown,
): { glob: string; type: ConfiguredPolicyType }[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      where,
      '"policyTypes" must be an object of file glob to policy type, for example { "scps/**": "service-control" }',
      { path: ['policyTypes'] },
    );
  }
  const entries = Object.entries(value);
  checkCount(where, 'policyTypes', entries.length);
  return entries.map(([glob, type]) => {
    if (glob.trim() === '') {
      throw new ConfigError(where, '"policyTypes" has an empty glob', {
        path: ['policyTypes', glob],
        key: true,
      });
    }
    if (typeof type !== 'string' || !POLICY_TYPE_NAMES.has(type)) {
      throw new ConfigError(
        where,
        `"policyTypes" gives "${glob}" the type ${JSON.stringify(type)}; use one of ${POLICY_TYPES.join(', ')}`,
        { path: ['policyTypes', glob] },
      );
    }
    return { glob, type: type as ConfiguredPolicyType };
  });
}

/** A path is excluded when it or one of its folders matches, so `"build"` excludes `build/x.json`. */
function isUnderMatch(match: (path: string) => boolean, path: string): boolean {
  if (path.startsWith('../')) return false;
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    if (match(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}

function stringList(where: string, record: Record<string, unknown>, key: string): string[] {
  const value = record[key] ?? [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ConfigError(where, `"${key}" must be a list of strings`, { path: [key] });
  }
  checkCount(where, key, value.length);
  return value as string[];
}

function checkCount(where: string, key: string, count: number): void {
  if (count > CONFIG_LIMITS.listEntries) {
    throw new ConfigError(
      where,
      `"${key}" has ${count.toLocaleString('en-US')} entries, over the limit of ${CONFIG_LIMITS.listEntries.toLocaleString('en-US')}`,
      { path: [key] },
    );
  }
}

/** The nearest `.scopewise.json` at or above `directory`, or undefined. */
export function findConfigFile(directory: string): string | undefined {
  let current = directory;
  const { root } = parse(current);
  for (;;) {
    const candidate = join(current, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (current === root) return undefined;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Caches configs by file so a directory walk reads each one once; an invalid one is read once too,
 * and the same ConfigError thrown for every file it governs.
 */
export class ConfigResolver {
  private readonly byDirectory = new Map<string, string | undefined>();
  private readonly byFile = new Map<string, ScopewiseConfig | ConfigError>();

  constructor(private readonly explicit?: ScopewiseConfig) {}

  /** The config for a file: the explicit one, else the nearest upward. Throws ConfigError. */
  forFile(filePath: string): ScopewiseConfig {
    if (this.explicit) return this.explicit;
    const directory = dirname(filePath);
    let file = this.byDirectory.get(directory);
    if (!this.byDirectory.has(directory)) {
      file = findConfigFile(directory);
      this.byDirectory.set(directory, file);
    }
    if (!file) return DEFAULT_CONFIG;
    let config = this.byFile.get(file);
    if (!config) {
      try {
        config = loadConfigFile(file);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        config = error;
      }
      this.byFile.set(file, config);
    }
    if (config instanceof ConfigError) throw config;
    return config;
  }
}

/**
 * Reads and validates a config file; at most `CONFIG_LIMITS.fileBytes` are read. It must be a
 * regular file (a FIFO found in a repository is refused, not waited on), unless the user `named`
 * it (`--config <(...)` is a pipe). Throws ConfigError.
 */
export function loadConfigFile(file: string, options: { named?: boolean } = {}): ScopewiseConfig {
  let read;
  try {
    read = readFileLimited(NODE_FILE_SYSTEM, file, {
      maxBytes: CONFIG_LIMITS.fileBytes,
      regularOnly: options.named !== true,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, `cannot be read (${code ?? describeFileError(error)})`);
  }
  if (!read.regular && options.named !== true) {
    throw new ConfigError(file, 'is not a regular file');
  }
  if (read.truncated) {
    throw new ConfigError(
      file,
      `is larger than ${CONFIG_LIMITS.fileBytes.toLocaleString('en-US')} bytes (1 MiB), the limit for a config file`,
    );
  }
  return parseConfig(file, read.bytes.toString('utf8'));
}
