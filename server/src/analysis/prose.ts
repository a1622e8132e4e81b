/** Small helpers for the English of messages and fix titles. */

/** `a`, `a and b`, `a, b and c`. */
export function listWords(items: readonly string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** One formatter for every count: `toLocaleString` builds a new one on each call. */
const COUNT = new Intl.NumberFormat('en-US');

/** A count with thousands separators: `22,091`. */
export function formatCount(count: number): string {
  return COUNT.format(count);
}
