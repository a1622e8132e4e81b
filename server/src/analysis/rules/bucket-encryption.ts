import {
  getValue,
  stringValue,
  type Node,
  type ObjectNode,
  type ParsedDocument,
} from '../document';
import { insertProperty, replaceString } from '../edits';
import { intrinsicName, isNoValue, type TemplateResource } from '../model';
import { readBuckets, symmetricKeys, type TemplateBucket } from '../model/buckets';
import type { Value } from '../render';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'bucket-encryption',
  defaultSeverity: 'warning',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary: `
      An \`AWS::S3::Bucket\` has no default encryption with AWS KMS (\`SSEAlgorithm\` \`aws:kms\` or
      \`aws:kms:dsse\`); an error when the bucket is the artifact store of a CodePipeline pipeline
      in the template.
    `,
    why: `
      Since January 2023 S3 encrypts every new object with S3 managed keys (SSE-S3, \`AES256\`) when
      nothing else is configured, so these objects are not stored in the clear. What SSE-S3 does not
      give you is a key you control: with SSE-KMS and a customer managed key, the key policy decides
      who can decrypt, every use of the key is logged in CloudTrail, you can rotate or disable the
      key, and other accounts can be granted access, which cross-account pipelines need to read
      artifacts. For a CodePipeline artifact bucket the AWS guidance is SSE-KMS, hence an error
      there; elsewhere it is a warning. A bucket whose \`BucketEncryption\` is an intrinsic function
      is not reported, and each \`Fn::If\` branch is checked on its own.
    `,
    fix: `
      Set \`SSEAlgorithm: aws:kms\` with \`KMSMasterKeyID\` naming a customer managed symmetric key,
      and consider \`BucketKeyEnabled: true\` to cut KMS request costs. The quick-fix (unsafe: it
      changes how new objects are encrypted and who must be allowed to use the key) adds or rewrites
      the default encryption rule, with \`!GetAtt Key.Arn\` when the template has exactly one
      symmetric KMS key; without one, S3 uses the AWS managed key \`aws/s3\` until you name yours.
    `,
    references: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-serversideencryptionbydefault.html',
    ],
  },
  check({ document, model, report }) {
    const template = model.template;
    if (!template) return;
    const keys = symmetricKeys(template);
    const key = keys.length === 1 ? keys[0] : undefined;
    for (const bucket of readBuckets(template).buckets) {
      const severity = bucket.artifactStoreOf.length > 0 ? 'error' : undefined;
      const subject = describe(bucket);
      for (const problem of problems(bucket.resource)) {
        const fixes = fixFor(document, bucket.resource, problem, key);
        const what =
          problem.kind === 'sse-s3'
            ? `${subject} uses SSE-S3 (AES256) by default: objects are encrypted, but with a key you cannot control, audit or share across accounts.`
            : problem.kind === 'missing'
              ? `${subject} sets no default encryption with AWS KMS, so S3 falls back to SSE-S3: objects are encrypted, but with a key you cannot control, audit or share across accounts.`
              : `${subject} has no default encryption with AWS KMS when this branch applies.`;
        report({
          at: problem.at,
          severity,
          message: `${what} Use SSE-KMS with a customer managed key.`,
          fixes,
        });
      }
    }
  },
});

function describe(bucket: TemplateBucket): string {
  const pipelines = bucket.artifactStoreOf;
  if (pipelines.length === 0) return `Bucket "${bucket.resource.name}"`;
  return `Artifact bucket "${bucket.resource.name}" (pipeline ${pipelines.map((p) => `"${p}"`).join(', ')})`;
}

type Problem =
  | { kind: 'missing'; at: Node; properties: ObjectNode | undefined }
  | { kind: 'branch'; at: Node }
  | { kind: 'sse-s3'; at: Node; algorithm: Node; rule: ObjectNode | undefined };

/** What keeps a bucket from default SSE-KMS; unknown values yield nothing. */
function problems(bucket: TemplateResource): Problem[] {
  const properties = bucket.properties;
  const at = bucket.node.property?.key ?? bucket.node;
  if (properties !== undefined && (properties.kind !== 'object' || intrinsicName(properties)))
    return [];
  const encryption = getValue(properties, 'BucketEncryption');
  if (encryption === undefined) return [{ kind: 'missing', at, properties }];
  const found: Problem[] = [];
  for (const branch of branches(encryption)) {
    if (branch === 'none') {
      const tag = encryption.kind === 'object' ? encryption.properties[0]?.key : undefined;
      found.push({ kind: 'branch', at: tag ?? encryption });
      continue;
    }
    const configuration = getValue(branch, 'ServerSideEncryptionConfiguration');
    for (const list of branches(configuration)) {
      if (list === 'none' || list.kind !== 'array') continue;
      // S3 takes one rule per bucket; every branch of its algorithm is checked on its own, and
      // unknown algorithms (parameters, imports) are not reported.
      for (const rule of list.items.flatMap((item) => branches(item))) {
        if (rule === 'none') continue;
        const sseDefault = getValue(rule, 'ServerSideEncryptionByDefault');
        const value = getValue(sseDefault, 'SSEAlgorithm');
        for (const algorithm of branches(value)) {
          if (algorithm === 'none' || stringValue(algorithm) !== 'AES256') continue;
          found.push({
            kind: 'sse-s3',
            at: algorithm,
            algorithm,
            // The key id is added only where it cannot land in another branch.
            rule: sseDefault?.kind === 'object' && algorithm === value ? sseDefault : undefined,
          });
        }
      }
    }
  }
  return found;
}

/** `Fn::If` branches of a value; `'none'` for `AWS::NoValue`. */
function branches(node: Node | undefined): (Node | 'none')[] {
  if (node === undefined) return [];
  if (isNoValue(node)) return ['none'];
  if (intrinsicName(node) === 'Fn::If') {
    const args = getValue(node, 'Fn::If');
    if (args?.kind !== 'array' || args.items.length !== 3) return [];
    return [...branches(args.items[1]), ...branches(args.items[2])];
  }
  if (intrinsicName(node) !== undefined) return [];
  return [node];
}

function kmsDefault(key: string | undefined): Value {
  return {
    map: key
      ? [
          ['SSEAlgorithm', 'aws:kms'],
          ['KMSMasterKeyID', { getAtt: [key, 'Arn'] }],
        ]
      : [['SSEAlgorithm', 'aws:kms']],
  };
}

function fixFor(
  document: ParsedDocument,
  bucket: TemplateResource,
  problem: Problem,
  key: string | undefined,
): Fix[] {
  const keyNote = key ? ` with key ${key}` : '';
  if (problem.kind === 'sse-s3' && problem.algorithm.kind === 'string') {
    const edits = [replaceString(document, problem.algorithm, 'aws:kms')];
    if (key && problem.rule && !getValue(problem.rule, 'KMSMasterKeyID')) {
      const insert = insertProperty(document, problem.rule, 'KMSMasterKeyID', {
        getAtt: [key, 'Arn'],
      });
      if (insert) edits.push(insert);
    }
    return [{ title: `Encrypt with SSE-KMS${keyNote}`, safe: false, edits }];
  }
  if (problem.kind !== 'missing') return [];
  const encryption: Value = {
    map: [
      [
        'ServerSideEncryptionConfiguration',
        [{ map: [['ServerSideEncryptionByDefault', kmsDefault(key)]] }],
      ],
    ],
  };
  const edit = problem.properties
    ? insertProperty(document, problem.properties, 'BucketEncryption', encryption)
    : insertProperty(document, bucket.node, 'Properties', {
        map: [['BucketEncryption', encryption]],
      });
  return edit
    ? [{ title: `Add default SSE-KMS encryption${keyNote}`, safe: false, edits: [edit] }]
    : [];
}
