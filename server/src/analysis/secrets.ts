/**
 * Secret detection shared by `hardcoded-credential` and `credentials-in-url`. Pure string logic:
 * which literal looks like a credential, which names hold credentials, and which values are only
 * placeholders, masks or references. Nothing here ever returns more than four characters of a
 * secret, so callers can build messages from its results alone.
 */

/** A secret found inside a string by its shape. */
export interface SecretMatch {
  /** What it is, for messages ("AWS access key id"). */
  readonly label: string;
  /** UTF-16 offsets of the secret within the string. */
  readonly from: number;
  readonly to: number;
  /** At most the first four characters followed by `****`. */
  readonly masked: string;
}

/** Shows at most the first four characters of a secret. */
export function mask(secret: string): string {
  return `${secret.slice(0, Math.min(4, Math.floor(secret.length / 2)))}****`;
}

interface Detector {
  readonly label: string;
  readonly pattern: RegExp;
  /** The part that must not look like a placeholder (defaults to the whole match). */
  readonly body?: (match: string) => string;
}

/**
 * Shapes of credentials that are secret wherever they appear. Access key ids of roles, users and
 * groups (`AROA`, `AIDA`, `AGPA`, ...) are identifiers, not credentials, and are not listed.
 */
const DETECTORS: readonly Detector[] = [
  {
    label: 'AWS access key id',
    pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Z0-9])/g,
    body: (m) => m.slice(4),
  },
  {
    label: 'GitHub token',
    pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g,
    body: (m) => m.slice(4),
  },
  {
    label: 'GitHub token',
    pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,244}(?![A-Za-z0-9_])/g,
    body: (m) => m.slice(11),
  },
  {
    label: 'GitLab token',
    pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
    body: (m) => m.slice(6),
  },
  {
    label: 'Slack token',
    pattern: /(?<![A-Za-z0-9-])xox[baprs]-[A-Za-z0-9-]{10,}(?![A-Za-z0-9-])/g,
    body: (m) => m.slice(5).replace(/-/g, ''),
  },
  {
    // The header alone (documentation, a `grep` pattern) is not a key: require key material.
    label: 'private key',
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\\n]*(?:[A-Za-z-]+: [^\n]*\n\s*)*[A-Za-z0-9+/=\s\\n]{40,}/g,
    body: (m) => m.replace(/^-----[^-]+-----/, '').replace(/\\n|\s/g, ''),
  },
];

/** Credentials found in a string by their shape, with the documented example keys left out. */
export function findSecrets(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  if (text.length < 20) return found;
  for (const detector of DETECTORS) {
    for (const match of text.matchAll(detector.pattern)) {
      const value = match[0];
      const body = detector.body ? detector.body(value) : value;
      if (isFakeBody(body)) continue;
      const from = match.index;
      found.push({ label: detector.label, from, to: from + value.length, masked: mask(value) });
    }
  }
  return found.sort((a, b) => a.from - b.from);
}

/**
 * Key material that is plainly not real: AWS's documented `...EXAMPLE` keys, runs of one
 * character (`xxxx`), or too few distinct characters to be random.
 */
function isFakeBody(body: string): boolean {
  if (/EXAMPLE/i.test(body) || /x{6,}|X{6,}|\*{3,}|0{8,}|\.{3,}/.test(body)) return true;
  return new Set(body).size < Math.min(8, Math.ceil(body.length / 3));
}

/** A 40-character AWS secret access key (`wJalrXUtnFEMI/...`), other than AWS's example key. */
export function isSecretAccessKey(value: string): boolean {
  return /^[A-Za-z0-9/+]{40}$/.test(value) && /[0-9/+]/.test(value) && !isFakeBody(value);
}

/** Names of values that hold a secret, compared on the lower-case letters and digits of the name. */
const SECRET_NAME_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'secretkey',
  'secretaccesskey',
  'authkey',
];

/**
 * Names ending like a secret that are not one: request tokens that only deduplicate or page
 * calls, and `*Secret*` names that hold a reference rather than the value.
 */
const NOT_SECRET_NAMES = new Set([
  'clienttoken',
  'nexttoken',
  'idempotencytoken',
  'continuationtoken',
  'paginationtoken',
  'startingtoken',
  'sessiontokenrequired',
  // `ServiceToken` of a custom resource is the ARN of the function or topic that handles it.
  'servicetoken',
]);

/**
 * Whether a property or variable name holds a secret: `Password`, `MasterUserPassword`,
 * `OAuthToken`, `SecretToken`, `DB_PASSWORD`, `api-key`, `/app/api_key`, ... Names that merely
 * point at a secret (`SecretArn`, `PasswordParameterName`, `TokenUrl`, `ApiKeyRequired`) end
 * otherwise and are not matched; nor are condition keys (`aws:...`).
 */
export function isSecretName(name: string): boolean {
  if (name.includes(':')) return false;
  // Only the last segment of a path-like name counts (`/prod/db/password`).
  const last =
    name
      .split(/[/.]/)
      .filter((s) => s !== '')
      .pop() ?? '';
  const squashed = last.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (squashed === '' || NOT_SECRET_NAMES.has(squashed)) return false;
  return SECRET_NAME_ENDINGS.some((ending) => squashed.endsWith(ending));
}

/** Names next to which a 40-character string is an AWS secret access key. */
export function isSecretKeyName(name: string): boolean {
  const squashed = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /secret(access)?key|secretkeyid|awssecret/.test(squashed);
}

/** CloudFormation dynamic references (`{{resolve:secretsmanager:...}}`, `ssm-secure`, `ssm`). */
export function isDynamicReference(value: string): boolean {
  return /\{\{resolve:(secretsmanager|ssm-secure|ssm):/.test(value);
}

/**
 * Values that are not a secret whatever their name: empty, masked (`****`, as `get-pipeline`
 * returns), dynamic references, ARNs, booleans, and placeholders. Placeholders are text that says
 * it must be replaced: `<token>`, `${Token}`, `$GITHUB_TOKEN`, `{{ token }}` (template engines),
 * `REPLACE_ME`, `CHANGE_ME`/`changeme`, `your-token-here`, `TODO`, `xxxx`, `...`, and anything
 * containing `EXAMPLE` (AWS documentation's convention), and prose of three words or more. `changeme` is treated as a placeholder
 * because it says so; a weak default is `parameter-noecho`'s concern, not a leaked secret.
 */
export function isNotSecretValue(value: string): boolean {
  const text = value.trim();
  if (text === '' || isDynamicReference(text)) return true;
  if (/^\*+$/.test(text) || text.includes('****')) return true;
  // Three words or more are prose (a description, a suppression reason), not a credential.
  if (/\S\s+\S+\s+\S/.test(text)) return true;
  if (/^arn:/i.test(text)) return true;
  if (/^(true|false|yes|no|null|none|nil|n\/a)$/i.test(text)) return true;
  if (/^(<[^>]*>|\[[^\]]*\]|\{\{.*\}\}|%[^%]*%|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*)$/.test(text))
    return true;
  if (/^[xX.#*-]+$/.test(text) || /x{4,}|X{4,}/.test(text)) return true;
  const squashed = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (squashed === '') return true;
  if (/example|placeholder|replaceme|changeme|redacted/.test(squashed)) return true;
  if (/^(todo|tbd|fixme|dummy|notset|unset|none)$/.test(squashed)) return true;
  if (/^(your|replace|enter|insert)/.test(squashed)) return true;
  return squashed.endsWith('here') && squashed.length < 40;
}

/** A user name and password written into a URL (`https://user:password@host`). */
export interface UrlCredentials {
  /** Offsets of `user:password` within the string. */
  readonly from: number;
  readonly to: number;
  /** The URL with user and password masked, for messages: `https://****:****@github.com`. */
  readonly display: string;
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/:@?#'"]+):([^\s/@?#'"]+)@([^\s/?#:'"]+)/gi;

/** User-and-password URLs in a string, skipping placeholders, masks and substitutions. */
export function findUrlCredentials(text: string): UrlCredentials[] {
  const found: UrlCredentials[] = [];
  if (!text.includes('@')) return found;
  for (const match of text.matchAll(URL_CREDENTIALS)) {
    const [, scheme = '', user = '', password = '', host = ''] = match;
    // A substitution or reference fills the password at deploy time: unknown, not bad.
    if (/\$\{|\$\(|\{\{|^\$/.test(password) || isNotSecretValue(password)) continue;
    if (/\$\{|\{\{/.test(user)) continue;
    const from = match.index + scheme.length + 3;
    found.push({
      from,
      to: from + user.length + 1 + password.length,
      display: `${scheme}://****:****@${host}`,
    });
  }
  return found;
}
