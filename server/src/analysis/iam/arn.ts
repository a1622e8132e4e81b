/**
 * ARNs as written in policies: parsed into parts, checked against the partitions, the service
 * namespaces and the per-resource-type formats of the catalog, and matched against resource types.
 * An ARN is a list of pieces: literal text (where `*` and `?` are IAM wildcards) and holes (policy
 * variables, CloudFormation substitutions), so that a value the engine cannot know is never judged.
 */
import {
  FIELD_RUN,
  ANY_RUN,
  formatTokens,
  knownNamespace,
  namespaceResourceTypes,
  tokensIntersect,
  type ServiceResourceType,
  type Token,
} from './arn-match';
import type { Catalog } from './catalog';
import { globMatches } from './glob';

export type ArnPiece =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'hole';
      /** As written, such as `${aws:username}` or `${Bucket.Arn}`. */
      readonly label: string;
      readonly tokens: readonly Token[];
      /** Whether the value may contain colons, which makes the parts after it uncertain. */
      readonly colons: boolean;
    };

export const PARTITIONS: readonly string[] = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
];

const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^(\d{12}|aws)$/;
const WILDCARD = /[*?]/;

/**
 * The pieces as tokens for matching. Loosely (for rules, which must not report what could match),
 * every wildcard may cross colons, as the IAM documentation allows for a `*` that ends a part.
 * Scoped (for hover, which shows the likely reading), a wildcard stays inside its part
 * (partition, service, Region, account), except in the resource part and at the very end.
 */
export function piecesTokens(pieces: readonly ArnPiece[], scoped = false): Token[] {
  const tokens: Token[] = [];
  let colons = 0;
  let uncertain = false;
  pieces.forEach((piece, index) => {
    if (piece.kind === 'hole') {
      tokens.push(...piece.tokens);
      uncertain ||= piece.colons;
      return;
    }
    const last = index === pieces.length - 1;
    for (let k = 0; k < piece.text.length; k++) {
      const char = piece.text.charAt(k);
      const free = !scoped || uncertain || colons >= 5 || (last && k === piece.text.length - 1);
      if (char === ':') colons++;
      if (char === '*') tokens.push(free ? ANY_RUN : FIELD_RUN);
      else if (char === '?') tokens.push({ set: free ? 'any' : 'no-colon', loop: false });
      else tokens.push({ set: char.toLowerCase(), loop: false });
    }
  });
  return tokens;
}

/** Whether the value is entirely literal (no variables or substitutions). */
function literalText(pieces: readonly ArnPiece[]): string | undefined {
  return pieces.every((p) => p.kind === 'text')
    ? pieces.map((p) => (p.kind === 'text' ? p.text : '')).join('')
    : undefined;
}

interface Field {
  readonly pieces: ArnPiece[];
  /** The text when the field is all literal. */
  readonly text: string | undefined;
}

interface Fields {
  readonly fields: readonly Field[];
  /** Fields from this index on have uncertain boundaries (a hole may hold colons). */
  readonly open: number;
}

function splitFields(pieces: readonly ArnPiece[]): Fields {
  const raw: ArnPiece[][] = [[]];
  let open = Number.POSITIVE_INFINITY;
  for (const piece of pieces) {
    if (piece.kind === 'hole') {
      raw[raw.length - 1]?.push(piece);
      if (piece.colons) open = Math.min(open, raw.length - 1);
      continue;
    }
    piece.text.split(':').forEach((segment, i) => {
      if (i > 0) raw.push([]);
      if (segment !== '') raw[raw.length - 1]?.push({ kind: 'text', text: segment });
    });
  }
  const fields = raw.map((p) => ({ pieces: p, text: literalText(p) }));
  return { fields, open: Math.min(open, fields.length) };
}

/** The parts of an ARN written as literal text (for hover). */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits a literal ARN string into its parts; undefined when it has fewer than six. */
export function parseArn(text: string): ArnParts | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

const SHAPE = 'arn:partition:service:region:account:resource';

/**
 * Services whose catalog formats cover every ARN their policies use, so that an ARN fitting none
 * of them is wrong. Elsewhere the catalog misses real shapes that AWS's own managed policies use
 * (`arn:aws:apigateway:*::/apis`, `arn:aws:waf::*:changetoken/*`, Backup's recovery points), and
 * an ARN is only checked part by part.
 */
const COMPLETE_FORMATS = new Set([
  'iam',
  's3',
  'sqs',
  'sns',
  'kms',
  'lambda',
  'dynamodb',
  'ecr',
  'codebuild',
  'codepipeline',
  'codecommit',
  'states',
]);

/**
 * What is wrong with a `Resource`/`NotResource` value, as a message; undefined when it is fine or
 * cannot be known. With wildcards or holes, a part is only wrong when nothing could make it right.
 */
export function checkResourceArn(
  catalog: Catalog,
  pieces: readonly ArnPiece[],
): string | undefined {
  const first = pieces[0];
  if (!first || first.kind === 'hole') return undefined;
  if (pieces.length === 1 && first.text === '*') return undefined;
  if (!first.text.startsWith('arn:')) {
    if (pieces.length > 1 && 'arn:'.startsWith(first.text)) return undefined;
    return `\`${first.text}${pieces.length > 1 ? '…' : ''}\` is not an ARN: a resource is \`*\` or an ARN (\`${SHAPE}\`).`;
  }
  const { fields, open } = splitFields(pieces);
  const problem = checkCommonFields(catalog, fields, open);
  if (problem !== undefined) return problem || undefined;
  const service = fields[2]?.text?.toLowerCase() ?? '';
  const check = (complete: boolean) =>
    checkAgainstFormats(
      fields,
      open,
      service,
      complete
        ? [
            ...namespaceResourceTypes(catalog, service, true),
            ...namedType(catalog, service, fields, open),
          ]
        : namespaceResourceTypes(catalog, service, false),
      pieces,
    );
  // The service's own formats answer almost always; every other service's only to confirm.
  return check(false) === undefined ? undefined : check(true);
}

/**
 * The resource type named by the first word of the resource part (`build` in
 * `arn:aws:codebuild:...:build/...`): the catalog defines some types that no action names.
 */
function namedType(
  catalog: Catalog,
  service: string,
  fields: readonly Field[],
  open: number,
): ServiceResourceType[] {
  const first = open >= 5 ? fields[5]?.pieces[0] : undefined;
  const word = first?.kind === 'text' ? first.text.split('/')[0] : undefined;
  const type = word && !WILDCARD.test(word) ? catalog.resourceType(service, word) : undefined;
  return type ? [{ ...type, prefix: service }] : [];
}

/**
 * Partition, number of parts and service. Returns a message, `''` when the rest cannot be known,
 * or undefined when the service part is a known namespace and the checks can go on.
 */
function checkCommonFields(
  catalog: Catalog,
  fields: readonly Field[],
  open: number,
): string | undefined {
  const last = fields[Math.min(open, fields.length) - 1]?.text ?? '';
  // A trailing `*` may stand for several parts (IAM lets it cross colons), a hole may hold colons.
  const mayGrow = open < fields.length || last.endsWith('*');
  if (fields.length < 6 && !mayGrow) {
    return `This ARN has ${fields.length} of the 6 colon-separated parts of an ARN (\`${SHAPE}\`).`;
  }
  const partition = fields[1];
  if (partition?.text !== undefined && 1 < open) {
    const known = WILDCARD.test(partition.text)
      ? PARTITIONS.some((p) => globMatches(partition.text ?? '', p))
      : PARTITIONS.includes(partition.text);
    if (!known) {
      return `Partition \`${partition.text}\` is unknown: use \`aws\`, \`aws-cn\` or \`aws-us-gov\` (or another AWS partition), or \`\${AWS::Partition}\` in a template.`;
    }
  }
  const service = fields[2];
  if (!service && open === fields.length) {
    return 'This ARN has no service part: a wildcard cannot stand for the service, so write it after the partition (`arn:aws:s3:::…`).';
  }
  if (!service || open <= 2 || service.text === undefined) return '';
  if (WILDCARD.test(service.text)) {
    return `The service part of an ARN cannot contain wildcards (\`${service.text}\`): name the service.`;
  }
  if (service.text === '') return 'The service part of this ARN is empty: name the service.';
  if (!knownNamespace(catalog, service.text)) {
    return `Service \`${service.text}\` is unknown: no ARN format of the IAM catalog (${catalog.date}) uses it.`;
  }
  return undefined;
}

/**
 * Region, account and resource against the namespace's formats; undefined when fine. */
function checkAgainstFormats(
  fields: readonly Field[],
  open: number,
  service: string,
  types: readonly ServiceResourceType[],
  pieces: readonly ArnPiece[],
): string | undefined {
  const region = open > 3 ? fields[3]?.text : undefined;
  const account = open > 4 ? fields[4]?.text : undefined;
  const formats = types.map((t) => t.arn.split(':'));
  const all = (test: (parts: string[]) => boolean) => formats.length > 0 && formats.every(test);
  // `REGION` and `ACCOUNT_ID` are the placeholders fixes write: placeholder-value reports them.
  if (region !== undefined && region !== '' && region !== 'REGION') {
    if (WILDCARD.test(region) ? !/^[a-z0-9*?-]+$/.test(region) : !REGION.test(region)) {
      if (!formats.some((f) => f[3] === region)) {
        return `\`${region}\` is not a Region code (such as \`us-east-1\`).`;
      }
    }
    if (!WILDCARD.test(region) && all((f) => f[3] === '')) {
      return `\`${service}\` ARNs have no Region: leave that part empty (\`arn:…:${service}::…\`).`;
    }
  }
  if (account !== undefined && account !== '' && account !== 'ACCOUNT_ID') {
    const valid = WILDCARD.test(account) ? /^[0-9a-z*?-]+$/.test(account) : ACCOUNT.test(account);
    if (!valid && !formats.some((f) => f[4] === account)) {
      return `\`${account}\` is not an account ID: use the 12-digit ID (or \`*\`).`;
    }
    if (!WILDCARD.test(account) && all((f) => f[4] === '')) {
      return `\`${service}\` ARNs have no account: leave that part empty (\`arn:…:${service}:${region ?? ''}::…\`).`;
    }
  }
  if (types.length === 0 || !COMPLETE_FORMATS.has(service)) return undefined;
  const tokens = piecesTokens(pieces);
  if (types.some((t) => tokensIntersect(tokens, formatTokens(t.arn)))) return undefined;
  const parts = (arn: string) => (arn.match(/\$\{/g) ?? []).length;
  const sorted = [...types].sort((a, b) => parts(a.arn) - parts(b.arn));
  const shown = sorted.slice(0, 3).map((t) => `\`${t.arn}\` (${t.name})`);
  const more = types.length > 3 ? `, and ${types.length - 3} more` : '';
  return `This ARN fits no \`${service}\` resource type: the formats are ${shown.join(', ')}${more}.`;
}

/** The resource types of its namespace that an ARN (pattern) can match. */
export function matchingResourceTypes(
  catalog: Catalog,
  pieces: readonly ArnPiece[],
): readonly ServiceResourceType[] {
  const { fields, open } = splitFields(pieces);
  const service = open > 2 ? fields[2]?.text : undefined;
  if (!service || WILDCARD.test(service)) return [];
  const tokens = piecesTokens(pieces, true);
  return namespaceResourceTypes(catalog, service, false).filter((t) =>
    tokensIntersect(tokens, formatTokens(t.arn)),
  );
}
