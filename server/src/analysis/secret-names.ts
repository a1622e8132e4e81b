/**
 * Small predicates shared by the secrets rules that look at names and values: does a name denote a
 * secret, is a value a placeholder or a reference rather than a secret, does a value look like a
 * known credential, and how to show a value without repeating it.
 *
 * Name rule: a name denotes a secret only when the secret word is its head, that is its last word
 * (`GITHUB_TOKEN`, `dbPassword`, `AWS_SECRET_ACCESS_KEY`). When another word follows
 * (`TOKEN_URL`, `SECRET_ARN`, `PASSWORD_PARAMETER`, `PASSWORD_LENGTH`) the name is about where a
 * secret lives or how it is shaped, not the secret itself, and is not reported. Only `VALUE`,
 * `STRING` and `TEXT` may trail the secret word (`SECRET_VALUE`, `SecretString`).
 */

/** Words that are a secret on their own when they end a name. */
const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'APIKEY',
]);

/** `<qualifier> KEY` pairs that name a secret key (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`). */
const KEY_QUALIFIERS = new Set(['API', 'PRIVATE', 'ACCESS', 'SECRET', 'SIGNING', 'AUTH', 'CLIENT']);

/** Glued spellings (`GITHUBTOKEN`, `MASTERPASSWORD`) end with one of these. */
const GLUED_SUFFIXES = [
  'PASSWORD',
  'PASSWD',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'ACCESSKEY',
  'SECRETKEY',
  'PRIVATEKEY',
];

/**
 * `<qualifier> TOKEN` pairs that are not secrets: a custom resource's `ServiceToken` is the ARN of
 * its handler, and the others are request tokens that deduplicate or page API calls.
 */
const NOT_SECRET_TOKENS = new Set([
  'SERVICE',
  'CLIENT',
  'NEXT',
  'IDEMPOTENCY',
  'CONTINUATION',
  'PAGINATION',
  'STARTING',
]);

/** Words that may follow the secret word without changing what the name denotes. */
const TRAILING = new Set(['VALUE', 'STRING', 'TEXT']);

/** Splits `dbPassword`, `DB_PASSWORD`, `APIKey`, `db.password`, `db-password` into upper-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toUpperCase());
}

/** Whether a variable, parameter or property name denotes a secret value (see the module comment). */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  while (words.length > 1 && TRAILING.has(words[words.length - 1] ?? '')) words.pop();
  const last = words[words.length - 1];
  const previous = words[words.length - 2];
  if (last === undefined) return false;
  // `AWS_ACCESS_KEY_ID` is half of a credential pair: its presence means a key pair is being handed out.
  if (last === 'ID' && previous === 'KEY' && words[words.length - 3] === 'ACCESS') return true;
  if (last === 'KEY') return previous !== undefined && KEY_QUALIFIERS.has(previous);
  if (last === 'TOKEN' && previous !== undefined && NOT_SECRET_TOKENS.has(previous)) return false;
  if (SECRET_WORDS.has(last)) return true;
  // `PASS` and `PAT` alone are ordinary words, but as the head after a qualifier (`DB_PASS`,
  // `GITHUB_PAT`) they are a password and a personal access token.
  if (last === 'PASS' || last === 'PAT') return previous !== undefined;
  if (/^(SERVICE|CLIENT|NEXT)TOKEN$/.test(last)) return false;
  return last.length > 8 && GLUED_SUFFIXES.some((suffix) => last.endsWith(suffix));
}

const PLACEHOLDER_WORDS =
  /^(?:replace[_-]?me|change[_-]?me|changeit|todo|tbd|fixme|none|null|nil|undefined|dummy|placeholder|example|sample|secret|password|token|string|xxx+|\*+|\.\.\.)$/i;

/**
 * Whether a value is a placeholder or a reference rather than a secret: empty, masked (`****`, what
 * `get-pipeline` returns), `<token>`, `${Token}`, `#{Variables.Token}`, `$TOKEN`, `REPLACE_ME`,
 * `your-token-here`, `String` (the type name, common in examples), a dynamic reference (`{{resolve:...}}`), an ARN or a parameter path, or a
 * boolean or number (a flag named `USE_TOKEN`).
 */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/^\*+$/.test(v) || /\*{4,}/.test(v)) return true;
  if (/\{\{resolve:/.test(v)) return true;
  if (/^<[^<>]*>$/.test(v) || /^\$\{[^}]*\}$/.test(v) || /^#\{[^}]*\}$/.test(v)) return true;
  if (/^\$\(?[A-Za-z_][A-Za-z0-9_]*\)?$/.test(v)) return true;
  if (/^arn:/.test(v) || /^\/[\w./-]+$/.test(v)) return true;
  if (/^(?:true|false|yes|no|on|off|\d+)$/i.test(v)) return true;
  if (PLACEHOLDER_WORDS.test(v)) return true;
  if (/^(?:your|my)[-_ ]/i.test(v) || /[-_ ]here$/i.test(v)) return true;
  return /EXAMPLE/.test(v);
}

/** Known credential formats, by what they are. */
const CREDENTIAL_FORMATS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/ },
  { what: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})/ },
  { what: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { what: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: 'a private key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/ },
];

/**
 * What known credential a value contains (`an AWS access key id`, `a GitHub token`, ...), or
 * `undefined`. AWS's documented example keys (ending in `EXAMPLE`) are not credentials.
 */
export function credentialKind(value: string): string | undefined {
  for (const { what, pattern } of CREDENTIAL_FORMATS) {
    const match = pattern.exec(value);
    if (match && !/EXAMPLE/.test(match[0])) return what;
  }
  return undefined;
}

/**
 * At most the first 4 characters of a secret, so messages never repeat it; nothing at all for a
 * value shorter than 12 characters, where 4 characters would give away too much of it.
 */
export function masked(value: string): string {
  return value.length < 12 ? '****' : `${value.slice(0, 4)}…`;
}
