import type { ParseProblem } from './tree';

/**
 * Deeper nesting than this is refused before parsing: both parsers recurse, and no policy,
 * pipeline or template comes anywhere near it.
 */
export const MAX_NESTING = 512;

/**
 * Finds where bracket nesting first exceeds {@link MAX_NESTING}, skipping quoted strings and
 * comments. Returns a problem at that bracket, or undefined when the text is shallow enough.
 */
export function checkNesting(text: string, format: 'json' | 'yaml'): ParseProblem | undefined {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (quote !== 0) {
      if (code === 92 /* \ */ && quote === 34) i++;
      else if (code === quote) quote = 0;
      else if (code === 10 && format === 'yaml') quote = 0;
      continue;
    }
    switch (code) {
      case 34 /* " */:
        quote = code;
        break;
      case 39 /* ' */:
        if (format === 'yaml') quote = code;
        break;
      case 35 /* # */:
        if (format === 'yaml') {
          while (i < text.length && text.charCodeAt(i) !== 10) i++;
        }
        break;
      case 91 /* [ */:
      case 123 /* { */:
        if (++depth > MAX_NESTING) {
          return {
            code: 'parse-error',
            message: `Nesting is deeper than ${MAX_NESTING} levels; the document was not analysed.`,
            start: i,
            end: i + 1,
          };
        }
        break;
      case 93 /* ] */:
      case 125 /* } */:
        if (depth > 0) depth--;
        break;
    }
  }
  return undefined;
}
