import type { ParsedDocument } from '../document';
import { insertProperty } from '../edits';
import {
  intrinsicName,
  type Action,
  type ArtifactStore,
  type Pipeline,
  type Template,
} from '../model';
import { symmetricKeys } from '../model/buckets';
import { isOtherAccount, pipelineAccounts, roleAccounts } from '../pipeline/role-accounts';
import { actionLabel, keyOf, spell } from '../pipeline/spelling';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'artifact-store-default-key',
  defaultSeverity: 'info',
  appliesTo: ['codepipeline', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A CodePipeline artifact store (\`artifactStore\`, or an entry of \`artifactStores\`) without
      an encryption key, so artifacts are encrypted with the AWS managed key \`aws/s3\`; an error
      when an action of the pipeline assumes a role in another account.
    `,
    why: `
      Without \`encryptionKey\` CodePipeline encrypts the artifacts with the account's AWS managed
      S3 key. You cannot change that key's policy, so no other account can ever decrypt the
      artifacts, and you cannot choose its rotation or disable it. That is harmless for a pipeline
      that stays in one account, which is why the finding is informational. It is an error when an
      action has a \`roleArn\` in another account (a cross-account deployment): that role cannot
      read its input artifacts, and the action fails at run time. An account counts as another one
      when the role ARN's literal account differs from the pipeline's own account (taken from the
      pipeline's \`roleArn\`; in templates, \`\${AWS::AccountId}\` and roles of the template are the
      pipeline's account, and a literal account counts as another one unless the pipeline role names
      it). Role ARNs built from parameters or imports are unknown and never raise the severity.
    `,
    fix: `
      Create a symmetric customer managed KMS key (with rotation on), allow the pipeline's service
      role, and every cross-account action role, to use it in the key policy (\`kms:Decrypt\`,
      \`kms:GenerateDataKey*\`, \`kms:DescribeKey\`, and \`kms:Encrypt\`/\`kms:ReEncrypt*\` for
      roles that write artifacts), and set the store's encryption key to it with type \`KMS\`. In a
      template that declares exactly one symmetric \`AWS::KMS::Key\`, the quick-fix adds
      \`EncryptionKey: { Id: !GetAtt Key.Arn, Type: KMS }\` to the store. It is marked unsafe: until
      the key policy lets the pipeline's roles use the key, the next run fails, and artifacts
      already in the bucket stay under the old key. There is no fix for \`get-pipeline\` JSON or
      templates with no or several candidate keys, since choosing a key is a decision the engine
      cannot make.
    `,
    references: [
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html',
      'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html',
      'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html',
      'https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-cmk',
    ],
  },
  check({ document, model, report }) {
    for (const pipeline of model.pipelines) {
      for (const store of pipeline.artifactStores) {
        // A store written as an intrinsic is not known to lack a key.
        if (store.encryptionKey !== undefined || intrinsicName(store.node) !== undefined) continue;
        const where = store.region?.value !== undefined ? ` for region ${store.region.value}` : '';
        const crossAccount = otherAccountAction(pipeline, store, model.template);
        const key = spell(pipeline, 'encryptionKey');
        const message = crossAccount
          ? `The artifact store${where} has no ${key}, so artifacts use the AWS managed key aws/s3, which no other account can use, but ${lowerFirst(actionLabel(crossAccount.action))} runs as a role in account ${crossAccount.account}; set ${key} to a customer managed KMS key whose policy allows that role.`
          : `The artifact store${where} has no ${key}, so artifacts use the AWS managed key aws/s3, which you cannot rotate on your own schedule or share with other accounts; set ${key} to a customer managed KMS key.`;
        report({
          at: keyOf(store.node),
          message,
          severity: crossAccount ? 'error' : undefined,
          fixes: fixes(document, store, model.template),
        });
      }
    }
  },
});

/**
 * The first action whose role is in another account and that may use this store: an action with
 * a literal region other than the store's own reads from its own region's store.
 */
function otherAccountAction(
  pipeline: Pipeline,
  store: ArtifactStore,
  template: Template | undefined,
): { action: Action; account: string } | undefined {
  const own = pipelineAccounts(pipeline, template);
  for (const stage of pipeline.stages) {
    for (const action of stage.actions) {
      const region = action.region?.value;
      if (
        store.region?.value !== undefined &&
        region !== undefined &&
        region !== store.region.value
      )
        continue;
      for (const account of roleAccounts(template, action.roleArn)) {
        if (account.kind === 'literal' && isOtherAccount(account, own, pipeline.spelling)) {
          return { action, account: account.id };
        }
      }
    }
  }
  return undefined;
}

/** In templates with exactly one symmetric KMS key: use it for the store. */
function fixes(
  document: ParsedDocument,
  store: ArtifactStore,
  template: Template | undefined,
): Fix[] {
  if (!template) return [];
  const keys = symmetricKeys(template);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) return [];
  const edit = insertProperty(document, store.node, 'EncryptionKey', {
    map: [
      ['Id', { getAtt: [key, 'Arn'] }],
      ['Type', 'KMS'],
    ],
  });
  return edit
    ? [{ title: `Encrypt the artifact store with KMS key "${key}"`, safe: false, edits: [edit] }]
    : [];
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
