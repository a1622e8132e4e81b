import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { analyze, fixAll, LineIndex, RULES, type Catalog, type SeveritySetting } from '../analysis';
import { loadCatalog } from '../node/catalog-files';
import { ConfigError, ConfigResolver, loadConfigFile } from '../node/config';
import { HELP, parseCommandLine, UsageError, type CliOptions } from './args';
import { decode, encode } from '../node/decode';
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

/** `scopewise --version`: the product and the IAM catalog it was built with. */
export function versionText(catalog: Catalog): string {
  return `scopewise ${packageJson.version}\nIAM catalog: ${catalog.source} ${catalog.version} (${catalog.date})\n`;
}

function listRules(): string {
  const width = Math.max(...RULES.map((rule) => rule.id.length));
  return RULES.map(
    (rule) => `${rule.id.padEnd(width)}  ${rule.defaultSeverity.padEnd(7)}  ${rule.docs.summary}\n`,
  ).join('');
}

async function lint(options: CliOptions, io: CliIo): Promise<number> {
  const explicitConfig =
    options.config === undefined ? undefined : loadConfigFile(resolve(io.cwd, options.config));
  const resolver = new ConfigResolver(explicitConfig);
  const catalog = loadCatalog();
  const paths = options.paths.filter((path) => path !== '-');
  const targets = collectTargets(paths, io.cwd, (path) => resolver.forFile(path).isExcluded(path));
  const readsStdin = options.paths.includes('-');
  const stdinText = readsStdin ? await readStdin(io.stdin) : undefined;

  const progress = new Progress(io.stderr, targets.length, Progress.allowed(io.stderr, io.env));
  const files: FileReport[] = [];
  const readErrors: string[] = [];
  let fixes = 0;
  let fixedFiles = 0;
  let fixedStdin: string | undefined;

  const analyseTarget = (
    target: Target,
    text: string,
    canFix: boolean,
    fileName: string | undefined,
    onDisk: boolean,
  ) => {
    const config = resolver.forFile(target.absolutePath);
    let analysis = analyze(text, {
      catalog,
      fileName,
      rules: new Map<string, SeveritySetting>([...config.rules, ...options.rules]),
      ignore: config.ignoredRules(target.absolutePath),
      allowActions: config.allowActions,
      maxSize: config.maxFileSize,
      policyType: config.policyTypeFor(target.absolutePath),
      explicit: target.explicit,
    });
    if (options.fix !== 'none' && canFix) {
      const result = fixAll(analysis, options.fix);
      if (result.applied > 0) {
        fixes += result.applied;
        fixedFiles++;
      }
      analysis = result.analysis;
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
        absolutePath: onDisk ? target.absolutePath : undefined,
        kind: analysis.kind,
        text: finalText,
        lines: new LineIndex(finalText),
        findings,
        secrets: analysis.secrets,
      });
    }
    return finalText;
  };

  targets.forEach((target, index) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(target.absolutePath);
    } catch (error) {
      readErrors.push(
        `Cannot read "${target.path}": ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      );
      return;
    }
    const decoded = decode(bytes);
    const before = decoded.text;
    const after = analyseTarget(target, before, decoded.exact, target.absolutePath, true);
    if (after !== before) writeFileSync(target.absolutePath, encode(after, decoded.encoding));
    progress.update(index + 1);
  });
  progress.clear();

  if (stdinText !== undefined) {
    const name = options.stdinFilename ?? STDIN_NAME;
    // Stdin's config and "ignore" entries are looked up as if it were a file of that name here.
    const target: Target = {
      path: name,
      absolutePath: resolve(io.cwd, options.stdinFilename ?? 'stdin'),
      explicit: true,
    };
    fixedStdin = analyseTarget(target, stdinText, true, options.stdinFilename, false);
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

  for (const message of readErrors) io.stderr.write(`scopewise: ${sanitize(message)}\n`);
  if (readErrors.length > 0) return EXIT_USAGE;
  return totals(files).errors > 0 || tooManyWarnings(report) ? EXIT_FINDINGS : EXIT_OK;
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

async function readStdin(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return decode(Buffer.concat(chunks)).text;
}

function shownPath(file: string, cwd: string): string {
  const path = relative(cwd, file);
  return path.startsWith('..') ? file : path;
}
