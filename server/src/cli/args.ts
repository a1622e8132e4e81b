import { parseArgs } from 'node:util';
import { RULES_BY_ID, type SeveritySetting } from '../analysis';

/** The report formats. */
export type Format = 'text' | 'json' | 'sarif';

/** What the command line asked for, validated. */
export interface CliOptions {
  readonly paths: readonly string[];
  readonly format: Format;
  /** Which fixes to apply: none, safe ones, or unsafe ones too. */
  readonly fix: 'none' | 'safe' | 'unsafe';
  readonly rules: ReadonlyMap<string, SeveritySetting>;
  readonly config: string | undefined;
  /** Undefined means no limit. */
  readonly maxWarnings: number | undefined;
  readonly output: string | undefined;
  readonly stdinFilename: string | undefined;
  readonly quiet: boolean;
  /** Set for the informational commands, which run instead of a lint. */
  readonly command: 'lint' | 'help' | 'version' | 'list-rules';
}

/** A mistake on the command line: exit code 2. */
export class UsageError extends Error {}

const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];
const LEVELS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

/** Parses argv (without the node and script entries). Throws UsageError. */
export function parseCommandLine(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        fix: { type: 'boolean' },
        'fix-unsafe': { type: 'boolean' },
        rule: { type: 'string', multiple: true },
        config: { type: 'string', short: 'c' },
        'max-warnings': { type: 'string' },
        output: { type: 'string', short: 'o' },
        'stdin-filename': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'list-rules': { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's messages go on to explain `--`; the first sentence is the useful part.
    const message = (error as Error).message;
    const end = message.indexOf('. ');
    throw new UsageError(end > 0 ? message.slice(0, end + 1) : message);
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!FORMATS.includes(format as Format)) {
    throw new UsageError(`Unknown format "${format}": use text, json or sarif.`);
  }
  const paths = positionals.length > 0 ? positionals : ['.'];
  if (values['stdin-filename'] !== undefined && !paths.includes('-')) {
    throw new UsageError('--stdin-filename only applies when "-" (stdin) is one of the paths.');
  }
  if (paths.filter((p) => p === '-').length > 1)
    throw new UsageError('"-" (stdin) can be given once.');
  return {
    paths,
    format: format as Format,
    fix: values['fix-unsafe'] ? 'unsafe' : values.fix ? 'safe' : 'none',
    rules: parseRuleOverrides(values.rule ?? []),
    config: values.config,
    maxWarnings: parseMaxWarnings(values['max-warnings']),
    output: values.output,
    stdinFilename: values['stdin-filename'],
    quiet: values.quiet ?? false,
    command: values.help
      ? 'help'
      : values.version
        ? 'version'
        : values['list-rules']
          ? 'list-rules'
          : 'lint',
  };
}

function parseRuleOverrides(entries: readonly string[]): Map<string, SeveritySetting> {
  const rules = new Map<string, SeveritySetting>();
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals < 0)
      throw new UsageError(`--rule expects ID=off|info|warning|error, got "${entry}".`);
    const id = entry.slice(0, equals).trim();
    const level = entry.slice(equals + 1).trim();
    if (!RULES_BY_ID.has(id)) {
      throw new UsageError(
        `Unknown rule "${id}" in --rule. Run "scopewise --list-rules" to see them.`,
      );
    }
    if (!LEVELS.includes(level as SeveritySetting)) {
      throw new UsageError(
        `Unknown level "${level}" for rule "${id}": use off, info, warning or error.`,
      );
    }
    rules.set(id, level as SeveritySetting);
  }
  return rules;
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new UsageError(`--max-warnings expects a whole number, got "${value}".`);
  }
  const count = Number(value);
  // ESLint's convention: a negative limit means no limit.
  return count < 0 ? undefined : count;
}

/** The text of `scopewise --help`. */
export const HELP = `Usage: scopewise [options] [paths...]

Lints IAM policies, CodePipeline pipelines and CloudFormation templates (JSON and YAML).
Directories are walked (honouring .gitignore and the config's "exclude"; node_modules, .git and
cdk.out are skipped) and only .json, .jsonc, .yaml, .yml and .template files of a known kind are
reported. Files named explicitly are always analysed. No paths means ".", and "-" reads stdin.
Walks read regular files only and skip symbolic links leading out of the folders given; --fix
writes through a symbolic link only when it was named.

Options:
  -f, --format <text|json|sarif>  Report format (default: text)
      --fix                       Apply safe fixes in place, then report what remains
      --fix-unsafe                Also apply unsafe fixes (the first fix of each finding)
      --rule <id=level>           Set a rule's level: off, info, warning or error (repeatable)
  -c, --config <file>             Use this config instead of the nearest .scopewise.json
      --max-warnings <n>          Exit 1 when there are more than n warnings
  -o, --output <file>             Write the report to a file instead of stdout
      --stdin-filename <name>     Name for stdin's text, which picks its format (default: sniffed)
  -q, --quiet                     Report errors only
      --list-rules                List the rules with their default levels
  -v, --version                   Print the version and the IAM catalog's version
  -h, --help                      Print this help

With "-" and --fix, the fixed text is written to stdout and the report to stderr (or --output).

Exit codes: 0 no errors; 1 errors found, or more warnings than --max-warnings;
2 usage error, unreadable path, a file --fix could not write, or invalid config file.
Colours are used on a terminal unless NO_COLOR is set; FORCE_COLOR forces them.
`;
