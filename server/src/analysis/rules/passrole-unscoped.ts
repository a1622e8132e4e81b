import { conditionFixes, placeholderFixes, scopeFixes, splitFixes } from '../fixes/passrole-fixes';
import { conditionHasKey, patternCovers, starResources } from '../iam/statement';
import type { ResolvedValue, Statement } from '../model';
import { defineRule } from './rule';

const PASS_ROLE = 'iam:PassRole';

export default defineRule({
  id: 'passrole-unscoped',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      An Allow statement grants \`iam:PassRole\` (directly or through a wildcard such as \`*\`,
      \`iam:*\` or \`iam:Pass*\`) on \`"Resource": "*"\` or with \`NotResource\`; a warning when the
      roles are named but no \`iam:PassedToService\` condition limits where they go.
    `,
    why: `
      Passing a role hands its permissions to a service: whoever may pass any role can start a
      build, a function or a stack that runs as the most privileged role in the account, which is a
      direct path to privilege escalation. Scope \`iam:PassRole\` to the roles the workload really
      passes, and limit the services they are passed to with \`iam:PassedToService\`. Deny
      statements never fire this rule.
    `,
    fix: `
      Name the roles and add \`iam:PassedToService\`. Inside a template the quick-fixes replace
      \`*\` with the roles actually passed. In a CodePipeline service role these are the roles its
      actions hand over (CloudFormation \`RoleArn\`, ...): one fix names them all, limited to the
      services that receive them, then one fix per role; a role written as a literal ARN or a
      parameter is copied as written. Roles that CodePipeline reads from elsewhere (the task roles
      of an ECS task definition) cannot be seen in the template. Otherwise the fixes offer the roles
      that the template's resources run as (a CodeBuild project's \`ServiceRole\`, a Lambda
      function's \`Role\`, a state machine's \`RoleArn\`, ECS task roles, EventBridge targets,
      instance profiles), with the service of that property when the role's trust policy agrees,
      then the roles whose trust policy names some service. When the \`*\` is one branch of an
      \`Fn::If\`, the condition is added only if every other branch passes roles to the same
      services; otherwise the fix scopes that branch alone and says so. When \`iam:PassRole\` is
      listed among other actions on \`*\`, the fix moves it to a statement of its own (same \`Sid\`
      with \`PassRole\` appended, same \`Condition\` plus \`iam:PassedToService\`) and leaves the
      other actions as they were. When no role to pass is known (a standalone policy, a deploy role
      whose roles live elsewhere), a fix still scopes the grant: to a role ARN to fill in
      (\`placeholder-value\` reports it until then) with \`iam:PassedToService\` naming the services
      the statement's other actions, or the policy's, hand roles to (\`codebuild.amazonaws.com\`
      beside \`codebuild:StartBuild\`, \`cloudformation.amazonaws.com\` in a deploy role). The fixes
      are unsafe: they take access away.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService',
    ],
  },
  check({ document, model, report }) {
    for (const policy of model.policies) {
      // Trust policies cannot grant PassRole and IoT policies grant IoT actions alone.
      if (policy.type === 'trust' || policy.type === 'iot') continue;
      for (const statement of policy.statements) {
        if (statement.effect !== 'Allow') continue;
        const grant = passRoleGrant(statement);
        if (!grant) continue;
        const how =
          grant.value.toLowerCase() === PASS_ROLE.toLowerCase()
            ? `"${grant.value}"`
            : `"${grant.value}" grants ${PASS_ROLE} and`;
        const limited = conditionHasKey(statement, 'iam:PassedToService');
        const notResource = statement.element('NotResource');
        const stars = starResources(statement);
        if (notResource || stars.length > 0) {
          report({
            at: grant.node,
            message: `${how} applies to ${notResource ? 'every role outside NotResource' : 'every role ("Resource": "*")'}: whoever holds this can hand any role, including administrator roles, to a service. ${limited ? 'Name the roles.' : 'Name the roles and limit them with iam:PassedToService.'}`,
            fixes: () => {
              if (notResource) return [];
              const fixes = passRoleOnly(statement)
                ? scopeFixes(document, model, statement, stars)
                : stars.length === 1 && stars[0]
                  ? splitFixes(document, model, statement, stars[0])
                  : [];
              // PassRole always has a way out, even when no role to pass is known.
              return fixes.length > 0 ? fixes : placeholderFixes(document, model, statement, stars);
            },
          });
        } else if (
          !conditionHasKey(statement, 'iam:PassedToService') &&
          statement.values('Resource').some(couldBeRole)
        ) {
          report({
            at: grant.node,
            severity: 'warning',
            message: `${how} names its roles but no "iam:PassedToService" condition limits which services they can be passed to.`,
            fixes: () => conditionFixes(document, model, statement),
          });
        }
      }
    }
  },
});

/** The first known action entry that grants PassRole, or (for NotAction) the NotAction element. */
function passRoleGrant(statement: Statement) {
  const notAction = statement.element('NotAction');
  if (notAction) {
    const excluded = statement.values('NotAction');
    if (excluded.some((e) => e.value === undefined || patternCovers(e.value, PASS_ROLE)))
      return undefined;
    return { node: notAction.key, value: 'NotAction' };
  }
  // Point at `iam:PassRole` itself when it is written out, else at the first wildcard that covers it.
  const granting = statement
    .values('Action')
    .filter((entry) => entry.value !== undefined && patternCovers(entry.value, PASS_ROLE));
  const grant =
    granting.find((entry) => entry.value?.toLowerCase() === PASS_ROLE.toLowerCase()) ?? granting[0];
  return grant?.value === undefined ? undefined : { node: grant.node, value: grant.value };
}

function passRoleOnly(statement: Statement): boolean {
  const actions = statement.values('Action');
  return (
    actions.length > 0 && actions.every((a) => a.value?.toLowerCase() === PASS_ROLE.toLowerCase())
  );
}

/**
 * Whether a resource can name a role: a role ARN or a pattern that reaches roles, a `!GetAtt X.Arn`
 * of a template role, or a `!Sub`/`!Join` whose known text does (any `Fn::If` branch). Unknown
 * values (a parameter, an import) are not assumed to be roles: unknown is not bad. Parameter
 * defaults are not used either: the deployer passes the real value.
 */
function couldBeRole(resource: ResolvedValue): boolean {
  return resource.resolved.some((resolved) => {
    const only = resolved.segments.length === 1 ? resolved.segments[0] : undefined;
    if (only?.kind === 'hole') {
      return (
        only.source.kind === 'resource' &&
        only.source.type === 'AWS::IAM::Role' &&
        only.source.attribute === 'Arn'
      );
    }
    const known = resolved.segments.filter((s) => s.kind === 'text' && s.parameter === undefined);
    if (known.length === 0) return false;
    const glob = resolved.segments
      .map((s) => (s.kind === 'text' && s.parameter === undefined ? s.text : '*'))
      .join('');
    return arnCouldBeRole(glob);
  });
}

function arnCouldBeRole(arn: string): boolean {
  const parts = arn.split(':');
  const [, , service = '', , , ...rest] = parts;
  const resource = rest.join(':');
  if (parts.length < 6) return arn.includes('*');
  const wild = (s: string) => /[*?]/.test(s);
  return (
    (service === 'iam' || wild(service)) &&
    (resource.startsWith('role/') || /^[^/]*[*?]/.test(resource))
  );
}
