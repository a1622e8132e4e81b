import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  YAMLParseError,
  type Alias,
  type Document,
  type Node as YamlNode,
  type ScalarTag,
  type CollectionTag,
  type CST,
} from 'yaml';
import { MAX_NESTING, parseYamlSyntax } from './limits';
import { addProperty, arrayNode, KeyTracker, objectNode, scalarNode, stringNode } from './nodes';
import type { ArrayNode, Node, ObjectNode, ParseProblem, ParsedDocument } from './tree';

/** C0 controls other than tab, line feed and carriage return, and DEL: YAML forbids them. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The CloudFormation short-form tags and the long-form key each stands for. */
export const CFN_TAGS: ReadonlyMap<string, string> = new Map(
  [
    'Ref',
    'Condition',
    'Base64',
    'Cidr',
    'FindInMap',
    'GetAtt',
    'GetAZs',
    'ImportValue',
    'Join',
    'Select',
    'Split',
    'Sub',
    'Transform',
    'And',
    'Equals',
    'If',
    'Not',
    'Or',
    'ToJsonString',
    'Length',
    'Contains',
    'EachMemberEquals',
    'EachMemberIn',
    'RefAll',
    'ValueOf',
    'ValueOfAll',
    'ForEach',
  ].map((name) => [`!${name}`, name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`]),
);

// Identity resolvers keep each tagged node, with its range, in the AST.
const customTags: (ScalarTag | CollectionTag)[] = [...CFN_TAGS.keys()].flatMap((tag) => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq' as const, resolve: (value: unknown) => value as never },
  { tag, collection: 'map' as const, resolve: (value: unknown) => value as never },
]);

/** Parses YAML (first document only, as CloudFormation does) into the located tree. Never throws. */
export function parseYaml(text: string): ParsedDocument {
  return parse(text, true);
}

function parse(text: string, keepPrefix: boolean): ParsedDocument {
  let syntax: ReturnType<typeof parseYamlSyntax>;
  try {
    syntax = parseYamlSyntax(text);
  } catch (error) {
    return failed(text, [], error);
  }
  if (syntax.tooDeep) {
    // Keep what comes before the runaway nesting, so the document can still be classified. The
    // prefix nests no deeper (the parser reads it the same way), but it is not cut again.
    const prefix = keepPrefix ? parse(text.slice(0, syntax.tooDeep.start), false) : undefined;
    return { text, format: 'yaml', root: prefix?.root, problems: [syntax.tooDeep] };
  }

  const problems: ParseProblem[] = [];
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    problems.push({
      code: 'parse-error',
      message: `Control character U+${code} is not allowed in YAML.`,
      start: control.index,
      end: control.index + 1,
    });
  }
  let doc: Document.Parsed | undefined;
  try {
    doc = compose(syntax.tokens, text.length);
  } catch (error) {
    return failed(text, problems, error);
  }
  for (const error of doc.errors) {
    const start = Math.min(error.pos[0], text.length);
    const end = Math.max(Math.min(error.pos[1], text.length), start + 1);
    problems.push({ code: 'parse-error', message: firstLine(error.message), start, end });
  }
  const converter = new Converter(text, problems);
  const root = doc.contents ? converter.convert(doc.contents, undefined, 0) : undefined;
  return { text, format: 'yaml', root, problems: problems.sort((a, b) => a.start - b.start) };
}

/** The first document of the syntax tree, as `parseDocument` composes it. */
function compose(tokens: readonly CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({ customTags, uniqueKeys: false, strict: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // `compose` with `forceDoc` always yields a document.
  return doc as Document.Parsed;
}

/** The parser is not expected to throw, but a document must never take the engine down. */
function failed(text: string, problems: ParseProblem[], error: unknown): ParsedDocument {
  problems.push({
    code: 'parse-error',
    message: `The YAML parser failed: ${error instanceof Error ? error.message : String(error)}`,
    start: 0,
    end: Math.min(1, text.length),
  });
  return { text, format: 'yaml', root: undefined, problems };
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.endsWith('.') ? line : `${line}.`;
}

class Converter {
  constructor(
    private readonly text: string,
    private readonly problems: ParseProblem[],
  ) {}

  convert(node: unknown, parent: ObjectNode | ArrayNode | undefined, depth: number): Node {
    if (isAlias(node)) return this.convertAlias(node, parent);
    const yamlNode = node as YamlNode;
    const [start, end] = yamlNode.range ?? [0, 0];
    if (depth > MAX_NESTING) {
      this.problems.push({
        code: 'parse-error',
        message: `Nesting is deeper than ${MAX_NESTING} levels; the rest was not analysed.`,
        start,
        end: Math.max(end, start + 1),
      });
      return scalarNode(start, end, parent, null);
    }
    const intrinsic = yamlNode.tag ? CFN_TAGS.get(yamlNode.tag) : undefined;
    if (intrinsic) return this.convertTagged(yamlNode, intrinsic, parent, depth);
    return this.convertPlain(yamlNode, start, end, parent, depth);
  }

  /**
   * Aliases are left unresolved, as an unknown value: CloudFormation does not expand them, and
   * expanding them here would let a small document explode (the "billion laughs" pattern).
   */
  private convertAlias(alias: Alias, parent: ObjectNode | ArrayNode | undefined): Node {
    const [start, end] = alias.range ?? [0, 0];
    return scalarNode(start, end, parent, null);
  }

  /** `!Sub x` becomes `{"Fn::Sub": x}`, located from the tag to the end of the value. */
  private convertTagged(
    node: YamlNode,
    key: string,
    parent: ObjectNode | ArrayNode | undefined,
    depth: number,
  ): Node {
    const tag = node.tag ?? '';
    const [valueStart, end] = node.range ?? [0, 0];
    const tagStart = this.findTagStart(tag, valueStart);
    const object = objectNode(tagStart, end, parent, tag);
    const keyNode = stringNode(tagStart, tagStart + tag.length, object, key, false);
    const value = this.convertPlain(node, valueStart, end, object, depth + 1);
    addProperty(object, keyNode, value, tagStart, end);
    return object;
  }

  private findTagStart(tag: string, valueStart: number): number {
    let i = valueStart;
    while (i > 0 && /\s/.test(this.text[i - 1] ?? '')) i--;
    return this.text.slice(i - tag.length, i) === tag ? i - tag.length : valueStart;
  }

  private convertPlain(
    node: YamlNode,
    start: number,
    end: number,
    parent: ObjectNode | ArrayNode | undefined,
    depth: number,
  ): Node {
    if (isMap(node)) {
      const object = objectNode(start, end, parent);
      const keys = new KeyTracker(this.problems, 'mapping');
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyStart = keyNode?.range?.[0] ?? start;
        const keyEnd = keyNode?.range?.[1] ?? start;
        const quoted = isScalar(keyNode) && keyNode.type !== 'PLAIN';
        const key = stringNode(
          keyStart,
          keyEnd,
          object,
          isScalar(keyNode) ? String(keyNode.value) : '',
          quoted,
        );
        // A key the parser could not read (null, or a collection made of broken lines) has no
        // name to repeat: counting it would report every broken line as a duplicate of the last.
        if (isScalar(keyNode)) keys.add(key);
        const hasValue = pair.value !== null && pair.value !== undefined;
        const value = hasValue ? this.convert(pair.value, object, depth + 1) : undefined;
        addProperty(object, key, value, keyStart, Math.max(keyEnd, value?.end ?? keyEnd));
      }
      return object;
    }
    if (isSeq(node)) {
      const array = arrayNode(start, end, parent);
      for (const item of node.items) {
        if (item !== null && item !== undefined)
          array.items.push(this.convert(item, array, depth + 1));
      }
      return array;
    }
    const value = isScalar(node) ? node.value : null;
    if (typeof value === 'string')
      return stringNode(start, end, parent, value, isScalar(node) && node.type !== 'PLAIN');
    if (typeof value === 'number' || typeof value === 'bigint')
      return scalarNode(start, end, parent, Number(value));
    if (typeof value === 'boolean' || value === null || value === undefined) {
      return scalarNode(start, end, parent, value ?? null);
    }
    return stringNode(start, end, parent, String(value), false);
  }
}
