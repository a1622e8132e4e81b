import { getProperty } from '../document';
import { readBuckets } from '../model/buckets';
import {
  appendStatementFix,
  kmsUploadsStatement,
  newBucketPolicyFix,
  targetArns,
} from '../fixes/bucket-policy';
import { unencryptedUploadsCoverage } from '../model/bucket-policy';
import { defineRule } from './rule';

export default defineRule({
  id: 'bucket-unencrypted-uploads',
  defaultSeverity: 'info',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary: `
      The bucket policy of a CodePipeline artifact bucket does not deny \`s3:PutObject\` requests
      that do not ask for SSE-KMS (\`StringNotEquals\` \`s3:x-amz-server-side-encryption:
      aws:kms\`).
    `,
    why: `
      Default bucket encryption decides how objects are encrypted when an upload does not say; an
      upload can still ask for something else, such as SSE-S3 (\`AES256\`). Denying every
      \`s3:PutObject\` whose \`s3:x-amz-server-side-encryption\` header is not \`aws:kms\` makes
      SSE-KMS the only way into the artifact bucket, as the CodePipeline documentation's example
      policy does. \`StringNotEquals\` also matches uploads without the header; a \`Null\` condition
      alone only requires some header and still lets \`AES256\` through, so it is reported as
      incomplete. Only buckets that a pipeline in the template uses as its artifact store are
      checked, and a bucket whose policy cannot be resolved is not reported.
    `,
    fix: `
      Add a statement that denies \`s3:PutObject\` on the bucket's objects to every principal when
      \`s3:x-amz-server-side-encryption\` is not \`aws:kms\`. The quick-fix (unsafe: uploads that
      ask for other encryption will be refused) appends it to the bucket policy, or adds an
      \`AWS::S3::BucketPolicy\` resource after the bucket.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html',
    ],
  },
  check({ document, model, report }) {
    const template = model.template;
    if (!template) return;
    for (const bucket of readBuckets(template).buckets) {
      if (bucket.artifactStoreOf.length === 0 || bucket.policyUnknown) continue;
      const name = bucket.resource.name;
      const arns = targetArns(undefined, name);
      if (bucket.policies.length === 0) {
        const fixes = arns
          ? newBucketPolicyFix(
              document,
              template,
              bucket.resource,
              kmsUploadsStatement(arns),
              'Add a bucket policy that denies uploads without SSE-KMS',
            )
          : [];
        report({
          at: bucket.resource.node.property?.key ?? bucket.resource.node,
          message: `Artifact bucket "${name}" has no bucket policy that denies uploads without SSE-KMS. Add one that denies "s3:PutObject" unless "s3:x-amz-server-side-encryption" is "aws:kms".`,
          fixes,
        });
        continue;
      }
      const known = bucket.policies.flatMap((p) => (p.policy ? [p.policy] : []));
      // A policy the engine cannot read may hold the statement.
      if (known.length < bucket.policies.length) continue;
      const coverage = known.flatMap((p) => p.statements.map(unencryptedUploadsCoverage));
      if (coverage.includes('full')) continue;
      for (const policy of known) {
        report({
          at:
            getProperty(policy.node, 'Statement')?.key ?? policy.node.property?.key ?? policy.node,
          message: coverage.includes('partial')
            ? `The policy of artifact bucket "${name}" only requires some encryption header ("Null"), so uploads with SSE-S3 (AES256) are accepted. Deny "s3:PutObject" when "s3:x-amz-server-side-encryption" is not "aws:kms".`
            : `The policy of artifact bucket "${name}" does not deny uploads without SSE-KMS. Deny "s3:PutObject" when "s3:x-amz-server-side-encryption" is not "aws:kms".`,
          fixes: arns
            ? appendStatementFix(
                document,
                policy.node,
                kmsUploadsStatement(arns),
                'Deny uploads without SSE-KMS',
              )
            : [],
        });
      }
    }
  },
});
