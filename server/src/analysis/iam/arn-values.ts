/**
 * The pieces of an ARN as a policy or a template writes it: IAM policy variables, and in
 * templates `Fn::Sub`, `Fn::Join`, `Fn::GetAtt X.Arn` and `Ref X` resolved as far as is sound
 * (a template resource of a known type names an ARN of its resource type; anything else is a hole
 * that may hold anything).
 */
import { getValue, stringValue, type Node } from '../document';
import type { Template } from '../model';
import { intrinsicName } from '../model/values';
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

function subPieces(
  catalog: Catalog,
  template: Template | undefined,
  text: string,
  variables: Node | undefined,
): ArnPiece[] {
  const pieces: ArnPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match.index > last) pieces.push({ kind: 'text', text: text.slice(last, match.index) });
    last = match.index + match[0].length;
    const name = (match[1] ?? '').trim();
    if (name.startsWith('!')) {
      // `${!Literal}` writes `${Literal}`, which IAM then reads as a policy variable.
      pieces.push(...policyStringPieces(`\${${name.slice(1)}}`));
      continue;
    }
    if (FIELD_PSEUDO.has(name)) {
      pieces.push(hole(match[0], PSEUDO_TOKENS, false));
      continue;
    }
    const bound = variables?.kind === 'object' ? getValue(variables, name) : undefined;
    const dot = name.indexOf('.');
    const resolved = bound
      ? arnPieces(catalog, template, bound)
      : dot > 0
        ? name.slice(dot + 1) === 'Arn'
          ? optional(resourceArnHole(catalog, template, name.slice(0, dot), 'Arn', match[0]))
          : undefined
        : optional(resourceArnHole(catalog, template, name, 'Ref', match[0]));
    pieces.push(...(resolved ?? [hole(match[0], [ANY_RUN], true)]));
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}

function optional(piece: ArnPiece | undefined): ArnPiece[] | undefined {
  return piece ? [piece] : undefined;
}

/**
 * The pieces of a `Resource` or `Principal` value: a string, or in templates `Fn::Sub`,
 * `Fn::Join`, and `Fn::GetAtt X.Arn` / `Ref X` for resources whose ARN type is known. Undefined
 * when the value cannot be known (parameters, imports, dynamic references).
 */
export function arnPieces(
  catalog: Catalog,
  template: Template | undefined,
  node: Node,
): ArnPiece[] | undefined {
  if (node.kind === 'string') {
    return node.value.includes('{{resolve:') ? undefined : policyStringPieces(node.value);
  }
  const intrinsic = intrinsicName(node);
  const args = intrinsic ? getValue(node, intrinsic) : undefined;
  if (intrinsic === 'Fn::Sub') {
    const text = stringValue(args?.kind === 'array' ? args.items[0] : args);
    if (text === undefined || text.includes('{{resolve:')) return undefined;
    return subPieces(catalog, template, text, args?.kind === 'array' ? args.items[1] : undefined);
  }
  if (intrinsic === 'Fn::GetAtt') {
    const target =
      args?.kind === 'array'
        ? [stringValue(args.items[0]), stringValue(args.items[1])]
        : (stringValue(args)?.split('.') ?? []);
    if (target.length !== 2 || target[1] !== 'Arn' || !target[0]) return undefined;
    return optional(resourceArnHole(catalog, template, target[0], 'Arn', `${target[0]}.Arn`));
  }
  if (intrinsic === 'Ref') {
    const name = stringValue(args);
    if (name && FIELD_PSEUDO.has(name)) return [hole(name, PSEUDO_TOKENS, false)];
    return name ? optional(resourceArnHole(catalog, template, name, 'Ref', name)) : undefined;
  }
  if (intrinsic === 'Fn::Join' && args?.kind === 'array') {
    const delimiter = stringValue(args.items[0]);
    const list = args.items[1];
    if (delimiter === undefined || list?.kind !== 'array') return undefined;
    const pieces: ArnPiece[] = [];
    list.items.forEach((item, i) => {
      if (i > 0 && delimiter !== '') pieces.push({ kind: 'text', text: delimiter });
      pieces.push(...(arnPieces(catalog, template, item) ?? [hole('…', [ANY_RUN], true)]));
    });
    return pieces;
  }
  return undefined;
}
