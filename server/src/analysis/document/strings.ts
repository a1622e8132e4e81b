import type { Range, StringNode } from './tree';

/**
 * The source range of `value.slice(from, to)` inside a string node, following escapes such as
 * `\u0073` so that a sub-range lands on the right characters, and the indentation of YAML literal
 * block scalars (`|`). Falls back to the whole node when the source cannot be mapped (YAML folded
 * or multi-line flow scalars).
 */
export function stringSourceRange(text: string, node: StringNode, from: number, to: number): Range {
  const raw = text.slice(node.start, node.end);
  const quote = raw[0];
  const bodyStart = node.quoted && (quote === '"' || quote === "'") ? 1 : 0;
  const body = raw.slice(bodyStart, bodyStart === 1 ? raw.length - 1 : raw.length);
  if (body === node.value) {
    return { start: node.start + bodyStart + from, end: node.start + bodyStart + to };
  }
  if (quote === '|') return literalBlockRange(text, node, from, to);
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

/**
 * A sub-range of a YAML literal block scalar (`|`, `|-`, `|+`, `|2`): each line of the value is a
 * source line after the header, less the block's indentation. A sub-range within one line is
 * mapped when that source line holds exactly the value's line; anything else is the whole node.
 */
function literalBlockRange(text: string, node: StringNode, from: number, to: number): Range {
  const whole = { start: node.start, end: node.end };
  const lineOfFrom = node.value.lastIndexOf('\n', from - 1) + 1;
  const lineEnd = node.value.indexOf('\n', from);
  if (lineEnd >= 0 && to > lineEnd) return whole;
  const line = node.value.slice(lineOfFrom, lineEnd < 0 ? undefined : lineEnd);
  const index = countLines(node.value, lineOfFrom);
  // The content starts on the line after the header.
  let start = text.indexOf('\n', node.start) + 1;
  if (start <= 0 || start > node.end) return whole;
  for (let i = 0; i < index; i++) {
    start = text.indexOf('\n', start) + 1;
    if (start <= 0 || start > node.end) return whole;
  }
  let sourceEnd = text.indexOf('\n', start);
  if (sourceEnd < 0) sourceEnd = text.length;
  const source = text.slice(start, sourceEnd).replace(/\r$/, '');
  if (!source.endsWith(line) || source.slice(0, source.length - line.length).trim() !== '') {
    return whole;
  }
  const at = start + source.length - line.length + (from - lineOfFrom);
  return { start: at, end: at + (to - from) };
}

function countLines(value: string, end: number): number {
  let count = 0;
  for (let i = value.indexOf('\n'); i >= 0 && i < end; i = value.indexOf('\n', i + 1)) count++;
  return count;
}
