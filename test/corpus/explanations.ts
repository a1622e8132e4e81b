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
    pattern: /CodeBuildProjectEncryption-FAILED/,
    why: 'Checkov CKV_AWS_78 is about a CodeBuild project that turns off artifact encryption (`EncryptionDisabled: true`), not about a bucket; no Scopewise rule checks CodeBuild artifact settings yet.',
    until: 'issue 4 (CodeBuild settings next to pipeline artifacts)',
  },
  {
    category: 'insecure-bucket',
    kind: 'flagged',
    pattern:
      /s3_bucket_(level_public_access_prohibited|public_read_acl|public_read_prohibited|public_rw_acl|public_write_prohibited)_tests\/0[34]_/,
    why: 'Guard checked public access blocks or ACLs, which these buckets get right. They have no KMS default encryption and no TLS-only bucket policy, which `bucket-encryption` and `bucket-insecure-transport` report.',
  },
  {
    category: 'insecure-bucket',
    kind: 'flagged',
    pattern:
      /s3_(bucket_server_side_encryption_enabled|default_encryption_kms)_tests\/03_S3_Bucket_Encryption_set_to_SSE_AES_256_PASS/,
    why: 'Guard accepts SSE-S3 (`AES256`). `bucket-encryption` asks for SSE-KMS, a key the account controls and audits and can share with the accounts a pipeline deploys to; it also finds no TLS-only policy.',
  },
  {
    category: 'insecure-bucket',
    kind: 'flagged',
    pattern:
      /s3_(bucket_server_side_encryption_enabled|default_encryption_kms)_tests\/04_S3_Bucket_Encryption_set_to_SSE_AWS_KMS_key_PASS/,
    why: 'The encryption passes, as Guard says; the bucket has no policy denying requests without TLS, which `bucket-insecure-transport` reports.',
  },
  {
    category: 'insecure-bucket',
    kind: 'flagged',
    pattern: /s3_bucket_ssl_requests_only_tests\/0[89]_/,
    why: 'The TLS-only policy passes, as Guard says; the bucket sets no default encryption, which `bucket-encryption` reports.',
  },
  {
    category: 'hardcoded-credential',
    kind: 'missed',
    pattern:
      /_tests\/\d+_(Users_do_not_exists|Password_does_not_exists|LoginProfile_does_not_exists)\.yaml/,
    why: 'The fixture has no password property at all (Guard marks "property does not exist" as a failure of its own check); there is no credential in the template to report.',
  },
  {
    category: 'hardcoded-credential',
    kind: 'missed',
    pattern:
      /iam_user_login_profile_no_plaintext_password_tests\/0[89]_Password_is_resolved_from_(secretsmanager|ssm_secure)/,
    why: 'The password comes from a `{{resolve:secretsmanager:...}}` or `{{resolve:ssm-secure:...}}` dynamic reference, which is exactly what Scopewise recommends; the Guard test labels it a failure.',
  },
  {
    category: 'hardcoded-credential',
    kind: 'missed',
    pattern: /codebuild_project_source_repo_url_check_tests\/0[46]_/,
    why: 'The source URL has the form `https://token@host` with a user part and no password. `credentials-in-url` reports `user:password@` only, since user-only URLs (`https://user@bitbucket.org/...`) are everyday clone URLs.',
  },
  {
    category: 'hardcoded-credential',
    kind: 'missed',
    pattern: /checkov\/.*\/example_(EC2Credentials|LambdaEnvironmentCredentials)\//,
    why: "The keys are AWS's documented example credentials (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`) or filler such as `AKIAAAAAAAAAAAAAAAAA`; Scopewise never reports them (DESIGN section 4), and checkov's own fixtures mark them `checkov:skip`.",
  },
  {
    category: 'hardcoded-credential',
    kind: 'flagged',
    pattern: /cfn-lint\/test\/fixtures\/templates\/good\/resources\/properties\/password\.yaml/,
    why: 'A `NoEcho` parameter has a literal `Default` that is used as `MasterUserPassword`; cfn-lint accepts a default with `NoEcho`, but the value is still stored in the template, and the Guard registry labels the same pattern a failure.',
  },
  {
    category: 'hardcoded-credential',
    kind: 'flagged',
    pattern:
      /cfn-lint\/test\/fixtures\/templates\/(integration\/resources-cloudformation-init|public\/lambda-poller)\.(yaml|json)/,
    why: 'A parameter that holds a password or access token (`DBPassword`, `WorkableAccessToken`) has no `NoEcho`, so CloudFormation shows it in the console and API; cfn-lint has no such check, so its "clean" is not a verdict on it.',
  },
];
