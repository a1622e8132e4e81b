/**
 * IAM wildcard matching without backtracking: `*` matches any run of characters (none included),
 * `?` exactly one. Patterns come from documents, so they are never turned into regular
 * expressions: `*:*?*?*?*?*?!` once took seconds against the catalog's 22,000 actions.
 */

/** Stands for `?` in a compiled segment. */
const ANY_CHAR = -1;

/** Whether a text holds an IAM wildcard (`*` or `?`). */
export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * A compiled IAM wildcard pattern. Every character other than `*` and `?` matches itself; with
 * `ignoreCase`, ASCII letters match either case (catalog names are ASCII, and a regular
 * expression's `i` flag never folds other characters onto them either). `?` is one UTF-16 code
 * unit, and both wildcards match line breaks too.
 *
 * The pattern is cut at its stars into fixed-length segments (consecutive stars count as one).
 * A text matches when the first segment fits at its start, the last at its end, and the middle
 * ones fit in order between them; placing each middle segment as far left as it fits is always
 * right, since that leaves the most room for the rest. Nothing is ever retried: each text offset
 * is tried as the start of at most one middle segment, and a try compares at most that
 * segment's length, so `test` takes O(n · m) steps at worst for a text of length n and a pattern
 * of length m (O(m) when the anchored ends already fail, as they do for most catalog names).
 * Compiling takes O(m).
 */
export class Glob {
  /** Fewest characters a matching text has. */
  private readonly minLength: number;

  private constructor(
    private readonly ignoreCase: boolean,
    /** The segments between stars, as folded character codes and {@link ANY_CHAR}. */
    private readonly segments: readonly Int32Array[],
    /** Whether the pattern holds a star at all; without one, it is a single segment. */
    private readonly starred: boolean,
  ) {
    this.minLength = segments.reduce((sum, s) => sum + s.length, 0);
  }

  static compile(pattern: string, options: { readonly ignoreCase: boolean }): Glob {
    const { ignoreCase } = options;
    const segments: Int32Array[] = [];
    let current: number[] = [];
    let starred = false;
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      if (code === 42 /* * */) {
        starred = true;
        segments.push(Int32Array.from(current));
        current = [];
        // Consecutive stars collapse into one.
        while (pattern.charCodeAt(i + 1) === 42) i++;
      } else if (code === 63 /* ? */) current.push(ANY_CHAR);
      else current.push(ignoreCase ? fold(code) : code);
    }
    segments.push(Int32Array.from(current));
    return new Glob(ignoreCase, segments, starred);
  }

  /** Whether the whole text matches the pattern. */
  test(text: string): boolean {
    const { segments } = this;
    const n = text.length;
    const first = segments[0] as Int32Array;
    if (!this.starred) return n === first.length && this.fits(first, text, 0);
    if (n < this.minLength) return false;
    const last = segments[segments.length - 1] as Int32Array;
    // The anchored ends first: most texts fail there, in a few steps.
    if (!this.fits(first, text, 0) || !this.fits(last, text, n - last.length)) return false;
    let from = first.length;
    const end = n - last.length;
    for (let k = 1; k < segments.length - 1; k++) {
      const segment = segments[k] as Int32Array;
      let at = from;
      while (at + segment.length <= end && !this.fits(segment, text, at)) at++;
      if (at + segment.length > end) return false;
      from = at + segment.length;
    }
    return true;
  }

  /** Whether a segment matches the text at an offset (the text is long enough). */
  private fits(segment: Int32Array, text: string, at: number): boolean {
    for (let k = 0; k < segment.length; k++) {
      const wanted = segment[k] as number;
      if (wanted === ANY_CHAR) continue;
      const code = text.charCodeAt(at + k);
      if ((this.ignoreCase ? fold(code) : code) !== wanted) return false;
    }
    return true;
  }
}

function fold(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** Compiled patterns by case mode and text: rules test the same few patterns against many names. */
const CACHE = new Map<string, Glob>();
const CACHE_LIMIT = 2000;

/** The compiled form of a pattern, remembered (a bounded cache, emptied when full). */
export function compileGlob(pattern: string, ignoreCase = true): Glob {
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
