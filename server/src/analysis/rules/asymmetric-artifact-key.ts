import type { ArtifactStore, Pipeline, Template } from '../model';
import { asymmetricReason, resolveKeys } from '../pipeline/kms-keys';
import { spell } from '../pipeline/spelling';
import { defineRule, type RuleContext } from './rule';

export default defineRule({
  id: 'asymmetric-artifact-key',
  defaultSeverity: 'error',
  appliesTo: ['codepipeline', 'cloudformation'],
  fixable: false,
  docs: {
    summary:
      'A CodePipeline artifact store is encrypted with a KMS key that cannot encrypt artifacts: an asymmetric or HMAC key (`KeySpec` other than `SYMMETRIC_DEFAULT`, or `KeyUsage` other than `ENCRYPT_DECRYPT`), or an encryption key `type` other than `KMS`.',
    why: 'CodePipeline encrypts artifacts in the S3 artifact store with symmetric KMS keys only. With an asymmetric or HMAC key the pipeline fails at run time when the first action tries to write its artifact, long after the template deployed cleanly. The key is followed through `Ref`, `Fn::GetAtt`, `AWS::KMS::Alias` resources, `alias/` names and `Fn::Sub` ARNs inside the template; keys from parameters, imports or other stacks are unknown and never reported.',
    bad: {
      language: 'yaml',
      code: 'Resources:\n  ArtifactKey:\n    Type: AWS::KMS::Key\n    Properties:\n      KeySpec: RSA_2048\n      KeyUsage: ENCRYPT_DECRYPT\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      RoleArn: arn:aws:iam::111122223333:role/pipeline-role\n      ArtifactStore:\n        Type: S3\n        Location: app-artifacts\n        EncryptionKey:\n          Id: !GetAtt ArtifactKey.Arn\n          Type: KMS\n      Stages: []\n',
    },
    good: {
      language: 'yaml',
      code: 'Resources:\n  ArtifactKey:\n    Type: AWS::KMS::Key\n    Properties:\n      KeySpec: SYMMETRIC_DEFAULT\n      EnableKeyRotation: true\n  Pipeline:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      RoleArn: arn:aws:iam::111122223333:role/pipeline-role\n      ArtifactStore:\n        Type: S3\n        Location: app-artifacts\n        EncryptionKey:\n          Id: !GetAtt ArtifactKey.Arn\n          Type: KMS\n      Stages: []\n',
    },
    fix: 'Encrypt the artifact store with a symmetric encryption key (`KeySpec: SYMMETRIC_DEFAULT`, `KeyUsage: ENCRYPT_DECRYPT`, which are the defaults), and set the encryption key type to `KMS`. There is deliberately no quick-fix: changing `KeySpec` makes CloudFormation replace the key, and anything else that signs or verifies with the asymmetric key, or data already encrypted under it, would break. Create a separate symmetric key for the artifacts instead.',
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
      'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/symmetric-asymmetric.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html',
    ],
  },
  check({ model, report }) {
    for (const pipeline of model.pipelines) {
      for (const store of pipeline.artifactStores) {
        checkStore(pipeline, store, model.template, report);
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
  const seen = new Set<string>();
  for (const { key: resource, via } of resolveKeys(template, key.id)) {
    if (seen.has(resource.name)) continue;
    seen.add(resource.name);
    const reason = asymmetricReason(resource);
    if (!reason) continue;
    report({
      at: via,
      message: `The artifact store${where} is encrypted with KMS key "${resource.name}", which has ${reason.text}; CodePipeline can only use a symmetric encryption key (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT).`,
    });
  }
}
