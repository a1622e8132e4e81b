import { describeFullAccess } from '../iam/full-access';
import { managedPolicyRefs } from '../iam/managed-policy-refs';
import type { FullAccessGrant } from '../iam/data';
import type { TemplateResource } from '../model';
import { defineRule } from './rule';

export default defineRule({
  id: 'managed-policy-admin',
  defaultSeverity: 'error',
  appliesTo: ['cloudformation'],
  fixable: false,
  docs: {
    summary: `
      An attached AWS managed policy grants full or near-full access (\`AdministratorAccess\`,
      \`PowerUserAccess\`, \`IAMFullAccess\`, ...).
    `,
    why: `
      A role, user, group, IAM Identity Center permission set or SAM function that holds one of
      these policies can do nearly anything in the account, so one leaked credential or one
      compromised build step is a compromised account. Which AWS managed policies count is derived
      from the bundled copy of every AWS managed policy: those whose Allow statements on
      \`"Resource": "*"\` without a \`Condition\` grant every action, every action but a few
      services listed in \`NotAction\` (at least nine in ten of all actions), every IAM action, or
      every IAM action of the Permissions management access level (attaching and writing policies,
      changing trust), since with IAM a principal can grant itself the rest. The rule's page lists
      the policies this gives.

      The finding is on the policy's entry in \`ManagedPolicyArns\` (roles, users, groups),
      \`ManagedPolicies\` (\`AWS::SSO::PermissionSet\`) or SAM \`Policies\` (by name or ARN),
      written as a literal ARN in any partition, \`!Sub 'arn:\${AWS::Partition}:iam::aws:policy/...'\`
      or the equivalent \`Fn::Join\`. This rule alone reports these policies: the over-broad rules
      judge the statements written in the template, not the ARN. A permissions boundary
      (\`PermissionsBoundary\`) or a \`Condition\` in the role's trust policy may limit who uses the
      role or what a session can do, but the policy is still attached and is still reported;
      \`AdministratorAccess\` as a boundary is not an attachment and is never reported. An entry
      the template cannot know (\`!Ref PolicyArn\`, even with a default) is not reported either.
    `,
    fix: `
      Attach a policy that grants only what the principal needs: a narrower AWS managed policy (a
      service's \`ReadOnly\` or job-function policy), or your own \`AWS::IAM::ManagedPolicy\` with
      the actions and resources the workload uses, which the other rules then check. There is no
      quick-fix: removing access cannot be done safely without knowing what the principal uses. If
      the access is intended (a break-glass administrator role), suppress the finding on that
      resource with \`Metadata: { scopewise: { ignore: [managed-policy-admin] } }\`.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-use-aws-defined-policies',
    ],
  },
  check({ model, catalog, report }) {
    if (!model.template) return;
    for (const ref of managedPolicyRefs(model.template)) {
      const policy = catalog.managedPolicies.named(ref.name, ref.path);
      if (!policy?.fullAccess) continue;
      report({
        at: ref.node,
        message: `AWS managed policy ${policy.name} grants ${holder(ref.resource)} ${describeFullAccess(policy.fullAccess)}${consequence(policy.fullAccess)}; attach a policy that grants only the actions and resources it needs.`,
      });
    }
  },
});

const HOLDERS: ReadonlyMap<string, string> = new Map([
  ['AWS::IAM::Role', 'role'],
  ['AWS::IAM::User', 'user'],
  ['AWS::IAM::Group', 'group'],
  ['AWS::SSO::PermissionSet', 'permission set'],
  ['AWS::Serverless::Function', 'the role of function'],
  ['AWS::Serverless::StateMachine', 'the role of state machine'],
]);

function holder(resource: TemplateResource): string {
  return `${HOLDERS.get(resource.type) ?? 'resource'} "${resource.name}"`;
}

function consequence(grant: FullAccessGrant): string {
  return grant.kind === 'iam' || grant.kind === 'iam-permissions-management'
    ? ', enough to grant itself any other permission'
    : '';
}
