/**
 * The bucket rules' fixes: the deny statements they add (TLS only, SSE-KMS uploads only) or a whole
 * bucket policy resource, built as values, and the edits that write them (a statement appended to a
 * policy's list, or a new resource after another) in the document's own format and indentation.
 */
import { getValue, stringValue, type ObjectNode, type ParsedDocument } from '../document';
import { contentEnd, indentUnit, lineBreakOf } from '../edits';
import { intrinsicName, type Template, type TemplateResource } from '../model';
import type { BucketPolicyResource } from '../model/buckets';
import { renderBlock, renderInline, renderYamlItem, yamlScalar, type Value } from '../render';
import type { Fix, TextEdit } from '../finding';

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

/**
 * The bucket rules' fix for a bucket without a policy: a new `AWS::S3::BucketPolicy` holding
 * `statement`, right after the bucket. Unsafe: the deny refuses requests that worked before.
 */
export function newBucketPolicyFix(
  document: ParsedDocument,
  template: Template,
  bucket: TemplateResource,
  statement: Value,
  title: string,
): Fix[] {
  const name = newPolicyName(template, bucket.name);
  const edit = insertResourceAfter(
    document,
    bucket.node,
    name,
    policyResource(bucket.name, statement),
  );
  return edit ? [{ title, safe: false, edits: [edit] }] : [];
}

/** The bucket rules' fix for a bucket policy: `statement` appended to it. Unsafe, as above. */
export function appendStatementFix(
  document: ParsedDocument,
  policy: ObjectNode,
  statement: Value,
  title: string,
): Fix[] {
  const edit = appendStatement(document, policy, statement);
  return edit ? [{ title, safe: false, edits: [edit] }] : [];
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
  // YAML block sequence written with the dash alone on its line and the entry below it.
  if (/^[ \t]*$/.test(head)) {
    const lineStart = last.start - head.length;
    const dashLine = text
      .slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)
      .replace(/\r$/, '');
    if (!/^[ \t]*-[ \t]*$/.test(dashLine)) return undefined;
    const item = renderYamlItem(statement, head, unit, eol);
    return { start: at, end: at, newText: `${eol}${dashLine.trimEnd()}${eol}${head}${item}` };
  }
  // YAML block sequence: `- ` then the first entry, the others aligned under it.
  const dash = head.replace(/-\s*$/, '');
  return {
    start: at,
    end: at,
    newText: `${eol}${dash}- ${renderYamlItem(statement, ' '.repeat(head.length), unit, eol)}`,
  };
}

/** Inserts a new resource right after another one, at the same indentation. */
function insertResourceAfter(
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
    newText: `${eol}${indent}${yamlScalar(name)}:${renderBlock(value, 'yaml', indent, unit, eol).replace(/^(?!\r?\n)/, ' ')}`,
  };
}
