import type { Connection } from 'vscode-languageserver';
import { RULES_BY_ID, type SeveritySetting } from '../analysis';
import {
  ConfigError,
  ConfigResolver,
  DEFAULT_CONFIG,
  type ConfiguredPolicyType,
  type ScopewiseConfig,
} from '../node/config';
import { filePathOf } from './document-path';
import { describeError } from './guard';

/** Everything that decides how one document is analysed and which findings it shows. */
export interface DocumentSettings {
  readonly rules: ReadonlyMap<string, SeveritySetting>;
  readonly allowActions: readonly string[];
  readonly maxSize: number | undefined;
  /** What standalone policies in this file are, from the config's `policyTypes`. */
  readonly policyType: ConfiguredPolicyType | undefined;
  /**
   * The rules the config's `ignore` suppresses in this file; `all` when an entry names no rule or
   * `exclude` covers the file (it shows no findings, as on the command line).
   */
  readonly ignore: ReadonlySet<string> | 'all';
}

/** The client's `scopewise` settings section, as far as the server uses it. */
interface ClientSettings {
  readonly rules: ReadonlyMap<string, SeveritySetting>;
}

const EMPTY_CLIENT_SETTINGS: ClientSettings = { rules: new Map() };
const SEVERITIES: ReadonlySet<string> = new Set(['off', 'info', 'warning', 'error']);
export const SETTINGS_SECTION = 'scopewise';

/**
 * Layers the client's `scopewise.rules` on top of the nearest `.scopewise.json`. An invalid config
 * file is handed to `onConfigError` and replaced by the defaults, so a typo in the config never
 * silences the editor.
 */
export class SettingsProvider {
  private resolver = new ConfigResolver();
  private readonly clientSettings = new Map<string, Promise<ClientSettings>>();
  private pushedSettings: ClientSettings = EMPTY_CLIENT_SETTINGS;
  private readonly reportedConfigs = new Set<string>();
  private readonly reportedSettings = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly configurationRequests: () => boolean,
    /** Shows an invalid config to the user (a diagnostic on the file, see config-diagnostics.ts). */
    private readonly onConfigError: (error: ConfigError) => void = () => {},
  ) {}

  /** The settings for one document. Never rejects. */
  async forDocument(uri: string): Promise<DocumentSettings> {
    const path = filePathOf(uri);
    const config = path ? this.configFor(path) : DEFAULT_CONFIG;
    const client = await this.clientSettingsFor(uri);
    const rules = new Map(config.rules);
    for (const [rule, severity] of client.rules) rules.set(rule, severity);
    return {
      rules,
      allowActions: config.allowActions,
      maxSize: config.maxFileSize,
      policyType: path !== undefined ? config.policyTypeFor(path) : undefined,
      ignore:
        path === undefined
          ? new Set()
          : config.isExcluded(path)
            ? 'all'
            : config.ignoredRules(path),
    };
  }

  /** `workspace/didChangeConfiguration`: forget cached client settings. */
  clientSettingsChanged(pushed: unknown): void {
    this.clientSettings.clear();
    this.reportedSettings.clear();
    const section = (pushed as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    this.pushedSettings = this.parseClientSettings(section);
  }

  /** A `.scopewise.json` was created, changed or deleted: read every config again. */
  configFilesChanged(): void {
    this.resolver = new ConfigResolver();
    this.reportedConfigs.clear();
  }

  /** Forgets a closed document's client settings. */
  forget(uri: string): void {
    this.clientSettings.delete(uri);
  }

  private configFor(path: string): ScopewiseConfig {
    try {
      return this.resolver.forFile(path);
    } catch (error) {
      if (error instanceof ConfigError) {
        this.onConfigError(error);
      } else {
        const problem = describeError(error);
        if (!this.reportedConfigs.has(problem)) {
          this.reportedConfigs.add(problem);
          this.connection.console.error(`Reading the Scopewise config failed: ${problem}`);
        }
      }
      return DEFAULT_CONFIG;
    }
  }

  private clientSettingsFor(uri: string): Promise<ClientSettings> {
    if (!this.configurationRequests()) return Promise.resolve(this.pushedSettings);
    let settings = this.clientSettings.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then(
          (section: unknown) => this.parseClientSettings(section),
          (error: unknown) => {
            this.connection.console.error(
              `Reading the "${SETTINGS_SECTION}" settings failed for ${uri}: ${describeError(error)}`,
            );
            return EMPTY_CLIENT_SETTINGS;
          },
        );
      this.clientSettings.set(uri, settings);
    }
    return settings;
  }

  /** Keeps the valid entries of `scopewise.rules`; the others are logged once each. */
  private parseClientSettings(section: unknown): ClientSettings {
    const rawRules = (section as { rules?: unknown } | null | undefined)?.rules;
    if (rawRules === undefined || rawRules === null) return EMPTY_CLIENT_SETTINGS;
    if (typeof rawRules !== 'object' || Array.isArray(rawRules)) {
      this.reportSetting(`"${SETTINGS_SECTION}.rules" must be an object of rule id to severity`);
      return EMPTY_CLIENT_SETTINGS;
    }
    const rules = new Map<string, SeveritySetting>();
    for (const [rule, severity] of Object.entries(rawRules as Record<string, unknown>)) {
      if (!RULES_BY_ID.has(rule)) {
        this.reportSetting(`"${SETTINGS_SECTION}.rules" names unknown rule "${rule}"`);
      } else if (typeof severity !== 'string' || !SEVERITIES.has(severity)) {
        this.reportSetting(
          `"${SETTINGS_SECTION}.rules" gives "${rule}" the severity ${JSON.stringify(severity)}; use off, info, warning or error`,
        );
      } else {
        rules.set(rule, severity as SeveritySetting);
      }
    }
    return { rules };
  }

  private reportSetting(problem: string): void {
    if (this.reportedSettings.has(problem)) return;
    this.reportedSettings.add(problem);
    this.connection.console.warn(`Ignoring a setting: ${problem}.`);
  }
}
