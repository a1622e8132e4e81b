import { getValue } from '../document';
import { checkResourceArn } from '../iam/arn';
import { arnAlternatives } from '../iam/arn-values';
import { checkPrincipal } from '../iam/arn-principal';
import { stringItems } from '../model';
import { defineRule } from './rule';

export default defineRule({
  id: 'invalid-arn',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      A \`Resource\`, \`NotResource\` or \`Principal\` value is not a well-formed ARN: wrong number
      of parts, unknown partition or service, a malformed Region or account, or a resource part that
      fits none of the service's ARN formats.
    `,
    why: `
      IAM rejects a policy with a malformed resource ARN, and a resource policy with a malformed
      principal; where a service stores the policy anyway, a statement whose ARN names no real
      resource silently matches nothing. Each part is checked on its own (partition, service
      namespace, Region code, 12-digit account), then the whole ARN against the ARN formats the IAM
      catalog lists for the service. Wildcards, policy variables (\`\${aws:username}\`) and
      CloudFormation substitutions (\`\${AWS::Region}\`, \`\${Bucket.Arn}\`) are respected: a part
      is only reported when no value of them could make it valid, and a value the engine cannot know
      (a parameter, an import, a dynamic reference) is never reported.
    `,
    fix: `
      Write the ARN in the format the service documents (the message names the part at fault and,
      for the resource part, the formats that would fit). In templates, build it with \`!Sub\` and
      the pseudo parameters (\`arn:\${AWS::Partition}:s3:::\${Bucket}/*\`) or take it from the
      resource (\`!GetAtt Bucket.Arn\`).
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
    ],
  },
  check({ model, catalog, report }) {
    for (const policy of model.policies) {
      for (const statement of policy.statements) {
        for (const element of ['Resource', 'NotResource'] as const) {
          for (const item of statement.values(element)) {
            // Each `Fn::If` branch inside a `Fn::Sub` or `Fn::Join` is judged on its own.
            const message = arnAlternatives(catalog, model, item.node)
              .map((pieces) => checkResourceArn(catalog, pieces))
              .find((m) => m !== undefined);
            if (message) report({ at: item.node, message });
          }
        }
        for (const element of ['Principal', 'NotPrincipal'] as const) {
          const principal = statement.element(element)?.value;
          if (principal?.kind !== 'object') continue;
          for (const item of stringItems(getValue(principal, 'AWS'))) {
            const message = arnAlternatives(catalog, model, item.node)
              .map((pieces) => checkPrincipal(pieces))
              .find((m) => m !== undefined);
            if (message) report({ at: item.node, message });
          }
        }
      }
    }
  },
});
