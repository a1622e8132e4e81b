/**
 * Masking as a property of the output: every secret recognised in a document is hidden wherever
 * the document's text could be echoed (finding messages, fix titles, hovers, code frames, logs),
 * whichever rule or feature echoes it. The secrets rules say what is secret as they check a
 * document (`report({ secrets })`); `analyze` adds the credentials found by their shape anywhere
 * in the text (keys and comments included) and builds one {@link SecretMasker} per document.
 */
import { stringSourceRange, type Range, type StringNode } from './document';
import { findSecrets, mask } from './secrets';

/** A secret recognised in a document: its value and where it sits in the source text. */
export interface DocumentSecret extends Range {
  /** The value as the parser read it (escapes decoded). */
  readonly value: string;
}

/**
 * The secret `node.value.slice(from, to)`, located in the source through escapes. When the source
 * cannot be mapped (YAML block scalars), the range is the whole node.
 */
export function secretIn(
  text: string,
  node: StringNode,
  from = 0,
  to = node.value.length,
): DocumentSecret {
  const range = stringSourceRange(text, node, from, to);
  return { value: node.value.slice(from, to), start: range.start, end: range.end };
}

/**
 * Values shorter than this are not looked for in free text: showing all of a value of four
 * characters or fewer shows no more than the "first four characters" the invariant allows, and
 * hiding every `ab` in every message would garble them. Their ranges are still masked in frames.
 */
export const MIN_MASKED_LENGTH = 5;

/** Shorter runs of a secret's letters and digits are not looked for: they are too common. */
const SQUASHED_MIN_LENGTH = 12;

/** What replaces a masked stretch of text, and where. */
interface Masked extends Range {
  readonly shown: string;
}

/** A document's text with its secrets masked, line breaks kept, and a map from offsets into it. */
export interface MaskedText {
  readonly text: string;
  /**
   * Where an offset of the original text lands in the masked one: unchanged before the first
   * secret, shifted after one; inside a secret, at its start (`start`) or at the end of what is
   * shown in its place (`end`).
   */
  map(offset: number, side: 'start' | 'end'): number;
}

/**
 * The secrets recognised in one document, and the one way to hide them in anything shown to a
 * person: {@link mask} for free text (messages, titles, hovers, log lines), {@link maskDocument}
 * for code frames, {@link contains} to tell whether a text (a fix's new text) would carry one.
 * Every full occurrence of a recognised value (also as written in the source, and JSON-escaped)
 * is replaced by its first four characters and `****` (nothing of a value under 12 characters),
 * and so is anything that has the shape of a credential, wherever it came from.
 */
export class SecretMasker {
  /** The values looked for in free text, longest first. */
  readonly values: readonly string[];
  private readonly ranges: readonly Masked[];
  private matcher: Matcher | undefined;
  private masked: MaskedText | undefined;

  /**
   * @param text the document's text, which the secrets' ranges are offsets of
   * @param secrets what the rules recognised; with none, only credential shapes are masked
   */
  constructor(
    private readonly text: string,
    secrets: readonly DocumentSecret[],
  ) {
    const values = new Set<string>();
    const ranges: Masked[] = [];
    const add = (value: string) => {
      if (value.length >= MIN_MASKED_LENGTH) values.add(value);
    };
    for (const secret of secrets) {
      if (secret.value.trim() === '') continue;
      add(secret.value);
      const escaped = JSON.stringify(secret.value).slice(1, -1);
      if (escaped !== secret.value) add(escaped);
      // Rules derive names from values (a Sid stripped to letters and digits): a long secret's
      // letters and digits are as secret as the secret itself.
      const squashed = secret.value.replace(/[^A-Za-z0-9]/g, '');
      if (squashed !== secret.value && squashed.length >= SQUASHED_MIN_LENGTH) add(squashed);
      const raw = text.slice(secret.start, secret.end);
      // A value written as it reads is found wherever it occurs by searching for it; a value
      // written otherwise (escapes, a block scalar), or too short to search for, by its range.
      if (values.has(secret.value) && raw.includes(secret.value)) continue;
      if (secret.end > secret.start) {
        ranges.push({ start: secret.start, end: secret.end, shown: mask(secret.value) });
        if (raw !== secret.value) add(raw);
      }
    }
    this.values = [...values].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    this.ranges = ranges;
  }

  /** Free text with every secret masked; line breaks inside a secret are dropped. */
  mask(text: string): string {
    const found = this.find(text);
    return found.length === 0 ? text : replace(text, found, false);
  }

  /** Whether a text holds a recognised secret or anything shaped like a credential. */
  contains(text: string): boolean {
    return this.find(text).length > 0;
  }

  /**
   * The document's text with every secret masked (its recognised values, their ranges, credential
   * shapes), each line break kept so that line numbers stay true. Computed once, on first use.
   */
  maskDocument(): MaskedText {
    if (this.masked) return this.masked;
    const found = merge([...this.ranges, ...this.find(this.text)]);
    if (found.length === 0) {
      this.masked = { text: this.text, map: (offset) => offset };
      return this.masked;
    }
    const text = replace(this.text, found, true);
    // Where each masked stretch starts in the new text, and how long its replacement is.
    const starts: number[] = [];
    const lengths: number[] = [];
    let shift = 0;
    for (const m of found) {
      starts.push(m.start + shift);
      const length = m.shown.length + lineBreaks(this.text, m.start, m.end).length;
      lengths.push(length);
      shift += length - (m.end - m.start);
    }
    const map = (offset: number, side: 'start' | 'end'): number => {
      // The last stretch starting at or before the offset.
      let low = 0;
      let high = found.length - 1;
      let at = -1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        if ((found[mid]?.start ?? 0) <= offset) {
          at = mid;
          low = mid + 1;
        } else high = mid - 1;
      }
      const m = found[at];
      if (m === undefined) return offset;
      const start = starts[at] ?? 0;
      if (offset >= m.end) return start + (lengths[at] ?? 0) + (offset - m.end);
      if (offset === m.start || side === 'start') return start;
      return start + m.shown.length;
    };
    this.masked = { text, map };
    return this.masked;
  }

  /** Masked stretches of a text: recognised values and credential shapes. */
  private find(text: string): Masked[] {
    const found: Masked[] = [];
    if (this.values.length > 0) {
      this.matcher ??= new Matcher(this.values);
      for (const match of this.matcher.matches(text)) {
        found.push({ ...match, shown: mask(text.slice(match.start, match.end)) });
      }
    }
    for (const secret of findSecrets(text)) {
      found.push({ start: secret.from, end: secret.to, shown: secret.masked });
    }
    return merge(found);
  }
}

/**
 * The document's own text: the credential shapes in it (keys, comments and escapes included),
 * found once, with the secrets the rules recognised.
 */
export function documentSecrets(text: string, recognised: readonly DocumentSecret[]): SecretMasker {
  const shapes: DocumentSecret[] = findSecrets(text).map((s) => ({
    value: text.slice(s.from, s.to),
    start: s.from,
    end: s.to,
  }));
  if (shapes.length === 0 && recognised.length === 0) return new SecretMasker(text, []);
  return new SecretMasker(text, [...recognised, ...shapes]);
}

/** Sorted, overlapping stretches joined; a joined stretch shows what its first one shows. */
function merge(found: Masked[]): Masked[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Masked[] = [];
  for (const m of found) {
    const last = merged[merged.length - 1];
    if (last && m.start < last.end) {
      if (m.end > last.end) merged[merged.length - 1] = { ...last, end: m.end };
    } else merged.push(m);
  }
  return merged;
}

function replace(text: string, found: readonly Masked[], keepLines: boolean): string {
  const parts: string[] = [];
  let at = 0;
  for (const m of found) {
    parts.push(text.slice(at, m.start), m.shown);
    if (keepLines) parts.push(lineBreaks(text, m.start, m.end));
    at = m.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** The line breaks (`\n`, `\r\n`, `\r`) inside a stretch of text, in order. */
function lineBreaks(text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  return slice.includes('\n') || slice.includes('\r')
    ? (slice.match(/\r\n|\r|\n/g) ?? []).join('')
    : '';
}

/**
 * Finds every occurrence of many strings in one pass (Aho–Corasick): a document may hold
 * thousands of secrets, and each of thousands of messages is searched for all of them.
 */
class Matcher {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Length of the longest value that ends at this state, 0 for none. */
  private readonly longest: number[] = [0];

  constructor(values: readonly string[]) {
    for (const value of values) {
      let state = 0;
      for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        let target = this.next[state]?.get(code);
        if (target === undefined) {
          target = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.longest.push(0);
          this.next[state]?.set(code, target);
        }
        state = target;
      }
      this.longest[state] = Math.max(this.longest[state] ?? 0, value.length);
    }
    // Breadth first, so each state's failure state is complete before its children need it.
    const queue: number[] = [...(this.next[0]?.values() ?? [])];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0;
      for (const [code, child] of this.next[state] ?? []) {
        let fallback = this.fail[state] ?? 0;
        while (fallback !== 0 && !this.next[fallback]?.has(code))
          fallback = this.fail[fallback] ?? 0;
        const target = this.next[fallback]?.get(code);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        this.longest[child] = Math.max(
          this.longest[child] ?? 0,
          this.longest[this.fail[child] ?? 0] ?? 0,
        );
        queue.push(child);
      }
    }
  }

  /** For each end position, the longest value ending there. */
  matches(text: string): Range[] {
    const found: Range[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      while (state !== 0 && !this.next[state]?.has(code)) state = this.fail[state] ?? 0;
      state = this.next[state]?.get(code) ?? 0;
      const length = this.longest[state] ?? 0;
      if (length > 0) found.push({ start: i + 1 - length, end: i + 1 });
    }
    return found;
  }
}
