/**
 * IAM wildcard matching without backtracking: `*` matches any run of characters (none included),
 * `?` exactly one. Patterns come from documents, so they are never turned into regular
 * expressions: `*:*?*?*?*?*?!` once took seconds against the catalog's 22,000 actions.
 */

/** Whether a text holds an IAM wildcard (`*` or `?`). */
export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Lower-cases ASCII letters only. `toLowerCase` alone would also fold other letters, some onto
 * ASCII ones (the Kelvin sign becomes `k`), which a regular expression's `i` flag never did.
 */
export function foldCase(text: string): string {
  return NON_ASCII.test(text)
    ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase())
    : text.toLowerCase();
}

/** A run of the pattern between stars; `?` in `text` stands for any one character. */
interface Segment {
  readonly text: string;
  /** Whether `text` holds a `?`; without one, the segment is found with `indexOf`. */
  readonly wild: boolean;
}

/**
 * A compiled IAM wildcard pattern. Every character other than `*` and `?` matches itself; with
 * `ignoreCase`, ASCII letters match either case, and other characters only themselves (catalog
 * names are ASCII). `?` is one UTF-16 code unit, and both wildcards match line breaks too.
 *
 * The pattern is cut at its stars into fixed-length segments (consecutive stars count as one).
 * A text matches when the first segment fits at its start, the last at its end, and the middle
 * ones fit in order between them; placing each middle segment as far left as it fits is always
 * right, since that leaves the most room for the rest. Nothing is ever retried: the search for
 * each middle segment starts where the previous one ended, and a try at an offset compares at
 * most that segment's length, so `test` takes O(n · m) steps at worst for a text of length n and
 * a pattern of length m (O(m) when an anchored end already fails, as it does for most catalog
 * names). Compiling takes O(m).
 */
export class Glob {
  /** Fewest characters a matching text has. */
  private readonly minLength: number;

  private constructor(
    private readonly ignoreCase: boolean,
    /** The segments between stars, case-folded with `ignoreCase`. */
    private readonly segments: readonly Segment[],
    /** Whether the pattern holds a star at all; without one, it is a single segment. */
    private readonly starred: boolean,
  ) {
    this.minLength = segments.reduce((sum, segment) => sum + segment.text.length, 0);
  }

  static compile(pattern: string, options: { readonly ignoreCase: boolean }): Glob {
    const { ignoreCase } = options;
    const folded = ignoreCase ? foldCase(pattern) : pattern;
    const segments: Segment[] = [];
    let from = 0;
    for (let i = 0; i <= folded.length; i++) {
      if (i < folded.length && folded.charCodeAt(i) !== 42 /* * */) continue;
      const text = folded.slice(from, i);
      // Consecutive stars collapse into one: the empty runs between them are dropped.
      if (text !== '' || from === 0 || i === folded.length) {
        segments.push({ text, wild: text.includes('?') });
      }
      from = i + 1;
    }
    return new Glob(ignoreCase, segments, folded.includes('*'));
  }

  /** Whether the whole text matches the pattern. */
  test(text: string): boolean {
    return this.testFolded(this.ignoreCase ? foldCase(text) : text);
  }

  /** {@link test} for a text already case-folded as {@link foldCase} does (or case-sensitive). */
  testFolded(text: string): boolean {
    const { segments } = this;
    const n = text.length;
    const first = segments[0] as Segment;
    if (!this.starred) return n === first.text.length && fits(first, text, 0);
    if (n < this.minLength) return false;
    const last = segments[segments.length - 1] as Segment;
    // The anchored ends first: most texts fail there, in a few steps.
    if (!fits(first, text, 0) || !fits(last, text, n - last.text.length)) return false;
    let from = first.text.length;
    const end = n - last.text.length;
    for (let k = 1; k < segments.length - 1; k++) {
      const segment = segments[k] as Segment;
      const at = find(segment, text, from, end);
      if (at < 0) return false;
      from = at + segment.text.length;
    }
    return true;
  }
}

/** Whether a segment matches the text at an offset. */
function fits(segment: Segment, text: string, at: number): boolean {
  if (!segment.wild) return text.startsWith(segment.text, at);
  const { text: wanted } = segment;
  if (at < 0 || at + wanted.length > text.length) return false;
  for (let k = 0; k < wanted.length; k++) {
    const code = wanted.charCodeAt(k);
    if (code !== 63 /* ? */ && code !== text.charCodeAt(at + k)) return false;
  }
  return true;
}

/** The first offset from `from` where the segment fits and ends by `end`, or -1. */
function find(segment: Segment, text: string, from: number, end: number): number {
  const length = segment.text.length;
  if (!segment.wild) {
    const at = text.indexOf(segment.text, from);
    return at >= 0 && at + length <= end ? at : -1;
  }
  for (let at = from; at + length <= end; at++) if (fits(segment, text, at)) return at;
  return -1;
}

/** Compiled patterns by case mode and text: rules test the same few patterns against many names. */
const CACHE = new Map<string, Glob>();
const CACHE_LIMIT = 10_000;
/** Longer patterns are compiled each time: a document could otherwise park megabytes here. */
const CACHEABLE_LENGTH = 4096;

/** The compiled form of a pattern, remembered (a bounded cache, emptied when full). */
export function compileGlob(pattern: string, ignoreCase = true): Glob {
  if (pattern.length > CACHEABLE_LENGTH) return Glob.compile(pattern, { ignoreCase });
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let glob = CACHE.get(key);
  if (!glob) {
    glob = Glob.compile(pattern, { ignoreCase });
    if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
    CACHE.set(key, glob);
  }
  return glob;
}

/** Whether a text matches an IAM wildcard pattern, case-insensitively unless asked otherwise. */
export function globMatches(pattern: string, text: string, ignoreCase = true): boolean {
  return compileGlob(pattern, ignoreCase).test(text);
}
