/**
 * Shared by the bucket rules: recognising the deny statements of an S3 bucket policy (TLS only,
 * SSE-KMS uploads only) and writing them, or a whole bucket policy resource, into a template.
 * Unknown values (intrinsics) always count in the policy's favour: unknown is not bad.
 */
import {
  getValue,
  stringValue,
  type Node,
  type ObjectNode,
  type ParsedDocument,
} from '../document';
import { indentUnit, insertProperty, lineBreakOf } from '../edits';
import { patternCovers } from '../iam/statement';
import { getAttTarget, intrinsicName, type Statement, type Template } from '../model';
import type { BucketPolicyResource } from '../model/buckets';
import { renderBlock, renderInline, yamlScalar, type Value } from '../render';
import type { TextEdit } from './rule';

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
function reach(node: Node): { bucket: boolean; objects: boolean } {
  const text = resourceText(node);
  if (text === undefined) return { bucket: true, objects: true };
  const slash = text.indexOf('/');
  if (slash < 0) return { bucket: true, objects: text.endsWith('*') };
  return { bucket: false, objects: text.slice(slash) === '/*' };
}

/** A resource as text, intrinsic parts as `${...}`; `undefined` when nothing can be said. */
function resourceText(node: Node): string | undefined {
  const literal = stringValue(node);
  if (literal !== undefined) return literal;
  if (getAttTarget(node) !== undefined) return 'arn:aws:s3:::${bucket}';
  const sub = getValue(node, 'Fn::Sub');
  if (intrinsicName(node) === 'Fn::Sub')
    return stringValue(sub) ?? (sub?.kind === 'array' ? stringValue(sub.items[0]) : undefined);
  const join = getValue(node, 'Fn::Join');
  if (intrinsicName(node) === 'Fn::Join' && join?.kind === 'array') {
    const parts = join.items[1];
    if (stringValue(join.items[0]) !== '' || parts?.kind !== 'array') return undefined;
    return parts.items.map((part) => stringValue(part) ?? resourceText(part) ?? '${x}').join('');
  }
  return undefined;
}

function resourceCoverage(statement: Statement, needBucket: boolean): Coverage {
  if (statement.element('NotResource')) return 'none';
  let bucket = false;
  let objects = false;
  for (const resource of statement.values('Resource')) {
    const r = resource.value === '*' ? { bucket: true, objects: true } : reach(resource.node);
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

/** The bucket and object ARNs of a bucket policy's target, for new statements; `undefined` if unknown. */
export function targetArns(
  policy: BucketPolicyResource | undefined,
  bucketName?: string,
): { bucket: Value; objects: Value } | undefined {
  if (bucketName !== undefined || policy?.bucket !== undefined) {
    const name = bucketName ?? policy?.bucket ?? '';
    return { bucket: { getAtt: [name, 'Arn'] }, objects: { sub: `\${${name}.Arn}/*` } };
  }
  const target = getValue(policy?.resource.properties, 'Bucket');
  const literal = stringValue(target);
  const ref = intrinsicName(target) === 'Ref' ? stringValue(getValue(target, 'Ref')) : undefined;
  const sub =
    intrinsicName(target) === 'Fn::Sub' ? stringValue(getValue(target, 'Fn::Sub')) : undefined;
  const name = ref !== undefined ? `\${${ref}}` : (sub ?? literal?.replace(/\$\{/g, '${!'));
  if (name === undefined || ref?.includes('::')) return undefined;
  const arn = `arn:\${AWS::Partition}:s3:::${name}`;
  return { bucket: { sub: arn }, objects: { sub: `${arn}/*` } };
}

/** The statement that denies every request made without TLS. */
export function tlsStatement(arns: { bucket: Value; objects: Value }): Value {
  return {
    map: [
      ['Sid', 'DenyInsecureTransport'],
      ['Effect', 'Deny'],
      ['Principal', '*'],
      ['Action', 's3:*'],
      ['Resource', [arns.bucket, arns.objects]],
      ['Condition', { map: [['Bool', { map: [['aws:SecureTransport', 'false']] }]] }],
    ],
  };
}

/** The statement that denies uploads not encrypted with SSE-KMS. */
export function kmsUploadsStatement(arns: { objects: Value }): Value {
  const condition = { map: [['s3:x-amz-server-side-encryption', 'aws:kms']] as const };
  return {
    map: [
      ['Sid', 'DenyUnencryptedObjectUploads'],
      ['Effect', 'Deny'],
      ['Principal', '*'],
      ['Action', 's3:PutObject'],
      ['Resource', arns.objects],
      ['Condition', { map: [['StringNotEquals', condition]] }],
    ],
  };
}

/** Appends a statement to a policy's `Statement` list, in the list's own layout. */
export function appendStatement(
  document: ParsedDocument,
  policy: ObjectNode,
  statement: Value,
): TextEdit | undefined {
  const list = getValue(policy, 'Statement');
  const last = list?.kind === 'array' ? list.items[list.items.length - 1] : undefined;
  if (list?.kind !== 'array' || last === undefined) return undefined;
  const { text, format } = document;
  const eol = lineBreakOf(text);
  const unit = indentUnit(text);
  const at = contentEnd(text, last.end);
  if (
    !text.slice(list.start, list.end).includes('\n') ||
    (format === 'yaml' && text[list.start] === '[')
  ) {
    return { start: at, end: at, newText: `, ${renderInline(statement, format)}` };
  }
  const head = text.slice(text.lastIndexOf('\n', last.start - 1) + 1, last.start);
  if (format === 'json') {
    const indent = /^\s*$/.test(head) ? head : ' '.repeat(head.length);
    return {
      start: at,
      end: at,
      newText: `,${eol}${indent}${renderBlock(statement, 'json', indent, unit, eol)}`,
    };
  }
  // YAML block sequence: `- ` then the first entry, the others aligned under it.
  const dash = head.replace(/-\s*$/, '');
  return {
    start: at,
    end: at,
    newText: `${eol}${dash}- ${yamlItem(statement, ' '.repeat(head.length), unit, eol)}`,
  };
}

function mapEntries(value: Value): readonly (readonly [string, Value])[] | undefined {
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  return 'map' in (value as object)
    ? (value as { map: readonly (readonly [string, Value])[] }).map
    : undefined;
}

/** A map as the text after `- `: first entry on the dash line, the rest at `column`. */
function yamlItem(value: Value, column: string, unit: string, eol: string): string {
  const entries = mapEntries(value);
  if (entries === undefined) return renderInline(value, 'yaml');
  return entries
    .map(
      ([key, item], i) =>
        `${i === 0 ? '' : `${eol}${column}`}${yamlScalar(key)}:${yamlValue(item, column, unit, eol)}`,
    )
    .join('');
}

/** A value after `key:` in block YAML, with lists of maps in block style. */
export function yamlValue(value: Value, indent: string, unit: string, eol: string): string {
  if (Array.isArray(value)) {
    const inner = indent + unit;
    return (value as readonly Value[])
      .map((item) => `${eol}${inner}- ${yamlItem(item, `${inner}  `, unit, eol)}`)
      .join('');
  }
  const entries = mapEntries(value);
  if (entries !== undefined) {
    const inner = indent + unit;
    return entries
      .map(([key, item]) => `${eol}${inner}${yamlScalar(key)}:${yamlValue(item, inner, unit, eol)}`)
      .join('');
  }
  // A plain 2012-10-17 reads as a date to YAML 1.1 parsers; policy versions stay strings.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return ` '${value}'`;
  return ` ${renderInline(value, 'yaml')}`;
}

/**
 * Adds `key: value` to an object: block YAML gets lists of maps in block style, everything else
 * goes through `insertProperty`.
 */
export function insertEntry(
  document: ParsedDocument,
  object: ObjectNode,
  key: string,
  value: Value,
): TextEdit | undefined {
  const { text } = document;
  const last = object.properties[object.properties.length - 1];
  if (document.format === 'json' || !last || text[object.start] === '{') {
    return insertProperty(document, object, key, value);
  }
  const indent = ' '.repeat(last.key.start - (text.lastIndexOf('\n', last.key.start - 1) + 1));
  const at = contentEnd(text, last.value?.end ?? last.key.end);
  const eol = lineBreakOf(text);
  return {
    start: at,
    end: at,
    newText: `${eol}${indent}${yamlScalar(key)}:${yamlValue(value, indent, indentUnit(text), eol)}`,
  };
}

/** A logical id for a new bucket policy resource that no resource uses yet. */
export function newPolicyName(template: Template, bucket: string): string {
  for (let i = 1; ; i++) {
    const name = `${bucket}Policy${i === 1 ? '' : i}`;
    if (!template.resources.has(name)) return name;
  }
}

/** A new `AWS::S3::BucketPolicy` resource for a template bucket holding one statement. */
export function policyResource(bucket: string, statement: Value): Value {
  return {
    map: [
      ['Type', 'AWS::S3::BucketPolicy'],
      [
        'Properties',
        {
          map: [
            ['Bucket', { ref: bucket }],
            [
              'PolicyDocument',
              {
                map: [
                  ['Version', '2012-10-17'],
                  ['Statement', [statement]],
                ],
              },
            ],
          ],
        },
      ],
    ],
  };
}

/** Inserts a new resource right after another one, at the same indentation. */
export function insertResourceAfter(
  document: ParsedDocument,
  after: ObjectNode,
  name: string,
  value: Value,
): TextEdit | undefined {
  const key = after.property?.key;
  if (key === undefined) return undefined;
  const { text, format } = document;
  const eol = lineBreakOf(text);
  const unit = indentUnit(text);
  const lineStart = text.lastIndexOf('\n', key.start - 1) + 1;
  const indent = ' '.repeat(key.start - lineStart);
  const at = contentEnd(text, after.end);
  if (format === 'json') {
    if (
      !text.slice(lineStart, key.start).trim().length &&
      text.slice(after.start, after.end).includes('\n')
    ) {
      const block = renderBlock(value, 'json', indent, unit, eol);
      return {
        start: at,
        end: at,
        newText: `,${eol}${indent}${JSON.stringify(name)}: ${block}`,
      };
    }
    return {
      start: at,
      end: at,
      newText: `, ${JSON.stringify(name)}: ${renderInline(value, 'json')}`,
    };
  }
  if (text.slice(lineStart, key.start).trim().length > 0) return undefined;
  return {
    start: at,
    end: at,
    newText: `${eol}${indent}${yamlScalar(name)}:${yamlValue(value, indent, unit, eol)}`,
  };
}

/** YAML block nodes can end after their line break; new text goes right after the content. */
function contentEnd(text: string, end: number): number {
  let at = end;
  while (at > 0 && /\s/.test(text[at - 1] ?? '')) at--;
  return at;
}
