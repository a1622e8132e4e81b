import { writeFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import {
  analyze,
  DEFAULT_MAX_SIZE,
  fixAll,
  LineIndex,
  RULES,
  type Catalog,
  type SeveritySetting,
} from '../analysis';
import { loadCatalog } from '../node/catalog-files';
import {
  CONFIG_FILE_NAME,
  ConfigError,
  ConfigResolver,
  loadConfigFile,
  type ScopewiseConfig,
} from '../node/config';
import { HELP, parseCommandLine, UsageError, type CliOptions } from './args';
import { decode, encode } from '../node/decode';
import {
  describeFileError,
  maxBytesFor,
  readFileLimited,
  writeFileAtomically,
  WriteError,
  type ReadResult,
} from '../node/file-io';
import { NODE_FILE_SYSTEM, type FileSystem } from '../node/file-system';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText, sanitize } from './format-text';
import { Progress } from './progress';
import { totals, tooManyWarnings, type FileReport, type Report } from './report';
import { collectTargets, UnreadablePathError, type Target } from '../node/walk';
import packageJson from '../../../package.json';

/** The process around the CLI, injectable for tests. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** The files' reads and writes; the real file system by default. */
  readonly fs?: FileSystem;
}

/** Exit codes of DESIGN.md section 3. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const STDIN_NAME = '<stdin>';

/** A failure that ends the run with exit code 2 and a one-line message. */
class FatalError extends Error {}

/** Runs the CLI; resolves to the exit code. Never rejects. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`scopewise: ${error.message}\nRun "scopewise --help" for usage.\n`);
    return EXIT_USAGE;
  }
  try {
    switch (options.command) {
      case 'help':
        io.stdout.write(HELP);
        return EXIT_OK;
      case 'version':
        io.stdout.write(versionText(loadCatalog()));
        return EXIT_OK;
      case 'list-rules':
        io.stdout.write(listRules());
        return EXIT_OK;
      case 'lint':
        return await lint(options, io);
    }
  } catch (error) {
    if (error instanceof FatalError || error instanceof UnreadablePathError) {
      io.stderr.write(`scopewise: ${error.message}\n`);
    } else if (error instanceof ConfigError) {
      io.stderr.write(
        `scopewise: invalid config file ${shownPath(error.file, io.cwd)}: ${error.problem}\n`,
      );
    } else {
      io.stderr.write(
        `scopewise: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    return EXIT_USAGE;
  }
}

/** `scopewise --version`: the product and the data it was built with. */
export function versionText(catalog: Catalog): string {
  const managed = catalog.managedPolicies.dataVersion;
  return (
    `scopewise ${packageJson.version}\nIAM catalog: ${catalog.source} ${catalog.version} (${catalog.date})\n` +
    (managed
      ? `AWS managed policies: ${managed.source} ${managed.version} (${managed.date})\n`
      : '')
  );
}

function listRules(): string {
  const width = Math.max(...RULES.map((rule) => rule.id.length));
  return RULES.map(
    (rule) => `${rule.id.padEnd(width)}  ${rule.defaultSeverity.padEnd(7)}  ${rule.docs.summary}\n`,
  ).join('');
}

async function lint(options: CliOptions, io: CliIo): Promise<number> {
  const fs = io.fs ?? NODE_FILE_SYSTEM;
  // A config named with --config governs every file: when it is invalid there is nothing to check.
  const explicitConfig =
    options.config === undefined
      ? undefined
      : loadConfigFile(resolve(io.cwd, options.config), { named: true });
  const configs = new Configs(new ConfigResolver(explicitConfig));
  const catalog = loadCatalog();
  const notes: string[] = [];
  const failures: string[] = [];
  const paths = options.paths.filter((path) => path !== '-');
  /** The configs whose `exclude` kept a walked path out, for a walk that finds nothing else. */
  const excludedBy = new Set<string>();
  const targets = collectTargets(
    paths,
    io.cwd,
    (path) => {
      const config = configs.forPath(path);
      const excluded = config?.isExcluded(path) ?? false;
      if (excluded && config?.file !== undefined) excludedBy.add(config.file);
      return excluded;
    },
    (link) =>
      notes.push(
        `skipped "${link.path}": a symbolic link leading out of the folders given (name it to check it).`,
      ),
    // Config files are settings, not documents: a walk does not check them.
  ).filter((target) => target.explicit || basename(target.absolutePath) !== CONFIG_FILE_NAME);

  if (targets.length === 0 && excludedBy.size > 0) {
    const where = [...excludedBy].map((file) => shownPath(file, io.cwd)).join(', ');
    notes.push(`every file found is excluded by "exclude" in ${where}; name a file to check it.`);
  }

  const progress = new Progress(io.stderr, targets.length, Progress.allowed(io.stderr, io.env));
  const files: FileReport[] = [];
  let fixes = 0;
  let fixedFiles = 0;
  let fixedStdin: string | undefined;

  /** Analyses one text, fixing it with --fix when it can be saved; returns the text reported. */
  const check = (source: Source): string => {
    const { target, config } = source;
    let analysis = analyze(source.text, {
      catalog,
      fileName: source.fileName,
      rules: new Map<string, SeveritySetting>([...config.rules, ...options.rules]),
      ignore: config.ignoredRules(target.absolutePath),
      allowActions: config.allowActions,
      maxSize: config.maxFileSize,
      policyType: config.policyTypeFor(target.absolutePath),
      explicit: target.explicit,
      truncated: source.truncated,
    });
    if (options.fix !== 'none' && (source.save || source.notFixable)) {
      const result = fixAll(analysis, options.fix);
      if (result.applied > 0 && source.notFixable) {
        notes.push(`not fixed: "${target.path}" ${source.notFixable}.`);
      } else if (result.applied > 0 && source.save?.(result.analysis.document.text)) {
        fixes += result.applied;
        fixedFiles++;
        analysis = result.analysis;
      }
    }
    const finalText = analysis.document.text;
    for (const problem of analysis.internalErrors) {
      const detail = io.env.SCOPEWISE_DEBUG ? problem : (problem.split('\n')[0] ?? problem);
      io.stderr.write(
        `scopewise: warning: internal error on ${target.path}, please report it: ${detail}\n`,
      );
    }
    const findings = analysis.findings.filter((f) => !options.quiet || f.severity === 'error');
    if (analysis.kind !== 'unknown' || findings.length > 0) {
      files.push({
        path: target.path,
        absolutePath: source.onDisk ? target.absolutePath : undefined,
        kind: analysis.kind,
        text: finalText,
        lines: new LineIndex(finalText),
        findings,
        secrets: analysis.secrets,
      });
    }
    return finalText;
  };

  const checkFile = (target: Target): void => {
    const config = configs.forFile(target.absolutePath);
    if (config === undefined) return;
    const maxChars = config.maxFileSize ?? DEFAULT_MAX_SIZE;
    let read: ReadResult;
    try {
      read = readFileLimited(fs, target.absolutePath, {
        maxBytes: maxBytesFor(maxChars),
        // A walk saw a regular file: anything else there now is neither read nor waited on.
        regularOnly: !target.explicit,
        noFollow: !target.viaLink,
      });
    } catch (error) {
      failures.push(`Cannot read "${target.path}": ${describeFileError(error)}.`);
      return;
    }
    if (!read.regular && !target.explicit) return;
    const decoded = decode(read.bytes);
    const save = (fixed: string): boolean => {
      try {
        // A link named on the command line is written through: the user chose that file.
        const path = target.explicit ? fs.realpath(target.absolutePath) : target.absolutePath;
        writeFileAtomically(fs, path, encode(fixed, decoded.encoding));
        return true;
      } catch (error) {
        const problem = error instanceof WriteError ? error.problem : describeFileError(error);
        const leftover =
          error instanceof WriteError && error.leftover
            ? ` Remove the temporary file "${error.leftover}".`
            : '';
        failures.push(
          `Could not fix "${target.path}": ${problem}. The file is unchanged.${leftover}`,
        );
        return false;
      }
    };
    check({
      target,
      config,
      text: truncatedText(decoded.text, read.truncated, maxChars),
      truncated: read.truncated,
      fileName: target.absolutePath,
      onDisk: true,
      // Undecodable bytes (a binary file) are never written back.
      save: decoded.exact && !read.truncated ? save : undefined,
      notFixable: !read.regular
        ? 'is not a regular file'
        : target.viaLink
          ? 'is a symbolic link found in a folder; name it on the command line to fix it'
          : undefined,
    });
  };

  targets.forEach((target, index) => {
    checkFile(target);
    progress.update(index + 1);
  });
  progress.clear();

  if (options.paths.includes('-')) {
    const name = options.stdinFilename ?? STDIN_NAME;
    // Stdin's config and "ignore" entries are looked up as if it were a file of that name here.
    const target: Target = {
      path: name,
      absolutePath: resolve(io.cwd, options.stdinFilename ?? 'stdin'),
      explicit: true,
      viaLink: false,
    };
    const config = configs.forFile(target.absolutePath);
    if (config !== undefined) {
      const maxChars = config.maxFileSize ?? DEFAULT_MAX_SIZE;
      const read = await readStdin(io.stdin, maxBytesFor(maxChars));
      fixedStdin = check({
        target,
        config,
        text: truncatedText(decode(read.bytes).text, read.truncated, maxChars),
        truncated: read.truncated,
        fileName: options.stdinFilename,
        onDisk: false,
        // The fixed text goes to stdout.
        save: () => true,
      });
    }
  }

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const report: Report = {
    files,
    fixed: options.fix === 'none' ? undefined : { fixes, files: fixedFiles },
    maxWarnings: options.maxWarnings,
  };

  // With "-" and --fix the fixed text owns stdout, so the report goes to stderr.
  const fixedToStdout = fixedStdin !== undefined && options.fix !== 'none';
  const reportStream = fixedToStdout ? io.stderr : io.stdout;
  if (fixedToStdout && fixedStdin !== undefined) io.stdout.write(fixedStdin);
  const output = format(
    report,
    options,
    io,
    options.output === undefined && useColor(reportStream, io.env),
  );
  if (options.output !== undefined) {
    try {
      writeFileSync(resolve(io.cwd, options.output), output);
    } catch (error) {
      throw new FatalError(
        `Cannot write "${options.output}": ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      );
    }
  } else {
    reportStream.write(output);
  }

  const configProblems = configs.problems(io.cwd);
  for (const message of [...notes, ...failures, ...configProblems])
    io.stderr.write(`scopewise: ${sanitize(message)}\n`);
  if (failures.length > 0 || configProblems.length > 0) return EXIT_USAGE;
  return totals(files).errors > 0 || tooManyWarnings(report) ? EXIT_FINDINGS : EXIT_OK;
}

/** One text to check, and how --fix may store it. */
interface Source {
  readonly target: Target;
  readonly config: ScopewiseConfig;
  readonly text: string;
  /** `text` is the start of a file cut at the read limit. */
  readonly truncated: boolean;
  readonly fileName: string | undefined;
  /** A file, rather than stdin. */
  readonly onDisk: boolean;
  /** Stores the fixed text; false when it could not. Undefined: fixes are not applied. */
  readonly save?: (fixed: string) => boolean;
  /** Why --fix leaves this file as it is, said when it had fixes to apply. */
  readonly notFixable?: string;
}

/** Over the limit, the engine only needs to see that the text is: it reports file-too-large. */
function truncatedText(text: string, truncated: boolean, maxChars: number): string {
  return truncated ? text.slice(0, maxChars + 1) : text;
}

/**
 * The configs of the checked files. An invalid one does not stop the run: the files it governs are
 * skipped, the others checked, and `problems` reports it once with the number of files skipped.
 */
class Configs {
  private readonly invalid = new Map<string, { error: ConfigError; skipped: number }>();

  constructor(private readonly resolver: ConfigResolver) {}

  /** The config of a path the walk asks about, or undefined when it is invalid. */
  forPath(path: string): ScopewiseConfig | undefined {
    const config = this.lookup(path);
    return 'skipped' in config ? undefined : config;
  }

  /** The config of a file to check, or undefined (and the file counted as skipped). */
  forFile(path: string): ScopewiseConfig | undefined {
    const config = this.lookup(path);
    if (!('skipped' in config)) return config;
    config.skipped++;
    return undefined;
  }

  /** One message per invalid config, in the order they were met. */
  problems(cwd: string): string[] {
    return [...this.invalid.values()].map(({ error, skipped }) => {
      const problem = `invalid config file ${shownPath(error.file, cwd)}: ${error.problem}`;
      if (skipped === 0) return problem;
      return `${problem}; ${skipped === 1 ? 'the file it governs was' : `the ${skipped} files it governs were`} not checked.`;
    });
  }

  private lookup(path: string): ScopewiseConfig | { error: ConfigError; skipped: number } {
    try {
      return this.resolver.forFile(path);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      let entry = this.invalid.get(error.file);
      if (!entry) {
        entry = { error, skipped: 0 };
        this.invalid.set(error.file, entry);
      }
      return entry;
    }
  }
}

function format(report: Report, options: CliOptions, io: CliIo, color: boolean): string {
  switch (options.format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, { version: packageJson.version, cwd: io.cwd });
    case 'text':
      return formatText(report, { color });
  }
}

/** FORCE_COLOR forces colours on (or off with 0); otherwise a terminal without NO_COLOR. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** Reads stdin up to `maxBytes` (and one byte more, to know it goes on); stops reading there. */
async function readStdin(
  stdin: AsyncIterable<Buffer | string>,
  maxBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    total += bytes.length;
    if (total > maxBytes) break;
  }
  const bytes = Buffer.concat(chunks, total);
  return total > maxBytes
    ? { bytes: bytes.subarray(0, maxBytes), truncated: true }
    : { bytes, truncated: false };
}

function shownPath(file: string, cwd: string): string {
  const path = relative(cwd, file);
  return path.startsWith('..') ? file : path;
}
