/**
 * Why Scopewise disagrees with a source tool's label on a corpus file. Every disagreement found by
 * the sweep must match one of these (or be fixed); the text goes into docs/accuracy.md.
 */
export interface Explanation {
  readonly category: string;
  readonly kind: 'missed' | 'flagged';
  readonly pattern: RegExp;
  readonly why: string;
  /** Planned work that will close the gap, if any. */
  readonly until?: string;
}

const ROLE_POLICY_DOCUMENT =
  'The Guard fixture puts `PolicyDocument` directly on an `AWS::IAM::Role`, a property CloudFormation does not have (inline policies live under `Policies[].PolicyDocument`). Scopewise reads policies only where CloudFormation does.';

export const EXPLANATIONS: readonly Explanation[] = [
  {
    category: 'over-broad-action',
    kind: 'missed',
    pattern:
      /iam_role_no_wildcard_actions_on_permissions_tests\/0[45]_|no_allow_plus_not_action_tests\/04_IAM_Role_PolicyDocument/,
    why: ROLE_POLICY_DOCUMENT,
  },
  {
    category: 'over-broad-resource',
    kind: 'missed',
    pattern: /no_allow_plus_not_resource_tests\/04_IAM_Role_PolicyDocument/,
    why: ROLE_POLICY_DOCUMENT,
  },
  {
    category: 'over-broad-action',
    kind: 'flagged',
    pattern:
      /iam_policy_no_statements_with_admin_access_tests|iam_role_administrator_access_policy_rule_tests/,
    why: "Guard's rule checks only for full administrator access in a specific place (a statement, or the AdministratorAccess managed policy); the file still grants `*` or `s3:*` elsewhere, which `wildcard-action` reports by design.",
  },
  {
    category: 'over-broad-action',
    kind: 'flagged',
    pattern: /example_IAM(Admin|StarAction)PolicyDocument\/.*\.pass\.json/,
    why: 'Checkov (CKV_AWS_62/63) only looks for `"Action": "*"`. The file grants `s3:PutObject*`, which includes `s3:PutObjectAcl` and `s3:PutObjectVersionAcl` (Permissions management): a real over-grant that `wildcard-action` reports.',
  },
  {
    category: 'over-broad-resource',
    kind: 'flagged',
    pattern:
      /iam_policy_no_statements_with_admin_access_tests|iam_role_administrator_access_policy_rule_tests/,
    why: 'Guard\'s admin-access rule is not about resources; the file applies `s3:Get*` (or broader) to `"Resource": "*"`, which reaches every bucket and object in the account and is what `wildcard-resource` reports.',
  },
  {
    category: 'over-broad-resource',
    kind: 'flagged',
    pattern: /Cloudsplaining_[A-Za-z]+\/PASSED\.yaml/,
    why: "Checkov's Cloudsplaining checks pass a read-only statement because they look for write, permissions-management or exfiltration risk; Scopewise reports `s3:Get*` on `*` because those reads can be limited to named buckets.",
  },
  {
    category: 'passrole-unscoped',
    kind: 'flagged',
    pattern: /properly_scoped_PassRole_Resource_PASS/,
    why: 'The roles are named, so there is no error; the warning is that no `iam:PassedToService` condition limits which services they can be passed to, which AWS recommends and Guard does not check.',
  },
  {
    category: 'passrole-unscoped',
    kind: 'flagged',
    pattern: /Passrole_with_Resource_but_Condition_limits_Resource_PASS/,
    why: 'Guard accepts `iam:PassRole` on `"Resource": "*"` when an `iam:PassedToService` condition is present. Scopewise still reports it: any role, administrator roles included, can be passed to that service, which remains an escalation path.',
  },
  {
    category: 'unknown-action',
    kind: 'missed',
    pattern: /test_iam_permissions\/021_invalid_s3_bucket_action/,
    why: 'cfn-lint reports `iam:tagrole` because it appears in an S3 bucket policy, where only `s3:` actions apply. The corpus extracted the action into a standalone identity policy, where `iam:TagRole` is a real action. In a bucket policy, `action-resource-mismatch` reports it (see its fixtures).',
  },
  {
    category: 'unknown-action',
    kind: 'missed',
    pattern:
      /iam-dataset\/aws\/managedpolicies\/(DeclarativePoliciesEC2Report|NetworkSecurityManagerServiceRolePolicy)\.json/,
    why: 'iam-dataset marks an action unknown that the bundled IAM catalog (2026-09-26) knows: AWS added it after the dataset was built.',
  },
  {
    category: 'unknown-action',
    kind: 'flagged',
    pattern:
      /iam-dataset\/aws\/managedpolicies\/AWSIAMIdentityCenterAllowListForIdentityContext\.json/,
    why: 'The managed policy (version of 2024-10-01) lists `qapps:ImportDocumentToQApp` and `qapps:ImportDocumentToQAppSession`, which the current Service Authorization Reference no longer has; IAM ignores them, so the finding is accurate for the catalog date.',
  },
  {
    category: 'malformed-policy',
    kind: 'missed',
    pattern: /test_(identity|resource)_policy\/|ref-no-value\.yaml/,
    why: 'The file is `{"Version": "2012-10-18"}` with no `Statement`. A document is an IAM policy when it has a top-level `Statement` (DESIGN section 2), so Scopewise treats this one as some other JSON and says nothing, rather than guessing.',
  },
  {
    category: 'malformed-policy',
    kind: 'flagged',
    pattern: /test_iam_policy_version\/|test_resource_policy_resource_arn\//,
    why: "The file is a bare value from cfn-lint's unit test (`2012-10-17`, `arn:aws:s3:::bucket`), not a JSON document; named explicitly, it is reported as `parse-error`, which is correct for a `.json` file.",
  },
  {
    category: 'malformed-policy',
    kind: 'flagged',
    pattern: /managedpolicies\/AWSDeepRacer(AccountAdminAccess|DefaultMultiUserAccess)\.json/,
    why: "The policy tests `deepracer:` condition keys, and the bundled IAM catalog has no DeepRacer service at all (iam-dataset itself lists these files' DeepRacer actions as unknown); `unknown-condition-key` reports the keys.",
  },
  {
    category: 'malformed-policy',
    kind: 'flagged',
    pattern:
      /managedpolicies\/(AWSSSOServiceRolePolicy|AmazonDataZoneGlueManageAccessRolePolicy)\.json/,
    why: 'The policy uses a condition key the Service Authorization Reference no longer lists (`aws:PrincipalOrgMasterAccountId`, `lakeformation:GlueARN`); `unknown-condition-key` reports it as a warning with the catalog date.',
  },
  {
    category: 'malformed-policy',
    kind: 'flagged',
    pattern:
      /managedpolicies\/(AmazonCodeGuruReviewer(FullAccess|ServiceRolePolicy)|TagGovernancePolicy|TagPoliciesServiceRolePolicy)\.json/,
    why: 'An Allow uses `ForAllValues:` on a single-valued key (`codestar-connections:ProviderAction`, `organizations:ServicePrincipal`). `ForAllValues` is true when the key is absent from the request, so the condition may not limit anything; `condition-operator-mismatch` warns. iam-dataset does not check condition semantics.',
  },
  {
    category: 'insecure-bucket',
    kind: 'missed',
    pattern:
      /amazon_s3\/tests\/s3_(bucket_level_public_access_prohibited|bucket_public_(read|write|rw)_(prohibited|acl)|bucket_server_side_encryption_enabled|default_encryption_kms|bucket_ssl_requests_only)_tests\/|CodeBuildProjectEncryption-FAILED/,
    why: 'Bucket encryption, TLS-only policies, public-access blocks and ACLs are the job of `bucket-encryption`, `bucket-insecure-transport` and related rules, which are not implemented yet; only `public-principal` of this category exists.',
    until: 'the bucket and encryption rules (DESIGN section 4)',
  },
];
