/**
 * The pieces of an ARN as a policy or a template writes it: IAM policy variables, and in
 * templates whatever the intrinsic resolver (`model/intrinsics.ts`) knows (a template resource of
 * a known type names an ARN of its resource type; anything else is a hole that may hold anything).
 */
import type { Node } from '../document';
import { factKind, type DocumentModel, type Template } from '../model';
import { resolveValue, type HoleSegment, type Resolved } from '../model/intrinsics';
import type { ArnPiece } from './arn';
import { ANY_RUN, FIELD_RUN, formatTokens, literalTokens, type Token } from './arn-match';
import type { Catalog } from './catalog';
import { arnFormat, templateArnType } from './targets';

function hole(label: string, tokens: readonly Token[], colons: boolean): ArnPiece {
  return { kind: 'hole', label, tokens, colons };
}

/**
 * The pieces of a policy string: `${aws:username}` and other policy variables are holes, and the
 * escapes `${*}`, `${?}`, `${$}` stand for the literal characters.
 */
export function policyStringPieces(text: string): ArnPiece[] {
  const pieces: ArnPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match.index > last) pieces.push({ kind: 'text', text: text.slice(last, match.index) });
    const inner = match[1] ?? '';
    pieces.push(
      inner === '*' || inner === '?' || inner === '$'
        ? hole(match[0], literalTokens(inner, false), false)
        : hole(match[0], [ANY_RUN], true),
    );
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}

/** A hole standing for the ARN of a template resource of a known IAM resource type. */
function resourceArnHole(
  catalog: Catalog,
  template: Template | undefined,
  name: string,
  via: 'Arn' | 'Ref',
  label: string,
): ArnPiece | undefined {
  const resource = template?.resources.get(name);
  const type = resource && templateArnType(resource.type, via);
  const format = type && arnFormat(catalog, `${type.service}/${type.type}`);
  return format ? hole(label, formatTokens(format), true) : undefined;
}

const FIELD_PSEUDO = new Set(['AWS::Partition', 'AWS::Region', 'AWS::AccountId']);
/** A pseudo parameter fills one part of an ARN, and is never empty. */
const PSEUDO_TOKENS: readonly Token[] = [{ set: 'no-colon', loop: false }, FIELD_RUN];

/** The ARN piece for one hole of a resolved value; undefined when nothing is known of it. */
function holePiece(
  catalog: Catalog,
  template: Template | undefined,
  segment: HoleSegment,
): ArnPiece | undefined {
  const source = segment.source;
  if (source.kind === 'pseudo' && FIELD_PSEUDO.has(source.name))
    return hole(segment.label, PSEUDO_TOKENS, false);
  if (source.kind === 'resource' && (source.attribute === undefined || source.attribute === 'Arn'))
    return resourceArnHole(
      catalog,
      template,
      source.name,
      source.attribute === undefined ? 'Ref' : 'Arn',
      segment.label,
    );
  return undefined;
}

/** The pieces of one resolved alternative; undefined when it is unknown as a whole. */
function resolvedPieces(
  catalog: Catalog,
  template: Template | undefined,
  resolved: Resolved,
): ArnPiece[] | undefined {
  const segments = resolved.segments;
  // A dynamic reference is read at deploy time from SSM or Secrets Manager: the value is unknown.
  if (
    segments.some(
      (s) =>
        s.kind === 'hole' && s.source.kind === 'unknown' && s.source.reason === 'dynamic reference',
    )
  )
    return undefined;
  const only = segments.length === 1 ? segments[0] : undefined;
  // A lone parameter, import or attribute of unknown shape says nothing about the ARN.
  if (only?.kind === 'hole') {
    const piece = holePiece(catalog, template, only);
    return piece ? [piece] : undefined;
  }
  const pieces: ArnPiece[] = [];
  for (const segment of segments) {
    if (segment.kind === 'text') pieces.push(...policyStringPieces(segment.text));
    else pieces.push(holePiece(catalog, template, segment) ?? hole(segment.label, [ANY_RUN], true));
  }
  return pieces;
}

/**
 * The pieces of each alternative of a `Resource` or `Principal` value: a string, or in templates
 * any value the intrinsic resolver reads (`Fn::Sub`, `Fn::Join`, `Fn::FindInMap`, `Fn::If`
 * branches, `Fn::GetAtt X.Arn` and `Ref X` for resources whose ARN type is known). Alternatives
 * that cannot be known (parameters, imports, dynamic references) are left out. Parameter defaults
 * are not used: the deployer may pass another value.
 */
export function arnAlternatives(
  catalog: Catalog,
  model: Pick<DocumentModel, 'template' | 'facts'>,
  node: Node,
): readonly ArnPiece[][] {
  // invalid-arn, action-resource-mismatch and others read the same values: remember the answer
  // per node in the document's facts (a document is analysed with one catalog).
  return model.facts.get(ARN_ALTERNATIVES, node, () => {
    const result: ArnPiece[][] = [];
    for (const resolved of resolveValue(node, { template: model.template, defaults: false })) {
      const pieces = resolvedPieces(catalog, model.template, resolved);
      if (pieces) result.push(pieces);
    }
    return result;
  });
}

const ARN_ALTERNATIVES = factKind<Node, readonly ArnPiece[][]>('ARN alternatives');
