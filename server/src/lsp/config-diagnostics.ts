import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  findNodeAtLocation,
  parseTree,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser';
import {
  DiagnosticSeverity,
  MessageType,
  ShowMessageNotification,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver';
import { LineIndex } from '../analysis';
import { CONFIG_LIMITS, ConfigError, loadConfigFile, type ConfigLocation } from '../node/config';
import { readFileLimited } from '../node/file-io';
import { NODE_FILE_SYSTEM } from '../node/file-system';
import { toLspRange } from './convert';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { describeError } from './guard';

/** The diagnostic code of a config problem: not a rule, so no rule page. */
export const CONFIG_DIAGNOSTIC_CODE = 'config';

/**
 * Shows an invalid `.scopewise.json` where it is: one diagnostic on the config file (on the bad key
 * or value when the problem has one, else at the start), pushed whether or not the file is open,
 * and cleared once the file is valid again or deleted. Each distinct problem is also shown once as
 * a window message, because the user may be looking at a policy whose findings changed.
 */
export class ConfigDiagnostics {
  /** Config files with a published problem, by URI, with the problem shown. */
  private readonly published = new Map<string, string>();
  private readonly announced = new Set<string>();

  constructor(private readonly connection: Connection) {}

  /** A config was found invalid while settings were read for a document. */
  report(error: ConfigError): void {
    const uri = pathToFileURL(error.file).href;
    if (this.published.get(uri) === error.problem) return;
    this.publish(uri, error);
  }

  /**
   * Reads one config file again (created, changed or saved) and publishes or clears its problem.
   * A file that no longer exists is cleared.
   */
  validate(uri: string): void {
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      return;
    }
    try {
      loadConfigFile(file);
      this.clear(uri);
    } catch (error) {
      if (!(error instanceof ConfigError)) {
        this.connection.console.error(`Checking ${uri} failed: ${describeError(error)}`);
      } else if (/cannot be read \((ENOENT|ENOTDIR)\)$/.test(error.problem)) {
        this.clear(uri);
      } else {
        this.publish(uri, error);
      }
    }
  }

  /** Clears the config file's diagnostic, if it had one. */
  clear(uri: string): void {
    if (!this.published.delete(uri)) return;
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private publish(uri: string, error: ConfigError): void {
    this.published.set(uri, error.problem);
    void this.connection.sendDiagnostics({ uri, diagnostics: [configDiagnostic(error)] });
    const message = error.message;
    if (this.announced.has(message)) return;
    this.announced.add(message);
    this.connection.console.error(`Invalid Scopewise config, using defaults: ${message}`);
    // A notification, not a request: nothing waits for the user to dismiss it.
    void this.connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Error,
      message: `Scopewise: ${message}. Using the default settings until it is fixed.`,
    });
  }
}

/** The diagnostic for one config problem, located in the file's current text. */
export function configDiagnostic(error: ConfigError, fileText = readText(error.file)): Diagnostic {
  // Editors drop a byte-order mark from the text they show, so offsets must not count it.
  const text = fileText?.replace(/^\uFEFF/, '');
  const [start, end] = text === undefined ? [0, 0] : locate(text, error.at);
  const lines = new LineIndex(text ?? '');
  return {
    range: toLspRange(lines, { start, end }),
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    code: CONFIG_DIAGNOSTIC_CODE,
    message: `Invalid Scopewise config: ${error.problem}. The default settings apply until it is fixed.`,
  };
}

/**
 * The config's text, to locate the problem in: at most as much as a config may hold (a larger one
 * is itself the problem, put at its start), and only from a regular file (a FIFO is not waited on).
 */
function readText(file: string): string | undefined {
  try {
    const read = readFileLimited(NODE_FILE_SYSTEM, file, {
      maxBytes: CONFIG_LIMITS.fileBytes,
      regularOnly: true,
    });
    return read.regular && !read.truncated ? read.bytes.toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The offsets to underline: the first syntax error, else the key or value at the error's
 * location, else the start of the file.
 */
export function locate(text: string, at: ConfigLocation | undefined): [number, number] {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const syntax = errors[0];
  if (syntax) return [syntax.offset, syntax.offset + Math.max(syntax.length, 1)];
  if (!root || !at) return [0, 0];
  let node: JsonNode | undefined = findNodeAtLocation(root, [...at.path]);
  if (node && at.key) node = node.parent?.children?.[0] ?? node;
  if (!node) return [0, 0];
  return [node.offset, node.offset + node.length];
}
