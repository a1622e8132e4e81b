import type { Node } from '../document';
import { isTemplatedKey } from './catalog';
import type { KeyBaseType, ResolvedConditionKey } from './conditions';
import { editDistance } from './nearest';

/** The families of IAM condition operators. */
export type OperatorFamily =
  'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

const BASE_OPERATORS: ReadonlyMap<string, OperatorFamily> = new Map([
  ['StringEquals', 'String'],
  ['StringNotEquals', 'String'],
  ['StringEqualsIgnoreCase', 'String'],
  ['StringNotEqualsIgnoreCase', 'String'],
  ['StringLike', 'String'],
  ['StringNotLike', 'String'],
  ['NumericEquals', 'Numeric'],
  ['NumericNotEquals', 'Numeric'],
  ['NumericLessThan', 'Numeric'],
  ['NumericLessThanEquals', 'Numeric'],
  ['NumericGreaterThan', 'Numeric'],
  ['NumericGreaterThanEquals', 'Numeric'],
  ['DateEquals', 'Date'],
  ['DateNotEquals', 'Date'],
  ['DateLessThan', 'Date'],
  ['DateLessThanEquals', 'Date'],
  ['DateGreaterThan', 'Date'],
  ['DateGreaterThanEquals', 'Date'],
  ['Bool', 'Bool'],
  ['BinaryEquals', 'Binary'],
  ['IpAddress', 'IpAddress'],
  ['NotIpAddress', 'IpAddress'],
  ['ArnEquals', 'Arn'],
  ['ArnNotEquals', 'Arn'],
  ['ArnLike', 'Arn'],
  ['ArnNotLike', 'Arn'],
  ['Null', 'Null'],
]);

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

/** A condition operator taken apart: `ForAnyValue:StringLikeIfExists`. */
export interface ParsedOperator {
  readonly qualifier: SetQualifier | undefined;
  readonly base: string;
  readonly family: OperatorFamily;
  readonly ifExists: boolean;
}

/**
 * Parses an operator exactly as IAM spells it; undefined for anything else. `Null` takes neither
 * `IfExists` nor a set qualifier: it already tests presence, of the key as a whole.
 */
export function parseOperator(text: string): ParsedOperator | undefined {
  const match = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(text);
  if (!match?.[2]) return undefined;
  const qualifier = match[1] as SetQualifier | undefined;
  const ifExists = match[3] !== undefined;
  const family = BASE_OPERATORS.get(match[2]);
  if (!family || (family === 'Null' && (ifExists || qualifier))) return undefined;
  return { qualifier, base: match[2], family, ifExists };
}

let allOperators: string[] | undefined;

/** Every operator IAM accepts, qualifiers and `IfExists` included. */
export function allConditionOperators(): readonly string[] {
  if (!allOperators) {
    allOperators = [];
    for (const [base, family] of BASE_OPERATORS) {
      if (family === 'Null') {
        allOperators.push(base);
        continue;
      }
      for (const qualifier of ['', 'ForAllValues:', 'ForAnyValue:']) {
        for (const suffix of ['', 'IfExists']) allOperators.push(`${qualifier}${base}${suffix}`);
      }
    }
  }
  return allOperators;
}

/** The real operator closest to an unknown one: a case-only difference first, then spelling. */
export function nearestOperator(text: string): string | undefined {
  const operators = allConditionOperators();
  const lower = text.toLowerCase();
  const sameLetters = operators.find((op) => op.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  const limit = Math.max(2, Math.floor(text.length / 5));
  let best: { op: string; distance: number } | undefined;
  for (const op of operators) {
    const distance = editDistance(text, op, limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { op, distance };
  }
  return best?.op;
}

/**
 * The operator families that can compare a key of each type (`Null` fits every key). AWS's own
 * managed policies compare Bool keys as the strings "true"/"false", which IAM accepts.
 */
const FITTING: ReadonlyMap<KeyBaseType, readonly OperatorFamily[]> = new Map<
  KeyBaseType,
  OperatorFamily[]
>([
  ['String', ['String']],
  // ARN keys compare as strings too; the IAM guide recommends the Arn operators.
  ['ARN', ['Arn', 'String']],
  ['Bool', ['Bool', 'String']],
  ['Date', ['Date']],
  ['Numeric', ['Numeric']],
  ['IPAddress', ['IpAddress']],
  ['Binary', ['Binary']],
]);

/** Keys whose values are dates that IAM also lets you compare as numbers (seconds since 1970). */
const DATE_AS_NUMBER = new Set(['aws:epochtime']);

/**
 * String keys whose values may well be ARNs: tag and context values (templated keys, such as
 * `kms:EncryptionContext:aws:s3:arn`) and keys named after ARNs. AWS's managed policies compare
 * them with `ArnLike`.
 */
function mayHoldArn(key: ResolvedConditionKey): boolean {
  return isTemplatedKey(key.detail.name) || /arn/i.test(key.detail.name);
}

/** Whether an operator family can compare a key; undefined when the key's type is not known. */
export function operatorFits(
  family: OperatorFamily,
  key: ResolvedConditionKey,
): boolean | undefined {
  if (family === 'Null') return true;
  if (key.baseType === undefined) return undefined;
  if (family === 'Numeric' && DATE_AS_NUMBER.has(key.detail.name.toLowerCase())) return true;
  if (family === 'Arn' && key.baseType === 'String' && mayHoldArn(key)) return true;
  return FITTING.get(key.baseType)?.includes(family) ?? undefined;
}

/** The operator families that fit a key, for messages. */
export function fittingFamilies(key: ResolvedConditionKey): readonly OperatorFamily[] {
  // Bool keys are best compared with Bool, whatever IAM tolerates.
  if (key.baseType === 'Bool') return ['Bool'];
  return key.baseType ? (FITTING.get(key.baseType) ?? []) : [];
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DATE =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$|^\d{4}-\d{2}-\d{2}T\d{2}\d{2}\d{2}Z$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return false;
  const groups = text.split(':');
  const last = groups.at(-1) ?? '';
  const v4Tail = last.includes('.');
  if (v4Tail && !isIpv4(last)) return false;
  const hexGroups = (v4Tail ? groups.slice(0, -1) : groups).filter((g) => g !== '');
  const count = hexGroups.length + (v4Tail ? 2 : 0);
  return (
    hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) &&
    (text.includes('::') ? count < 8 : count === 8)
  );
}

/** An IPv4 or IPv6 address, optionally with a CIDR prefix length. */
export function isIpOrCidr(text: string): boolean {
  const [address = '', bits, ...rest] = text.split('/');
  if (rest.length > 0) return false;
  const v4 = isIpv4(address);
  if (!v4 && !isIpv6(address)) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128);
}

/**
 * Whether a literal value has the shape an operator family compares; undefined when the family
 * takes any text (String, Arn) or the value holds a policy variable.
 */
export function valueFits(family: OperatorFamily, value: Node): boolean | undefined {
  if (value.kind === 'string' && value.value.includes('${')) return undefined;
  const text =
    value.kind === 'string'
      ? value.value.trim()
      : value.kind === 'number'
        ? String(value.value)
        : undefined;
  switch (family) {
    case 'Bool':
    case 'Null':
      return value.kind === 'boolean' || (text !== undefined && /^(true|false)$/i.test(text));
    case 'Numeric':
      return value.kind === 'number' || (text !== undefined && NUMBER.test(text));
    case 'Date':
      return (
        value.kind === 'number' || (text !== undefined && (DATE.test(text) || /^\d+$/.test(text)))
      );
    case 'IpAddress':
      return text !== undefined && isIpOrCidr(text);
    case 'Binary':
      return text !== undefined && BASE64.test(text);
    default:
      return undefined;
  }
}

/** What a family's values look like, for messages. */
export const VALUE_SHAPES: ReadonlyMap<OperatorFamily, string> = new Map([
  ['Bool', '"true" or "false"'],
  ['Null', '"true" (the key is absent) or "false" (the key is present)'],
  ['Numeric', 'a number'],
  ['Date', 'an ISO 8601 date such as "2025-01-31T00:00:00Z" or seconds since 1970'],
  ['IpAddress', 'an IPv4 or IPv6 address or CIDR range such as "203.0.113.0/24"'],
  ['Binary', 'base64-encoded bytes'],
]);
