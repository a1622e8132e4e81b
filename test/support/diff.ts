/** The changed lines between two texts, as `-`/`+` lines after an `@@ line N` header. */
export function lineDiff(before: string, after: string): string {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const removed = a.slice(prefix, a.length - suffix).map((l) => `-${l}`);
  const added = b.slice(prefix, b.length - suffix).map((l) => `+${l}`);
  return [`@@ line ${prefix + 1}`, ...removed, ...added].join('\n');
}
