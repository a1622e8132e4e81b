import {
  parseTree,
  printParseErrorCode,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser';
import { checkJsonNesting } from './limits';
import { addProperty, arrayNode, KeyTracker, objectNode, scalarNode, stringNode } from './nodes';
import type { ArrayNode, Node, ObjectNode, ParseProblem, ParsedDocument } from './tree';

const ERROR_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Unexpected character',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name in double quotes',
  ValueExpected: 'Expected a value',
  ColonExpected: 'Expected a colon after the property name',
  CommaExpected: 'Expected a comma',
  CloseBraceExpected: 'Expected a closing brace "}"',
  CloseBracketExpected: 'Expected a closing bracket "]"',
  EndOfFileExpected: 'Expected the end of the document',
  InvalidCommentToken: 'Comments are not allowed in JSON',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid unicode escape sequence',
  InvalidEscapeCharacter: 'Invalid escape character in string',
  InvalidCharacter: 'Invalid character in string',
};

export interface JsonOptions {
  /** Accept comments and trailing commas (`.jsonc` files only; AWS rejects them). */
  readonly allowComments?: boolean;
}

/** Parses JSON into the located tree. Never throws. */
export function parseJson(text: string, options: JsonOptions = {}): ParsedDocument {
  // A byte-order mark is accepted silently: blank it out so offsets stay unchanged.
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const tooDeep = checkJsonNesting(source);
  if (tooDeep) {
    // Keep what comes before the runaway nesting, so the document can still be classified.
    const prefix = parseJson(source.slice(0, tooDeep.start), options);
    return { text, format: 'json', root: prefix.root, problems: [tooDeep] };
  }

  const errors: ParseError[] = [];
  const tree = parseTree(source, errors, {
    disallowComments: !options.allowComments,
    allowTrailingComma: !!options.allowComments,
    allowEmptyContent: true,
  });
  const problems: ParseProblem[] = [];
  for (const error of errors) {
    const offset = Math.min(error.offset, text.length);
    const comma = /[}\]]/.test(source[offset] ?? '') ? commaBefore(source, offset) : -1;
    const start = comma >= 0 ? comma : offset;
    // One message per position: after a trailing comma jsonc-parser reports two.
    if (problems.some((p) => p.start === start)) continue;
    const name = printParseErrorCode(error.error);
    problems.push({
      code: 'parse-error',
      message:
        comma >= 0
          ? 'Trailing commas are not allowed in JSON.'
          : `${ERROR_MESSAGES[name] ?? name}.`,
      start,
      end: comma >= 0 ? comma + 1 : Math.max(start + Math.max(error.length, 1), start + 1),
    });
  }
  const root = tree ? convert(tree, undefined, problems) : undefined;
  return { text, format: 'json', root, problems: problems.sort((a, b) => a.start - b.start) };
}

/** The offset of a comma just before `offset` (whitespace between), or -1. */
function commaBefore(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i] ?? '')) i--;
  return text[i] === ',' ? i : -1;
}

function convert(
  node: JsonNode,
  parent: ObjectNode | ArrayNode | undefined,
  problems: ParseProblem[],
): Node {
  const start = node.offset;
  const end = node.offset + node.length;
  switch (node.type) {
    case 'object': {
      const object = objectNode(start, end, parent);
      const keys = new KeyTracker(problems, 'object');
      for (const child of node.children ?? []) {
        const keyNode = child.children?.[0];
        const valueNode = child.children?.[1];
        if (!keyNode || keyNode.type !== 'string') continue;
        const key = stringNode(
          keyNode.offset,
          keyNode.offset + keyNode.length,
          object,
          String(keyNode.value),
          true,
        );
        keys.add(key);
        const value = valueNode ? convert(valueNode, object, problems) : undefined;
        addProperty(object, key, value, child.offset, child.offset + child.length);
      }
      return object;
    }
    case 'array': {
      const array = arrayNode(start, end, parent);
      for (const child of node.children ?? []) array.items.push(convert(child, array, problems));
      return array;
    }
    case 'string':
      return stringNode(start, end, parent, String(node.value), true);
    case 'number':
      return scalarNode(start, end, parent, Number(node.value));
    case 'boolean':
      return scalarNode(start, end, parent, node.value === true);
    default:
      return scalarNode(start, end, parent, null);
  }
}
