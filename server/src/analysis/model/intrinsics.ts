/**
 * One resolver for CloudFormation intrinsic functions, shared by every rule. A value resolves to
 * the alternatives it may take (one per `Fn::If` branch), each a list of segments: literal text,
 * and holes for what only the deployed stack knows (pseudo parameters, resource names and
 * attributes, imports, ...). `!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'` becomes the text
 * `arn:`, a partition hole, the text `:s3:::`, a hole for the bucket's name and the text `/*`.
 *
 * Parameter defaults are substituted, but marked (`fromDefault`, `TextSegment.parameter`): the
 * deployer may override them, so rules must not accuse the author of what only a default says,
 * and never rewrite the `Ref` as if it were that text. How the rules use them:
 * - ARN shape rules (invalid-arn, action-resource-mismatch) resolve with `defaults: false`:
 *   `Default: ""` is how optional parameters are written, and judging it raised only false alarms
 *   on the corpus. So do passrole-unscoped, role accounts, KMS keys and bucket policy coverage.
 * - Over-broad rules judge `LocatedValue.value`, the literal in place: `Resource: !Ref P` whose
 *   default is `*` is not reported, and no fix ever edits it.
 * - hardcoded-credential reports the default of a parameter that a credential property uses
 *   whole (`defaultOf`): there the default itself is the secret written into the template.
 */
import { getValue, stringValue, type Node } from '../document';
import { factKind } from './facts';
import type { Template } from './resources';
import { intrinsicName, isNoValue, stringItems, type LocatedValue } from './values';

/** The pseudo parameters CloudFormation fills in; each is a hole, never a concrete value. */
export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::URLSuffix',
  'AWS::NotificationARNs',
]);

/**
 * What `Ref` returns for common resource types: only the shape matters (an S3 bucket's `Ref` is
 * its name, an SNS topic's is its ARN, an SQS queue's is its URL). Types not listed are unknown.
 */
export type RefShape = 'arn' | 'name' | 'id' | 'url';
const REF_SHAPES: ReadonlyMap<string, RefShape> = new Map<string, RefShape>([
  ...[
    'AWS::SNS::Topic',
    'AWS::SecretsManager::Secret',
    'AWS::StepFunctions::StateMachine',
    'AWS::StepFunctions::Activity',
    'AWS::IAM::ManagedPolicy',
    'AWS::CloudFormation::Stack',
    'AWS::ECS::TaskDefinition',
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    'AWS::ElasticLoadBalancingV2::TargetGroup',
    'AWS::ElasticLoadBalancingV2::Listener',
    'AWS::CertificateManager::Certificate',
    'AWS::Batch::JobQueue',
    'AWS::Batch::JobDefinition',
  ].map((type) => [type, 'arn'] as const),
  ...[
    'AWS::S3::Bucket',
    'AWS::IAM::Role',
    'AWS::IAM::User',
    'AWS::IAM::Group',
    'AWS::IAM::InstanceProfile',
    'AWS::Lambda::Function',
    'AWS::Serverless::Function',
    'AWS::DynamoDB::Table',
    'AWS::Logs::LogGroup',
    'AWS::CodeBuild::Project',
    'AWS::CodePipeline::Pipeline',
    'AWS::CodeDeploy::Application',
    'AWS::ECR::Repository',
    'AWS::ECS::Cluster',
    'AWS::Kinesis::Stream',
  ].map((type) => [type, 'name'] as const),
  ['AWS::KMS::Key', 'id'],
  ['AWS::CodeCommit::Repository', 'id'],
  ['AWS::SQS::Queue', 'url'],
]);

/** What `Ref` of a resource type returns, when known. */
export function refShape(type: string): RefShape | undefined {
  return REF_SHAPES.get(type);
}

/** What fills a hole. */
export type HoleSource =
  /** A pseudo parameter (`AWS::Region`, ...). */
  | { readonly kind: 'pseudo'; readonly name: string }
  /**
   * A template resource: what its `Ref` returns (`attribute` undefined: a name or id for most
   * types, e.g. an S3 bucket's name) or one of its `Fn::GetAtt` attributes.
   */
  | {
      readonly kind: 'resource';
      readonly name: string;
      readonly type: string;
      readonly attribute: string | undefined;
    }
  /** A template parameter whose default is absent, unusable or not asked for. */
  | { readonly kind: 'parameter'; readonly name: string }
  /** Anything else: imports, `Fn::Select`, dynamic references, names the template lacks, ... */
  | { readonly kind: 'unknown'; readonly reason: string };

export interface TextSegment {
  readonly kind: 'text';
  readonly text: string;
  /** Set when the text is the default of this parameter (the deployer may pass another value). */
  readonly parameter?: string;
}

export interface HoleSegment {
  readonly kind: 'hole';
  /** How the template writes it: `${Bucket}`, `Bucket`, `Role.Arn`, `AWS::Region`, `Fn::ImportValue`. */
  readonly label: string;
  readonly source: HoleSource;
}

export type Segment = TextSegment | HoleSegment;

/** One alternative of a value. */
export interface Resolved {
  /** The node written in the document (never edit it as if it were `text`). */
  readonly node: Node;
  readonly segments: readonly Segment[];
  /** The whole value, when every segment is text (literal, mapping values or defaults). */
  readonly text: string | undefined;
  /** Some part came from a parameter default, which the deployer may override. */
  readonly fromDefault: boolean;
}

export interface ResolveOptions {
  /** Resources, parameters and mappings; without it every `Ref` and `Fn::GetAtt` is unknown. */
  readonly template?: Template;
  /** Substitute parameter defaults (marked); otherwise a parameter is a hole. Default true. */
  readonly defaults?: boolean;
}

/** Beyond this many alternatives (nested `Fn::If` in a `Fn::Join`) a value is unknown. */
const MAX_ALTERNATIVES = 16;
/** Deeper nesting than this is unknown (and stops reference cycles in odd documents). */
const MAX_DEPTH = 12;

interface Alternative {
  segments: Segment[];
  fromDefault: boolean;
}

/**
 * Every alternative a value may take, resolved as far as is sound. `AWS::NoValue` has none; a
 * value that cannot be known is one alternative made of one hole. Never throws.
 */
export function resolveValue(
  node: Node | undefined,
  options: ResolveOptions = {},
): readonly Resolved[] {
  if (node === undefined) return [];
  const resolve = () => resolveNode(node, options, 0).map((alt) => finish(node, alt));
  // Several rules resolve the same values (ARNs, role references): remember each answer per node
  // and defaults setting in the template's facts. Without a template there is nothing to look up.
  const facts = options.template?.facts;
  if (facts === undefined) return resolve();
  return facts.get(options.defaults === false ? RESOLVED_LITERAL : RESOLVED, node, resolve);
}

const RESOLVED = factKind<Node, readonly Resolved[]>('resolved values');
const RESOLVED_LITERAL = factKind<Node, readonly Resolved[]>('resolved values, no defaults');

/** `literal`: all text; `unknown`: no text at all; `pattern`: text with holes. */
export function resolvedKind(resolved: Resolved): 'literal' | 'pattern' | 'unknown' {
  if (resolved.text !== undefined) return 'literal';
  return resolved.segments.some((s) => s.kind === 'text' && s.text !== '') ? 'pattern' : 'unknown';
}

/** The value with each hole written as `${label}` (the `Fn::Sub` spelling). */
export function patternText(resolved: Resolved): string {
  return resolved.segments
    .map((s) => (s.kind === 'text' ? s.text : `\${${s.label.replace(/^\$\{(.*)\}$/, '$1')}}`))
    .join('');
}

/** The value with each hole written as `*`, for glob matching (`arn:*:s3:::*`). */
export function globText(resolved: Resolved): string {
  return resolved.segments.map((s) => (s.kind === 'text' ? s.text : '*')).join('');
}

/** The parameter whose default is the whole value (`!Ref P`, `!Sub '${P}'`), if it is one. */
export function defaultOf(resolved: Resolved): string | undefined {
  const only = resolved.segments.length === 1 ? resolved.segments[0] : undefined;
  return only?.kind === 'text' ? only.parameter : undefined;
}

function finish(node: Node, alternative: Alternative): Resolved {
  const segments = alternative.segments;
  const allText = segments.every((s) => s.kind === 'text');
  return {
    node,
    segments,
    text: allText ? segments.map((s) => (s as TextSegment).text).join('') : undefined,
    fromDefault: alternative.fromDefault,
  };
}

function one(...segments: Segment[]): Alternative[] {
  return [{ segments, fromDefault: false }];
}

function unknown(label: string, reason = label): Alternative[] {
  return one({ kind: 'hole', label, source: { kind: 'unknown', reason } });
}

function resolveNode(node: Node, options: ResolveOptions, depth: number): Alternative[] {
  if (depth > MAX_DEPTH) return unknown('…', 'too deep');
  switch (node.kind) {
    case 'string':
      return [{ segments: textSegments(node.value), fromDefault: false }];
    case 'number':
    case 'boolean':
      return one({ kind: 'text', text: String(node.value) });
    case 'null':
    case 'array':
      return unknown('…', 'not a string');
    case 'object':
      break;
  }
  const name = intrinsicName(node);
  if (name === undefined || isNoValue(node))
    return name === undefined ? unknown('…', 'object') : [];
  const args = getValue(node, name);
  switch (name) {
    case 'Ref': {
      const target = stringValue(args);
      return target === undefined ? unknown('Ref') : reference(target, target, options);
    }
    case 'Fn::GetAtt':
      return getAtt(args, options);
    case 'Fn::Sub':
      return sub(args, options, depth);
    case 'Fn::Join':
      return join(args, options, depth);
    case 'Fn::FindInMap':
      return findInMap(args, options, depth);
    case 'Fn::If': {
      if (args?.kind !== 'array' || args.items.length !== 3) return unknown(name);
      const branches = [args.items[1], args.items[2]].flatMap((branch) =>
        branch ? resolveNode(branch, options, depth + 1) : [],
      );
      return branches.length > MAX_ALTERNATIVES ? unknown(name, 'too many alternatives') : branches;
    }
    default:
      // Fn::ImportValue, Fn::Select, Fn::Split, Fn::Base64, Fn::GetAZs, ...: known only when deployed.
      return unknown(name);
  }
}

/** A string's text, with dynamic references (`{{resolve:...}}`) as holes: they are not literals. */
function textSegments(text: string): Segment[] {
  if (!text.includes('{{resolve:')) return [{ kind: 'text', text }];
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{resolve:[^}]*\}\}/g)) {
    if (match.index > last) segments.push({ kind: 'text', text: text.slice(last, match.index) });
    segments.push({
      kind: 'hole',
      label: match[0],
      source: { kind: 'unknown', reason: 'dynamic reference' },
    });
    last = match.index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** What `Ref name` (or `${name}` in `Fn::Sub`) stands for. */
function reference(name: string, label: string, options: ResolveOptions): Alternative[] {
  if (PSEUDO_PARAMETERS.has(name))
    return one({ kind: 'hole', label, source: { kind: 'pseudo', name } });
  const template = options.template;
  const parameter = template?.parameters.get(name);
  if (parameter) {
    const text = options.defaults === false ? undefined : defaultText(parameter);
    return text === undefined
      ? one({ kind: 'hole', label, source: { kind: 'parameter', name } })
      : [{ segments: [{ kind: 'text', text, parameter: name }], fromDefault: true }];
  }
  const resource = template?.resources.get(name);
  if (resource) {
    return one({
      kind: 'hole',
      label,
      source: { kind: 'resource', name, type: resource.type, attribute: undefined },
    });
  }
  return unknown(label, template ? 'undefined name' : 'Ref');
}

/**
 * The default of a `String` or `Number` parameter. List parameters are not strings, and the
 * default of an `AWS::SSM::Parameter::Value<...>` parameter is the SSM parameter's name, not the
 * value the stack receives.
 */
function defaultText(parameter: Node): string | undefined {
  const type = stringValue(getValue(parameter, 'Type')) ?? 'String';
  if (type !== 'String' && type !== 'Number') return undefined;
  const value = getValue(parameter, 'Default');
  if (value?.kind === 'string') return value.value;
  if (value?.kind === 'number') return String(value.value);
  return undefined;
}

function getAtt(args: Node | undefined, options: ResolveOptions): Alternative[] {
  let name: string | undefined;
  let attribute: string | undefined;
  if (args?.kind === 'array') {
    name = stringValue(args.items[0]);
    attribute = stringValue(args.items[1]);
  } else if (args?.kind === 'string') {
    // `Name.Attr`; attributes may themselves hold dots (`Endpoint.Address`).
    const dot = args.value.indexOf('.');
    if (dot > 0) {
      name = args.value.slice(0, dot);
      attribute = args.value.slice(dot + 1);
    }
  }
  if (!name || !attribute) return unknown('Fn::GetAtt');
  return attributeHole(name, attribute, `${name}.${attribute}`, options);
}

function attributeHole(
  name: string,
  attribute: string,
  label: string,
  options: ResolveOptions,
): Alternative[] {
  const resource = options.template?.resources.get(name);
  if (!resource) return unknown(label, 'Fn::GetAtt');
  return one({
    kind: 'hole',
    label,
    source: { kind: 'resource', name, type: resource.type, attribute },
  });
}

/** `Fn::Sub` in both forms: a string, or `[string, {Name: value}]`. */
function sub(args: Node | undefined, options: ResolveOptions, depth: number): Alternative[] {
  const textNode = args?.kind === 'array' ? args.items[0] : args;
  const variables = args?.kind === 'array' ? args.items[1] : undefined;
  if (textNode?.kind !== 'string') return unknown('Fn::Sub');
  const text = textNode.value;
  const parts: Alternative[][] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match.index > last) parts.push(one(...textSegments(text.slice(last, match.index))));
    last = match.index + match[0].length;
    const name = (match[1] ?? '').trim();
    if (name.startsWith('!')) {
      // `${!Literal}` writes `${Literal}` (an IAM policy variable, usually).
      parts.push(one({ kind: 'text', text: `\${${name.slice(1)}}` }));
      continue;
    }
    const bound = variables?.kind === 'object' ? getValue(variables, name) : undefined;
    const dot = name.indexOf('.');
    parts.push(
      bound
        ? resolveNode(bound, options, depth + 1)
        : dot > 0
          ? attributeHole(name.slice(0, dot), name.slice(dot + 1), match[0], options)
          : reference(name, match[0], options),
    );
  }
  if (last < text.length) parts.push(one(...textSegments(text.slice(last))));
  return concatenate(parts, '');
}

/** `Fn::Join [delimiter, [items]]` with a literal delimiter and a written list. */
function join(args: Node | undefined, options: ResolveOptions, depth: number): Alternative[] {
  if (args?.kind !== 'array') return unknown('Fn::Join');
  const delimiter = args.items[0];
  const list = args.items[1];
  // A list from an intrinsic (`Fn::Split`, a list parameter, `Fn::GetAZs`) has unknown items.
  if (delimiter?.kind !== 'string' || list?.kind !== 'array') return unknown('Fn::Join');
  const parts: Alternative[][] = [];
  for (const item of list.items) {
    // An `AWS::NoValue` item is dropped from the list.
    if (isNoValue(item)) continue;
    const itemAlternatives = resolveNode(item, options, depth + 1);
    parts.push(itemAlternatives.length > 0 ? itemAlternatives : unknown('…', 'empty branch'));
  }
  return concatenate(parts, delimiter.value);
}

/** `Fn::FindInMap [map, key, key]` where every name resolves to known text. */
function findInMap(args: Node | undefined, options: ResolveOptions, depth: number): Alternative[] {
  const mappings = options.template && getValue(options.template.root, 'Mappings');
  if (args?.kind !== 'array' || args.items.length < 3 || mappings?.kind !== 'object')
    return unknown('Fn::FindInMap');
  let current: Node | undefined = mappings;
  let fromDefault = false;
  for (const key of args.items.slice(0, 3)) {
    const alternatives = key ? resolveNode(key, options, depth + 1) : [];
    const only = alternatives.length === 1 ? alternatives[0] : undefined;
    if (!only || !only.segments.every((s) => s.kind === 'text'))
      return unknown('Fn::FindInMap', 'key not literal');
    fromDefault ||= only.fromDefault;
    current = getValue(current, only.segments.map((s) => (s as TextSegment).text).join(''));
  }
  if (current?.kind === 'string' || current?.kind === 'number' || current?.kind === 'boolean') {
    const text = current.kind === 'string' ? current.value : String(current.value);
    return [{ segments: textSegments(text), fromDefault }];
  }
  return unknown('Fn::FindInMap', 'no such entry');
}

/** The concatenation of parts, each with its alternatives, joined by a delimiter. */
function concatenate(parts: readonly Alternative[][], delimiter: string): Alternative[] {
  let result: Alternative[] = [{ segments: [], fromDefault: false }];
  for (const [i, alternatives] of parts.entries()) {
    if (result.length * alternatives.length > MAX_ALTERNATIVES)
      return unknown('…', 'too many alternatives');
    const next: Alternative[] = [];
    for (const prefix of result) {
      for (const alternative of alternatives) {
        // One way on: extend the prefix in place (each prefix's list is its own); copying it for
        // every part would make a long `Fn::Sub` or `Fn::Join` quadratic in its parts.
        const segments = alternatives.length === 1 ? prefix.segments : [...prefix.segments];
        if (i > 0 && delimiter !== '') push(segments, { kind: 'text', text: delimiter });
        for (const segment of alternative.segments) push(segments, segment);
        next.push({ segments, fromDefault: prefix.fromDefault || alternative.fromDefault });
      }
    }
    result = next;
  }
  return result;
}

/** Appends a segment, merging plain text into plain text (default-derived text stays apart). */
function push(segments: Segment[], segment: Segment): void {
  if (segment.kind === 'text' && segment.text === '') return;
  const last = segments[segments.length - 1];
  if (
    segment.kind === 'text' &&
    last?.kind === 'text' &&
    last.parameter === undefined &&
    segment.parameter === undefined
  ) {
    segments[segments.length - 1] = { kind: 'text', text: last.text + segment.text };
    return;
  }
  segments.push(segment);
}

/**
 * A value with what the intrinsic resolver makes of it. `value` stays the literal written in
 * place (the only thing a fix may edit); `resolved` holds every alternative the value may take,
 * with `Ref`, `Fn::Sub`, `Fn::Join`, `Fn::FindInMap`, ... resolved as far as is sound.
 */
export interface ResolvedValue extends LocatedValue {
  readonly resolved: readonly Resolved[];
}

/** {@link stringItems}, each with its resolved alternatives. */
export function resolvedItems(
  node: Node | undefined,
  options: ResolveOptions = {},
): ResolvedValue[] {
  // Most readers want only the literal `value`: resolve an item when `resolved` is first read.
  return stringItems(node).map(
    (item) =>
      Object.defineProperty(item, 'resolved', {
        enumerable: true,
        get: () => resolveValue(item.node, options),
      }) as ResolvedValue,
  );
}
