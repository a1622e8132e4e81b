import { fileURLToPath } from 'node:url';

/** The file system path of a `file:` URI, or undefined for other schemes (`untitled:`, ...). */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    // A malformed file URI names no file; the document is still analysed, without a config.
    return undefined;
  }
}

const KNOWN_EXTENSION = /\.(json|jsonc|ya?ml|template)$/i;
const EXTENSION_BY_LANGUAGE: ReadonlyMap<string, string> = new Map([
  ['json', '.json'],
  ['jsonc', '.jsonc'],
  ['yaml', '.yaml'],
]);

/**
 * The name the engine picks JSON or YAML from. Untitled documents and files without a telling
 * extension take it from the editor's language id, so a new YAML buffer is not sniffed as JSON.
 */
export function engineFileName(uri: string, languageId: string): string {
  let name = filePathOf(uri) ?? safeDecode(uri.replace(/^[a-z][\w+.-]*:/i, ''));
  if (!KNOWN_EXTENSION.test(name)) name += EXTENSION_BY_LANGUAGE.get(languageId) ?? '';
  return name;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
