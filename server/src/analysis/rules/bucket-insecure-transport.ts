import { getProperty } from '../document';
import { readBuckets } from '../model/buckets';
import {
  appendStatementFix,
  newBucketPolicyFix,
  targetArns,
  tlsStatement,
} from '../fixes/bucket-policy';
import { insecureTransportCoverage } from '../model/bucket-policy';
import { defineRule } from './rule';

export default defineRule({
  id: 'bucket-insecure-transport',
  defaultSeverity: 'warning',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary: `
      An S3 bucket whose bucket policy does not deny requests made without TLS (\`Deny\` \`s3:*\`
      for every principal on the bucket and its objects when \`aws:SecureTransport\` is \`false\`),
      or a bucket with no bucket policy at all.
    `,
    why: `
      S3 answers plain HTTP as well as HTTPS. Unless the bucket policy refuses requests where
      \`aws:SecureTransport\` is false, a misconfigured client or tool can read artifacts and write
      objects over an unencrypted connection, where they can be observed or altered in transit. The
      deny statement is the only way to make the bucket itself insist on TLS. A statement that
      covers only some actions, or only the objects and not the bucket, is reported as incomplete. A
      bucket whose policy is attached through a name the template cannot resolve is not reported.
    `,
    fix: `
      Add a statement that denies \`s3:*\` to every principal on the bucket ARN and its objects when
      \`aws:SecureTransport\` is \`false\`. The quick-fix (unsafe: clients still using plain HTTP
      will be refused) appends that statement to the existing bucket policy, or adds an
      \`AWS::S3::BucketPolicy\` resource after the bucket.
    `,
    references: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
    ],
  },
  check({ document, model, report }) {
    const template = model.template;
    if (!template) return;
    const { buckets, policies } = readBuckets(template);
    for (const bucketPolicy of policies) {
      const policy = bucketPolicy.policy;
      if (!policy) continue;
      const coverage = policy.statements.map(insecureTransportCoverage);
      if (coverage.includes('full')) continue;
      const name = bucketPolicy.resource.name;
      const arns = targetArns(bucketPolicy);
      report({
        at: getProperty(policy.node, 'Statement')?.key ?? policy.node.property?.key ?? policy.node,
        message: coverage.includes('partial')
          ? `The aws:SecureTransport deny in bucket policy "${name}" covers only some actions or resources: plain-HTTP requests for the rest are still accepted. Deny "s3:*" on the bucket and its objects.`
          : `Bucket policy "${name}" does not deny requests made without TLS: clients can use the bucket over plain HTTP. Add a Deny statement for "s3:*" when "aws:SecureTransport" is false.`,
        fixes: arns
          ? appendStatementFix(
              document,
              policy.node,
              tlsStatement(arns),
              'Deny requests made without TLS',
            )
          : [],
      });
    }
    for (const bucket of buckets) {
      if (bucket.policies.length > 0 || bucket.policyUnknown) continue;
      const name = bucket.resource.name;
      const arns = targetArns(undefined, name);
      const fixes = arns
        ? newBucketPolicyFix(
            document,
            template,
            bucket.resource,
            tlsStatement(arns),
            'Add a bucket policy that denies requests made without TLS',
          )
        : [];
      report({
        at: bucket.resource.node.property?.key ?? bucket.resource.node,
        message: `Bucket "${name}" has no bucket policy that denies requests made without TLS: clients can use it over plain HTTP. Add a policy that denies "s3:*" when "aws:SecureTransport" is false.`,
        fixes,
      });
    }
  },
});
