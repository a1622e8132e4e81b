import {
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  type Dirent,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** A file to analyse. */
export interface Target {
  /** As given on the command line (joined with `/` for walked files). */
  readonly path: string;
  readonly absolutePath: string;
  /** Named on the command line, so analysed whatever its name and kind. */
  readonly explicit: boolean;
  /**
   * Found by a walk as a symbolic link (to a file inside the folders walked): read, but never
   * written, since the user did not name it.
   */
  readonly viaLink: boolean;
}

/** A symbolic link a walk did not follow because it leads out of the folders given. */
export interface SkippedLink {
  /** As the walk shows paths: the folder as given, then `/` separated names. */
  readonly path: string;
}

/** A path on the command line that does not exist or cannot be read: exit code 2. */
export class UnreadablePathError extends Error {}

/** The folders a walk never enters. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  'cdk.out',
]);

/** The file names a walk reads. */
export const WALKED_EXTENSIONS = /\.(json|jsonc|ya?ml|template)$/i;

/** Lets the config decide whether a walked path is excluded; may throw ConfigError. */
export type ExcludeCheck = (absolutePath: string) => boolean;

interface IgnoreLayer {
  readonly directory: string;
  readonly rules: Ignore;
}

const IGNORE_CASE = process.platform === 'win32' || process.platform === 'darwin';

/**
 * Expands the command line's paths into the files to analyse, each once. Directories are walked
 * in name order, and only their regular files are read: FIFOs, devices and sockets are skipped.
 * As in git and ripgrep, a walk reads symbolic links to files but does not enter symbolic links to
 * folders: that rules out loops, and `.gitignore` files keep their meaning. A link whose real path
 * is outside every folder given is not followed but handed to `onSkipped`, so a walk never reads
 * (or `--fix` rewrites) a file outside what it was given. Each real folder is still entered at
 * most once, whatever the command line repeats. Paths named on the command line are taken as they
 * are, links and special files included.
 */
export function collectTargets(
  paths: readonly string[],
  cwd: string,
  isExcluded: ExcludeCheck,
  onSkipped: (link: SkippedLink) => void = () => {},
): Target[] {
  const targets = new Map<string, Target>();
  const walks: { absolute: string; prefix: string }[] = [];
  for (const given of paths) {
    const absolute = resolve(cwd, given);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      throw new UnreadablePathError(`Cannot read "${given}": ${describeError(error)}.`);
    }
    if (isDirectory) {
      walks.push({ absolute, prefix: directoryPrefix(given) });
    } else {
      const key = realPath(absolute);
      if (!targets.has(key))
        targets.set(key, {
          path: displayPath(given),
          absolutePath: absolute,
          explicit: true,
          viaLink: false,
        });
    }
  }
  const visited = new Set<string>();
  const links: Target[] = [];
  const roots = walks.map((walk) => realPath(walk.absolute));
  const isInside = (real: string) => roots.some((root) => isWithin(real, root));
  for (const walk of walks) {
    new Walker(targets, links, visited, isExcluded, isInside, onSkipped).run(
      walk.absolute,
      walk.prefix,
    );
  }
  // A link to a file that is also reached directly is reported under the file's own name.
  for (const link of links) {
    const key = realPath(link.absolutePath);
    if (!targets.has(key)) targets.set(key, link);
  }
  return [...targets.values()];
}

class Walker {
  private readonly ignoreFiles = new Map<string, Ignore | undefined>();

  constructor(
    private readonly targets: Map<string, Target>,
    private readonly links: Target[],
    private readonly visited: Set<string>,
    private readonly isExcluded: ExcludeCheck,
    private readonly isInside: (realPath: string) => boolean,
    private readonly onSkipped: (link: SkippedLink) => void,
  ) {}

  run(root: string, prefix: string): void {
    const layers = this.ancestorLayers(root);
    // A folder that an enclosing `.gitignore` ignores, named on the command line or opened as a
    // workspace folder, is walked as its own root: naming it says its files are wanted.
    this.directory(root, prefix, isGitIgnored(layers, root, true) ? [] : layers);
  }

  /** The `.gitignore` files above the walked folder, up to the repository's root, apply too. */
  private ancestorLayers(root: string): IgnoreLayer[] {
    const chain: string[] = [];
    let current = dirname(root);
    let found = existsSync(join(root, '.git'));
    while (!found) {
      chain.unshift(current);
      if (existsSync(join(current, '.git'))) found = true;
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
    if (!found) return [];
    return chain.flatMap((directory) => this.layer(directory));
  }

  private layer(directory: string): IgnoreLayer[] {
    let rules = this.ignoreFiles.get(directory);
    if (!this.ignoreFiles.has(directory)) {
      try {
        rules = ignore({ ignorecase: IGNORE_CASE }).add(
          readFileSync(join(directory, '.gitignore'), 'utf8'),
        );
      } catch {
        rules = undefined;
      }
      this.ignoreFiles.set(directory, rules);
    }
    return rules ? [{ directory, rules }] : [];
  }

  /** Walks one folder; `prefix` is its shown path with a trailing `/`, or empty for ".". */
  private directory(absolute: string, prefix: string, parentLayers: readonly IgnoreLayer[]): void {
    const real = realPath(absolute);
    if (this.visited.has(real)) return;
    this.visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      throw new UnreadablePathError(`Cannot read "${prefix || '.'}": ${describeError(error)}.`);
    }
    const layers = [...parentLayers, ...this.layer(absolute)];
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(absolute, entry.name);
      const shown = `${prefix}${entry.name}`;
      const found = entryKind(entry, path);
      if (found === undefined) continue;
      const { kind, link } = found;
      if (kind === 'directory' && SKIPPED_DIRECTORIES.has(entry.name)) continue;
      if (kind === 'file' && !WALKED_EXTENSIONS.test(entry.name)) continue;
      if (isGitIgnored(layers, path, kind === 'directory') || this.isExcluded(path)) continue;
      if (link !== undefined && !this.isInside(link)) {
        this.onSkipped({ path: shown });
      } else if (link !== undefined) {
        // Links to folders inside are not entered: the folder is walked under its own name.
        if (kind === 'file')
          this.links.push({ path: shown, absolutePath: path, explicit: false, viaLink: true });
      } else if (kind === 'directory') {
        this.directory(path, `${shown}/`, layers);
      } else {
        const key = realPath(path);
        if (!this.targets.has(key))
          this.targets.set(key, {
            path: shown,
            absolutePath: path,
            explicit: false,
            viaLink: false,
          });
      }
    }
  }
}

/**
 * A directory or a regular file, with the real path when the entry is a symbolic link to one;
 * undefined for the rest (FIFOs, devices, sockets, broken links).
 */
function entryKind(
  entry: Dirent,
  path: string,
): { kind: 'directory' | 'file'; link?: string } | undefined {
  if (entry.isDirectory()) return { kind: 'directory' };
  if (entry.isFile()) return { kind: 'file' };
  if (!entry.isSymbolicLink()) return undefined;
  try {
    const stats = statSync(path);
    const kind = stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : undefined;
    return kind && { kind, link: realpathSync(path) };
  } catch {
    return undefined;
  }
}

/** True when `path` is `folder` or under it; both real paths. */
function isWithin(path: string, folder: string): boolean {
  if (path === folder) return true;
  return path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

/** Git's rule: the deepest `.gitignore` with a matching pattern (negations included) decides. */
function isGitIgnored(layers: readonly IgnoreLayer[], path: string, isDirectory: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!layer) continue;
    const relativePath =
      relative(layer.directory, path).split(sep).join('/') + (isDirectory ? '/' : '');
    if (!relativePath || relativePath.startsWith('../') || !ignore.isPathValid(relativePath))
      continue;
    const result = layer.rules.test(relativePath);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** A directory argument as the prefix of its files' paths: "." adds nothing, "dir" adds "dir/". */
function directoryPrefix(given: string): string {
  const shown = displayPath(given).replace(/\/+$/, '');
  if (shown === '.') return '';
  return `${shown}/`;
}

/** A path as given, with `/` separators on Windows too. */
function displayPath(given: string): string {
  return sep === '\\' ? given.split('\\').join('/') : given;
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'not a directory';
  return code ?? String(error);
}
