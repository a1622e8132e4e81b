/**
 * Recognising the deny statements a bucket policy should hold (TLS only, SSE-KMS uploads only);
 * the bucket rules read it, and `fixes/bucket-policy.ts` builds the statements they offer.
 * Unknown values (intrinsics) always count in the policy's favour: unknown is not bad.
 */
import { getValue, stringValue } from '../document';
import { patternCovers } from '../iam/statement';
import type { Resolved, ResolvedValue } from './intrinsics';
import type { Statement } from './policy';
import { intrinsicName } from './values';

/** How far one statement goes towards a required deny. */
export type Coverage = 'full' | 'partial' | 'none';

/**
 * Whether a statement denies, for every principal, the given action (or with no action given,
 * some S3 action). Unknown principals and actions count.
 */
function denyFor(statement: Statement, action?: string): boolean {
  if (statement.effect !== 'Deny' || statement.element('NotAction')) return false;
  const principal = statement.element('Principal')?.value;
  const inner =
    principal?.kind === 'object' && intrinsicName(principal) === undefined
      ? getValue(principal, 'AWS')
      : principal;
  const items = inner?.kind === 'array' ? inner.items : inner ? [inner] : [];
  if (!items.some((p) => stringValue(p) === undefined || stringValue(p) === '*')) return false;
  return statement
    .values('Action')
    .some(
      (a) =>
        a.value === undefined ||
        (action === undefined
          ? a.value === '*' || a.value.toLowerCase().startsWith('s3:')
          : patternCovers(a.value, action)),
    );
}

/** What a `Resource` entry reaches: the bucket, its objects or both; unknown reaches both. */
function reach(resource: ResolvedValue): { bucket: boolean; objects: boolean } {
  const result = { bucket: false, objects: false };
  for (const resolved of resource.resolved) {
    const text = resourceText(resolved);
    if (text === undefined) return { bucket: true, objects: true };
    const slash = text.indexOf('/');
    if (slash < 0) {
      result.bucket = true;
      result.objects ||= text.endsWith('*');
    } else {
      result.objects ||= text.slice(slash) === '/*';
    }
  }
  return result;
}

/**
 * One alternative of a resource as text, unknown parts as `${...}`; `undefined` when nothing can
 * be said. Parameter defaults count as unknown: the deployer may pass another bucket.
 */
function resourceText(resolved: Resolved): string | undefined {
  const only = resolved.segments.length === 1 ? resolved.segments[0] : undefined;
  if (only?.kind === 'hole') {
    const source = only.source;
    return source.kind === 'resource' && source.attribute === 'Arn'
      ? 'arn:aws:s3:::${bucket}'
      : undefined;
  }
  let text = '';
  for (const segment of resolved.segments) {
    if (segment.kind === 'text' && segment.parameter === undefined) text += segment.text;
    // A dynamic reference may hold slashes of its own: nothing can be said.
    else if (segment.kind === 'hole' && segment.label.startsWith('{{resolve:')) return undefined;
    else text += '${x}';
  }
  return text;
}

function resourceCoverage(statement: Statement, needBucket: boolean): Coverage {
  if (statement.element('NotResource')) return 'none';
  let bucket = false;
  let objects = false;
  for (const resource of statement.values('Resource')) {
    const r = resource.value === '*' ? { bucket: true, objects: true } : reach(resource);
    bucket ||= r.bucket;
    objects ||= r.objects;
  }
  if (objects && (bucket || !needBucket)) return 'full';
  return bucket || objects ? 'partial' : 'none';
}

/** The values a condition gives a key under any of the operators (case-insensitive); `[undefined]` for unknown. */
function conditionValues(
  statement: Statement,
  operators: string[],
  key: string,
): (string | undefined)[] | undefined {
  const condition = statement.element('Condition')?.value;
  if (condition === undefined) return undefined;
  if (condition.kind !== 'object' || intrinsicName(condition) !== undefined) return [undefined];
  const found: (string | undefined)[] = [];
  let seen = false;
  for (const operator of condition.properties) {
    if (!operators.includes(operator.key.value.toLowerCase())) continue;
    const keys = operator.value;
    if (keys?.kind !== 'object') continue;
    for (const entry of keys.properties) {
      if (entry.key.value.toLowerCase() !== key) continue;
      seen = true;
      const values = entry.value?.kind === 'array' ? entry.value.items : [entry.value];
      for (const value of values) {
        if (value?.kind === 'boolean') found.push(String(value.value));
        else found.push(value?.kind === 'string' ? value.value.toLowerCase() : undefined);
      }
    }
  }
  return seen ? found : undefined;
}

/**
 * How far a statement denies requests that do not use TLS: `Deny`, every principal, `s3:*`,
 * `Bool`/`BoolIfExists` `aws:SecureTransport: false`, on the bucket and its objects.
 */
export function insecureTransportCoverage(statement: Statement): Coverage {
  const values = conditionValues(statement, ['bool', 'boolifexists'], 'aws:securetransport');
  if (!values?.some((v) => v === undefined || v === 'false')) return 'none';
  if (!denyFor(statement)) return 'none';
  const all = statement
    .values('Action')
    .some((a) => a.value === undefined || a.value === '*' || a.value.toLowerCase() === 's3:*');
  const resources = resourceCoverage(statement, true);
  return all && resources === 'full' ? 'full' : 'partial';
}

const KMS = new Set(['aws:kms', 'aws:kms:dsse']);

/**
 * How far a statement denies uploads that do not ask for SSE-KMS: `full` for a `StringNotEquals`
 * on `s3:x-amz-server-side-encryption` with only KMS values (which also catches a missing header),
 * `partial` for the `Null` variant alone (it requires a header, but `AES256` still passes).
 */
export function unencryptedUploadsCoverage(statement: Statement): Coverage {
  if (!denyFor(statement, 's3:PutObject') || resourceCoverage(statement, false) !== 'full')
    return 'none';
  const key = 's3:x-amz-server-side-encryption';
  const notEquals = conditionValues(statement, ['stringnotequals', 'stringnotequalsifexists'], key);
  if (notEquals && notEquals.length > 0 && notEquals.every((v) => v === undefined || KMS.has(v)))
    return 'full';
  const isNull = conditionValues(statement, ['null'], key);
  return isNull?.some((v) => v === undefined || v === 'true') ? 'partial' : 'none';
}
