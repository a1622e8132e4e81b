import type { Range, StringNode } from './tree';

/**
 * The source range of `value.slice(from, to)` inside a string node, following escapes such as
 * `\u0073` so that a sub-range lands on the right characters. Falls back to the whole node when
 * the source cannot be mapped (YAML folded or multi-line scalars).
 */
export function stringSourceRange(text: string, node: StringNode, from: number, to: number): Range {
  const raw = text.slice(node.start, node.end);
  const quote = raw[0];
  const bodyStart = node.quoted && (quote === '"' || quote === "'") ? 1 : 0;
  const body = raw.slice(bodyStart, bodyStart === 1 ? raw.length - 1 : raw.length);
  if (body === node.value) {
    return { start: node.start + bodyStart + from, end: node.start + bodyStart + to };
  }
  if (quote !== '"') return { start: node.start, end: node.end };
  // Walk the escaped body, recording the source offset of each decoded code unit.
  const offsets: number[] = [];
  for (let i = 0; i < body.length;) {
    const at = node.start + 1 + i;
    if (body[i] !== '\\') {
      offsets.push(at);
      i++;
      continue;
    }
    const escape = body[i + 1];
    if (escape === 'u') {
      offsets.push(at);
      i += 6;
    } else if (escape === 'x') {
      offsets.push(at);
      i += 4;
    } else {
      offsets.push(at);
      i += 2;
    }
  }
  if (offsets.length !== node.value.length) return { start: node.start, end: node.end };
  offsets.push(node.end - 1);
  return { start: offsets[from] ?? node.start, end: offsets[to] ?? node.end };
}
