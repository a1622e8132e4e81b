/**
 * Secret detection shared by the secrets rules (`hardcoded-credential`, `credentials-in-url`,
 * `plaintext-secret-env`, `parameter-noecho`, `sensitive-data-in-tags`). Pure string logic: which
 * literal looks like a credential, which names hold credentials, which values are only
 * placeholders, masks or references, and how to show a secret without repeating it. Nothing here
 * ever returns more than four characters of a secret, so callers can build messages from its
 * results alone.
 */

/**
 * At most the first four characters of a secret followed by `****`, so messages never repeat it;
 * nothing at all of a value shorter than 12 characters, where four characters would give away too
 * much of it.
 */
export function mask(secret: string): string {
  return secret.length < 12 ? '****' : `${secret.slice(0, 4)}****`;
}

/** A secret found inside a string by its shape. */
export interface SecretMatch {
  /** What it is, with its article, for messages ("an AWS access key id"). */
  readonly label: string;
  /** UTF-16 offsets of the secret within the string. */
  readonly from: number;
  readonly to: number;
  /** The secret as {@link mask} shows it. */
  readonly masked: string;
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
/** Every detector's fixed prefix: one cheap test before the detectors run on a string. */
const SECRET_PREFIX = /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[baprs]-|-----BEGIN /;

const DETECTORS: readonly Detector[] = [
  {
    label: 'an AWS access key id',
    pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Z0-9])/g,
    body: (m) => m.slice(4),
  },
  {
    label: 'a GitHub token',
    pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g,
    body: (m) => m.slice(4),
  },
  {
    label: 'a GitHub token',
    pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,244}(?![A-Za-z0-9_])/g,
    body: (m) => m.slice(11),
  },
  {
    label: 'a GitLab token',
    pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
    body: (m) => m.slice(6),
  },
  {
    label: 'a Slack token',
    pattern: /(?<![A-Za-z0-9-])xox[baprs]-[A-Za-z0-9-]{10,}(?![A-Za-z0-9-])/g,
    body: (m) => m.slice(5).replace(/-/g, ''),
  },
  {
    // The header alone (documentation, a `grep` pattern) is not a key: require key material.
    label: 'a private key',
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\\n]*(?:[A-Za-z-]+: [^\n]*\n\s*)*[A-Za-z0-9+/=\s\\n]{40,}/g,
    body: (m) => m.replace(/^-----[^-]+-----/, '').replace(/\\n|\s/g, ''),
  },
];

/** Credentials found in a string by their shape, with the documented example keys left out. */
export function findSecrets(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  if (text.length < 20 || !SECRET_PREFIX.test(text)) return found;
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

/** What known credential a value contains ("an AWS access key id", ...), or `undefined`. */
export function credentialKind(value: string): string | undefined {
  return findSecrets(value)[0]?.label;
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

/** Glued spellings (`GITHUBTOKEN`, `MASTERPASSWORD`, `dbauthkey`) end with one of these. */
const GLUED_SUFFIXES = [
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'AUTHKEY',
  'ACCESSKEY',
  'SECRETKEY',
  'PRIVATEKEY',
];

/**
 * Token names that are not secrets, as `<qualifier> TOKEN` or glued: a custom resource's
 * `ServiceToken` is the ARN of its handler, and the others are request tokens that deduplicate or
 * page API calls.
 */
const NOT_SECRET_TOKENS = new Set([
  'SERVICETOKEN',
  'CLIENTTOKEN',
  'NEXTTOKEN',
  'IDEMPOTENCYTOKEN',
  'CONTINUATIONTOKEN',
  'PAGINATIONTOKEN',
  'STARTINGTOKEN',
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

/**
 * Whether a property, parameter or variable name denotes a secret value: `Password`,
 * `MasterUserPassword`, `OAuthToken`, `DB_PASSWORD`, `/app/api_key`, `GITHUB_PAT`, `SecretString`.
 *
 * A name denotes a secret only when the secret word is its head, that is its last word. When
 * another word follows (`TOKEN_URL`, `SecretArn`, `PASSWORD_PARAMETER`, `ApiKeyRequired`) the
 * name is about where a secret lives or how it is shaped, not the secret itself. Only `VALUE`,
 * `STRING` and `TEXT` may trail the secret word. Condition keys (`aws:SecretToken`) name no stored
 * value and never match.
 */
export function isSecretName(name: string): boolean {
  // Rules ask about every key of a template, and the same few names recur: remember the answers.
  let answer = SECRET_NAME_CACHE.get(name);
  if (answer === undefined) {
    answer = judgeSecretName(name);
    if (SECRET_NAME_CACHE.size >= 5000) SECRET_NAME_CACHE.clear();
    SECRET_NAME_CACHE.set(name, answer);
  }
  return answer;
}

const SECRET_NAME_CACHE = new Map<string, boolean>();

function judgeSecretName(name: string): boolean {
  if (name.includes(':')) return false;
  const words = nameWords(name);
  while (words.length > 1 && TRAILING.has(words[words.length - 1] ?? '')) words.pop();
  const last = words[words.length - 1];
  const previous = words[words.length - 2];
  if (last === undefined) return false;
  // `AWS_ACCESS_KEY_ID` is half of a credential pair: its presence means a key pair is being handed out.
  if (last === 'ID' && previous === 'KEY' && words[words.length - 3] === 'ACCESS') return true;
  if (last === 'KEY') return previous !== undefined && KEY_QUALIFIERS.has(previous);
  if (NOT_SECRET_TOKENS.has(`${previous ?? ''}${last}`) || NOT_SECRET_TOKENS.has(last))
    return false;
  if (SECRET_WORDS.has(last)) return true;
  // A secret word split in two by its case or a separator: `PassWord`, `Pass_Phrase`.
  if (previous !== undefined && SECRET_WORDS.has(`${previous}${last}`)) return true;
  // `PASS` and `PAT` alone are ordinary words, but as the head after a qualifier (`DB_PASS`,
  // `GITHUB_PAT`) they are a password and a personal access token.
  if (last === 'PASS' || last === 'PAT') return previous !== undefined;
  return GLUED_SUFFIXES.some((suffix) => last.length > suffix.length && last.endsWith(suffix));
}

/** Names next to which a 40-character string is an AWS secret access key. */
export function isSecretKeyName(name: string): boolean {
  const squashed = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /secret(access)?key|secretkeyid|awssecret/.test(squashed);
}

/** CloudFormation dynamic references (`{{resolve:secretsmanager:...}}`, `ssm-secure`, `ssm`). */
export function isDynamicReference(value: string): boolean {
  return /\{\{resolve:/.test(value);
}

/** A whole value that is only a substitution or a marker to fill in. */
const SUBSTITUTION =
  /^(?:<[^>]*>|\[[^\]]*\]|\{\{.*\}\}|%[^%]*%|\$\{[^}]*\}|#\{[^}]*\}|\$\([^)]*\)|\$\(?[A-Za-z_]\w*\)?)$/;

/**
 * Values that are not a secret whatever their name: empty, masked (`****`, as `get-pipeline`
 * returns), dynamic references, ARNs, parameter paths (`/prod/db/password`), booleans, numbers (a
 * flag named `USE_TOKEN`), prose of three words or more, and placeholders. Placeholders are text
 * that says it must be replaced: `<token>`, `${Token}`, `#{Variables.Token}`, `$GITHUB_TOKEN`,
 * `{{ token }}` (template engines), `REPLACE_ME`, `CHANGE_ME`/`changeme`, `your-token-here`,
 * `TODO`, `xxxx`, `...`, `sample`, and anything containing `EXAMPLE` (AWS documentation's
 * convention). `changeme` is a placeholder because it says so; a weak default is
 * `parameter-noecho`'s concern, not a leaked secret. The bare words `password`, `secret`, `token`
 * and `String` are values: `https://username:password@host` and a `Default: String` fed to
 * `MasterUserPassword` are stored secrets, whatever their quality.
 */
export function isPlaceholderValue(value: string): boolean {
  const text = value.trim();
  if (text === '' || isDynamicReference(text)) return true;
  if (/^\*+$/.test(text) || text.includes('****')) return true;
  // Three words or more are prose (a description, a suppression reason), not a credential.
  if (/\S\s+\S+\s+\S/.test(text)) return true;
  if (/^arn:/i.test(text) || /^\/[\w./-]+$/.test(text)) return true;
  if (/^(?:true|false|yes|no|on|off|null|none|nil|undefined|n\/a|\d+)$/i.test(text)) return true;
  if (SUBSTITUTION.test(text)) return true;
  if (/^[xX.#*-]+$/.test(text) || /x{4,}|X{4,}/.test(text)) return true;
  if (/^(?:your|my)[-_ ]/i.test(text) || /[-_ ]here$/i.test(text)) return true;
  const squashed = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (squashed === '') return true;
  if (/example|placeholder|replaceme|changeme|redacted/.test(squashed)) return true;
  if (/^(?:todo|tbd|fixme|dummy|notset|unset|none|changeit|sample)$/.test(squashed)) return true;
  if (/^(?:your|replace|enter|insert)/.test(squashed)) return true;
  return squashed.endsWith('here') && squashed.length < 40;
}

/** A user name and password written into a URL (`https://user:password@host`). */
export interface UrlCredentials {
  /** Offsets of `user:password` within the string. */
  readonly from: number;
  readonly to: number;
  /** Where the password starts; it runs to `to`. */
  readonly passwordFrom: number;
  /** The URL with user and password masked, for messages: `https://****:****@github.com`. */
  readonly display: string;
}

/** What follows `scheme://` in a URL with credentials: user, password, host (sticky). */
const URL_CREDENTIALS_REST = /([^\s/:@?#'"]+):([^\s/@?#'"]+)@([^\s/?#:'"]+)/y;
const SCHEME_CHAR = /[a-z0-9+.-]/i;
const WORD_CHAR = /\w/;

/**
 * User-and-password URLs in a string, skipping placeholders, masks and substitutions. Read from
 * each `://`: the scheme is the run of scheme characters before it (from its first letter at a
 * word boundary), the rest one linear match after it. One regular expression over the whole text
 * would retry from every position of a long run of scheme characters, in quadratic time.
 */
export function findUrlCredentials(text: string): UrlCredentials[] {
  const found: UrlCredentials[] = [];
  if (!text.includes('@')) return found;
  let end = 0;
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 1)) {
    if (at < end) continue;
    let start = at;
    while (start > end && SCHEME_CHAR.test(text.charAt(start - 1))) start--;
    // The scheme starts with a letter where a word starts, as `\b[a-z]` would find it.
    while (
      start < at &&
      !(/[a-z]/i.test(text.charAt(start)) && !WORD_CHAR.test(text.charAt(start - 1)))
    )
      start++;
    if (start === at) continue;
    URL_CREDENTIALS_REST.lastIndex = at + 3;
    const match = URL_CREDENTIALS_REST.exec(text);
    if (!match) continue;
    const [, user = '', password = '', host = ''] = match;
    end = at + 3 + match[0].length;
    // A substitution or reference fills the password at deploy time: unknown, not bad.
    if (/\$\{|\$\(|\{\{|^\$/.test(password) || isPlaceholderValue(password)) continue;
    if (/\$\{|\{\{/.test(user)) continue;
    const from = at + 3;
    found.push({
      from,
      to: from + user.length + 1 + password.length,
      passwordFrom: from + user.length + 1,
      display: `${text.slice(start, at)}://****:****@${host}`,
    });
  }
  return found;
}
