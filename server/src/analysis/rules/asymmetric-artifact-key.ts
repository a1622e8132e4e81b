import { getPath, getValue, type Node } from '../document';
import {
  alternatives,
  type ArtifactStore,
  type Pipeline,
  type Template,
  type TemplateResource,
} from '../model';
import { asymmetricReason, resolveKeys } from '../pipeline/kms-keys';
import { spell } from '../pipeline/spelling';
import { defineRule, type RuleContext } from './rule';

export default defineRule({
  id: 'asymmetric-artifact-key',
  defaultSeverity: 'error',
  appliesTo: ['codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      A CodePipeline artifact store is encrypted with a KMS key that cannot encrypt artifacts: an
      asymmetric or HMAC key (\`KeySpec\` other than \`SYMMETRIC_DEFAULT\`, or \`KeyUsage\` other
      than \`ENCRYPT_DECRYPT\`), or an encryption key \`type\` other than \`KMS\`; the same for a
      CodeBuild project \`EncryptionKey\` and an S3 bucket's default \`KMSMasterKeyID\`.
    `,
    why: `
      CodePipeline encrypts artifacts in the S3 artifact store with symmetric KMS keys only. With an
      asymmetric or HMAC key the pipeline fails at run time when the first action tries to write its
      artifact, long after the template deployed cleanly. The key is followed through \`Ref\`,
      \`Fn::GetAtt\`, \`AWS::KMS::Alias\` resources, \`alias/\` names and \`Fn::Sub\` ARNs inside
      the template; keys from parameters, imports or other stacks are unknown and never reported.
    `,
    fix: `
      Encrypt the artifact store with a symmetric encryption key (\`KeySpec: SYMMETRIC_DEFAULT\`,
      \`KeyUsage: ENCRYPT_DECRYPT\`, which are the defaults), and set the encryption key type to
      \`KMS\`. There is deliberately no quick-fix: changing \`KeySpec\` makes CloudFormation replace
      the key, and anything else that signs or verifies with the asymmetric key, or data already
      encrypted under it, would break. Create a separate symmetric key for the artifacts instead.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
      'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/symmetric-asymmetric.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
      'https://docs.aws.amazon.com/codebuild/latest/userguide/security-encryption.html',
    ],
  },
  check({ model, report }) {
    for (const pipeline of model.pipelines) {
      for (const store of pipeline.artifactStores) {
        checkStore(pipeline, store, model.template, report);
      }
    }
    // The same requirement holds where the artifacts are built and stored.
    for (const resource of model.template?.resources.values() ?? []) {
      for (const { node, what } of otherKeyUses(resource)) {
        checkKey(
          model.template,
          node,
          report,
          (name, reason) =>
            `${what} "${resource.name}" is encrypted with KMS key "${name}", which has ${reason}; ${what === 'S3 bucket' ? 'S3 default encryption' : 'CodeBuild'} needs a symmetric encryption key (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT).`,
        );
      }
    }
  },
});

function checkStore(
  pipeline: Pipeline,
  store: ArtifactStore,
  template: Template | undefined,
  report: RuleContext['report'],
): void {
  const key = store.encryptionKey;
  if (!key) return;
  const where = store.region?.value ? ` for region ${store.region.value}` : '';
  const type = key.type;
  if (type?.value !== undefined && type.value !== 'KMS') {
    report({
      at: type.node,
      message: `The artifact store${where} has encryption key ${spell(pipeline, 'type')} "${type.value}"; CodePipeline supports only "KMS".`,
    });
  }
  checkKey(
    template,
    key.id,
    report,
    (name, reason) =>
      `The artifact store${where} is encrypted with KMS key "${name}", which has ${reason}; CodePipeline can only use a symmetric encryption key (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT).`,
  );
}

/** Reports each template key a reference resolves to that is not a symmetric encryption key. */
function checkKey(
  template: Template | undefined,
  reference: Node | undefined,
  report: RuleContext['report'],
  message: (key: string, reason: string) => string,
): void {
  const seen = new Set<string>();
  for (const { key: resource, via } of resolveKeys(template, reference)) {
    if (seen.has(resource.name)) continue;
    seen.add(resource.name);
    const reason = asymmetricReason(resource);
    if (reason) report({ at: via, message: message(resource.name, reason.text) });
  }
}

/** Other places that need a symmetric key: CodeBuild's `EncryptionKey`, S3 default SSE-KMS. */
function otherKeyUses(resource: TemplateResource): { node: Node; what: string }[] {
  const uses: { node: Node; what: string }[] = [];
  const properties = resource.properties;
  if (resource.type === 'AWS::CodeBuild::Project') {
    const key = getValue(properties, 'EncryptionKey');
    if (key) uses.push({ node: key, what: 'CodeBuild project' });
  } else if (resource.type === 'AWS::S3::Bucket') {
    const rules = getPath(properties, ['BucketEncryption', 'ServerSideEncryptionConfiguration']);
    for (const list of alternatives(rules)) {
      if (list.kind !== 'array') continue;
      for (const rule of list.items) {
        const key = getPath(rule, ['ServerSideEncryptionByDefault', 'KMSMasterKeyID']);
        if (key) uses.push({ node: key, what: 'S3 bucket' });
      }
    }
  }
  return uses;
}
