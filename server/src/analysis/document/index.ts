import { parseJson } from './json';
import { parseYaml } from './yaml';
import type { ParsedDocument, SourceFormat } from './tree';

export * from './tree';
export { LineIndex, type Position } from './line-index';
export { parseJson } from './json';
export { parseYaml, CFN_TAGS } from './yaml';
export { stringSourceRange } from './strings';
export { missingElementRange } from './missing-element';

/** Picks the format from the file name, or from the first meaningful character when there is none. */
export function detectFormat(text: string, fileName?: string): SourceFormat {
  const lower = fileName?.toLowerCase() ?? '';
  if (/\.(ya?ml)$/.test(lower)) return 'yaml';
  if (/\.(json|jsonc|template)$/.test(lower) && !/\.(ya?ml)\./.test(lower)) {
    return lower.endsWith('.template') ? sniff(text) : 'json';
  }
  return sniff(text);
}

function sniff(text: string): SourceFormat {
  const first = /[^\s\uFEFF]/.exec(text)?.[0];
  return first === '{' || first === '[' ? 'json' : 'yaml';
}

export function parseDocumentText(text: string, fileName?: string): ParsedDocument {
  const format = detectFormat(text, fileName);
  return format === 'json'
    ? parseJson(text, { allowComments: fileName?.toLowerCase().endsWith('.jsonc') ?? false })
    : parseYaml(text);
}
