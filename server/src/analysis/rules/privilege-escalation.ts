import type { Node } from '../document';
import { ESCALATION_PATHS, type EscalationPath } from '../iam/escalation';
import { compileGlob, globMatches } from '../iam/glob';
import { conditionBranches, requiresMatch } from '../iam/principal-conditions';
import { conditionHasKey, patternCovers, starResources } from '../iam/statement';
import type { Policy, Statement } from '../model';
import { defineRule } from './rule';

/** A merged message names at most this many paths. */
const MAX_NAMED = 4;
/** Template resources whose inline policies all apply to the same principal. */
const PRINCIPALS = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);

export default defineRule({
  id: 'privilege-escalation',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      An identity policy grants a known privilege-escalation path on unscoped resources: an IAM
      action that rewrites permissions (\`iam:CreatePolicyVersion\`, \`iam:AttachRolePolicy\`,
      \`iam:PutUserPolicy\`, \`iam:UpdateAssumeRolePolicy\`, \`iam:CreateAccessKey\`, ...) or
      \`iam:PassRole\` together with an action that makes a service run as the passed role
      (\`lambda:CreateFunction\`, \`ec2:RunInstances\`, \`cloudformation:CreateStack\`,
      \`codebuild:CreateProject\`, ...).
    `,
    why: `
      Some permissions are worth more than they look: whoever holds them can give themselves, or a
      resource they control, more permissions, up to administrator. The rule reads all Allow
      statements of a policy together (and, in a template, all inline policies of the same role,
      user or group), so a path split across statements is found. A path counts only when its key
      action reaches every resource of its kind: \`"Resource": "*"\`, \`NotResource\`, or a pattern
      that matches any name, such as \`arn:aws:iam::111122223333:role/*\`. A role pattern with a
      path (\`role/service-role/*\`) or a name prefix (\`role/build-*\`) is scoped and not reported.
      For the PassRole paths that action is \`iam:PassRole\`, and an \`iam:PassedToService\`
      condition that excludes the service closes the path; the companion actions only need to be
      granted. \`iam:PassRole\` on \`"Resource": "*"\` or through \`NotResource\` is already an error of
      \`passrole-unscoped\` at the same place, with the same remedy, so this rule reports the PassRole
      paths only when a role pattern (\`arn:aws:iam::*:role/*\`) opens them: one risk, one finding.

      The paths: \`iam:CreatePolicyVersion\`, \`iam:SetDefaultPolicyVersion\` (on policies);
      \`iam:AttachUserPolicy\`, \`iam:PutUserPolicy\`, \`iam:CreateAccessKey\`,
      \`iam:CreateLoginProfile\`, \`iam:UpdateLoginProfile\` (on users); \`iam:AttachGroupPolicy\`,
      \`iam:PutGroupPolicy\`, \`iam:AddUserToGroup\` (on groups); \`iam:AttachRolePolicy\`,
      \`iam:PutRolePolicy\`, \`iam:UpdateAssumeRolePolicy\` (on roles);
      \`lambda:UpdateFunctionCode\` (on functions); \`glue:UpdateDevEndpoint\` (on development
      endpoints); and \`iam:PassRole\` on every role together with \`lambda:CreateFunction\` plus
      \`lambda:InvokeFunction\` or \`lambda:CreateEventSourceMapping\`; \`ec2:RunInstances\`;
      \`cloudformation:CreateStack\`; \`codebuild:CreateProject\` plus \`codebuild:StartBuild\` or
      \`codebuild:StartBuildBatch\`; \`glue:CreateDevEndpoint\`; \`datapipeline:CreatePipeline\`,
      \`PutPipelineDefinition\` and \`ActivatePipeline\`; \`sagemaker:CreateNotebookInstance\` plus
      \`CreatePresignedNotebookInstanceUrl\`.

      What does not count: Deny statements, which only take permissions away (an unconditional Deny
      of the action on \`*\` in the same policy closes the path); actions the catalog does not know;
      values the engine cannot read (a \`Ref\` to a role ARN is taken as scoped); and, for the
      attach and put actions, a statement that requires \`iam:PolicyARN\` or
      \`iam:PermissionsBoundary\` to match, or that matches on resource tags, since those confine
      what the action can do. Other conditions (MFA, source network, Region) leave the path open for
      whoever meets them. Each path is reported once, on the action that opens it; paths opened by
      the same entry (typically \`"*"\` or \`iam:*\`) share one finding that names them all.
      Administrator policies therefore get one finding on their \`*\`.
    `,
    fix: `
      Scope the key action to the resources the workload manages (name the roles it passes, the
      users whose keys it rotates), add \`iam:PassedToService\` to PassRole, limit attach actions
      with \`iam:PolicyARN\`, or require a permissions boundary with \`iam:PermissionsBoundary\`.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-versioning.html',
    ],
  },
  check({ model, report }) {
    for (const statements of principalGroups(model.policies)) {
      const allows = statements.filter((s) => s.effect === 'Allow');
      const denies = statements.filter((s) => s.effect === 'Deny' && !s.element('Condition'));
      const denied = (action: string) => denies.some((d) => denyCovers(d, action));
      const found = new Map<
        Node,
        { value: string; paths: string[]; path: EscalationPath; statement: Statement }
      >();
      for (const path of ESCALATION_PATHS) {
        if (denied(path.primary)) continue;
        const companions = companionsOf(path, allows, denied);
        if (!companions) continue;
        const opening = allows
          .map((s) => ({ statement: s, grant: grantOf(s, path.primary) }))
          .find(
            ({ statement, grant }) =>
              grant &&
              unscoped(statement, path) &&
              !confined(statement, path) &&
              !passRoleOwned(statement, path),
          );
        if (!opening?.grant) continue;
        const name = [path.primary, ...companions].join(' + ');
        const entry = found.get(opening.grant.node);
        if (entry) entry.paths.push(name);
        else
          found.set(opening.grant.node, {
            value: opening.grant.value,
            paths: [name],
            path,
            statement: opening.statement,
          });
      }
      for (const [node, { value, paths, path, statement }] of found) {
        report({ at: node, message: message(value, paths, path, statement) });
      }
    }
  },
});

/** Identity policies, grouped so that policies of one template principal are read together. */
function principalGroups(policies: readonly Policy[]): Statement[][] {
  const groups = new Map<string, Statement[]>();
  policies.forEach((policy, i) => {
    if (policy.type !== 'identity') return;
    const owner = policy.resource;
    const key = owner && PRINCIPALS.has(owner.type) ? `resource:${owner.name}` : `policy:${i}`;
    const group = groups.get(key) ?? [];
    group.push(...policy.statements);
    groups.set(key, group);
  });
  return [...groups.values()];
}

/** The node that grants an action in a statement: the action itself, a pattern, or `NotAction`. */
function grantOf(statement: Statement, action: string): { node: Node; value: string } | undefined {
  const notAction = statement.element('NotAction');
  if (notAction) {
    const excluded = statement.values('NotAction');
    if (excluded.some((e) => e.value === undefined || patternCovers(e.value, action)))
      return undefined;
    return { node: notAction.key, value: 'NotAction' };
  }
  const covering = statement
    .values('Action')
    .filter((e): e is typeof e & { value: string } => e.value !== undefined)
    .filter((e) => patternCovers(e.value, action));
  const grant = covering.find((e) => e.value.toLowerCase() === action.toLowerCase()) ?? covering[0];
  return grant && { node: grant.node, value: grant.value };
}

/** The companion actions granted for a path (the first granted of `withAny`), or undefined. */
function companionsOf(
  path: EscalationPath,
  allows: readonly Statement[],
  denied: (action: string) => boolean,
): string[] | undefined {
  const granted = (action: string) =>
    !denied(action) && allows.some((s) => grantOf(s, action) !== undefined);
  if (!(path.with ?? []).every(granted)) return undefined;
  if (!path.withAny) return [...(path.with ?? [])];
  const any = path.withAny.find(granted);
  return any ? [...(path.with ?? []), any] : undefined;
}

/**
 * PassRole on `*` or through `NotResource` is passrole-unscoped's finding, at the same node and
 * with the same remedy (the precedence table in ARCHITECTURE.md): one risk, one finding.
 */
function passRoleOwned(statement: Statement, path: EscalationPath): boolean {
  return (
    path.primary === 'iam:PassRole' &&
    (statement.element('NotResource') !== undefined || starResources(statement).length > 0)
  );
}

/** Whether the statement applies to every resource of the path's target kind. */
function unscoped(statement: Statement, path: EscalationPath): boolean {
  if (statement.element('NotResource')) return true;
  const service = path.primary.split(':')[0] ?? '';
  return statement
    .values('Resource')
    .some((r) => r.value !== undefined && coversEvery(r.value, service, path.target));
}

/**
 * Whether an ARN pattern matches every resource of a kind in some account: `*`,
 * `arn:aws:iam::*:role/*`, `arn:aws:iam::111122223333:*`; not `role/build-*` or `role/ci/*`.
 */
function coversEvery(arn: string, service: string, target: string): boolean {
  if (arn === '*') return true;
  const parts = arn.split(':');
  if (parts.length < 6 || !globMatches(parts[2] ?? '', service)) return false;
  const resource = compileGlob(parts.slice(5).join(':'));
  const separator = target === 'function' ? ':' : '/';
  return [`${target}${separator}zq-any`, `${target}${separator}zq/path/zq-any`].every((name) =>
    resource.test(name),
  );
}

/**
 * Whether conditions on the statement close the path: for PassRole, an `iam:PassedToService`
 * that admits no matching service; otherwise a required match on one of the path's scoping keys
 * or on resource tags. Every `Fn::If` branch must close it; an unreadable branch counts as closed.
 */
function confined(statement: Statement, path: EscalationPath): boolean {
  const scoping = new Set((path.scopingKeys ?? []).map((k) => k.toLowerCase()));
  return conditionBranches(statement).every((tests) => {
    if (tests === undefined) return true;
    if (path.passedTo) {
      const service = path.passedTo;
      return tests.some((t) => {
        if (t.key.value.toLowerCase() !== 'iam:passedtoservice') return false;
        if (t.values.some((v) => v.value === undefined)) return true;
        const hits = t.values.some((v) => globMatches(v.value ?? '', service));
        return t.base.startsWith('stringnot') ? hits : !hits;
      });
    }
    return tests.some((t) => {
      const key = t.key.value.toLowerCase();
      const tag = key.startsWith('aws:resourcetag/') || key.startsWith('iam:resourcetag/');
      return (scoping.has(key) || tag) && requiresMatch(t);
    });
  });
}

/** An unconditional Deny that takes the action away on every resource. */
function denyCovers(statement: Statement, action: string): boolean {
  if (!statement.values('Resource').some((r) => r.value === '*')) return false;
  if (statement.element('NotAction')) {
    const excluded = statement.values('NotAction');
    return excluded.every((e) => e.value !== undefined && !patternCovers(e.value, action));
  }
  return statement
    .values('Action')
    .some((a) => a.value !== undefined && patternCovers(a.value, action));
}

const KIND_NAMES: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['policy', ['policy', 'policies']],
  ['devendpoint', ['development endpoint', 'development endpoints']],
]);

function kindName(target: string, plural: boolean): string {
  const names = KIND_NAMES.get(target) ?? [target, `${target}s`];
  return plural ? names[1] : names[0];
}

function message(
  value: string,
  paths: readonly string[],
  path: EscalationPath,
  statement: Statement,
): string {
  const primary = path.primary;
  const through =
    value === 'NotAction'
      ? `"NotAction" (which leaves ${primary} allowed)`
      : value.toLowerCase() === primary.toLowerCase()
        ? `"${value}"`
        : `"${value}" (which grants ${primary})`;
  if (paths.length === 1) {
    const limited = path.passedTo && conditionHasKey(statement, 'iam:PassedToService');
    const remedy = !path.passedTo
      ? `Scope ${primary} to named ${kindName(path.target, true)}.`
      : limited
        ? `Scope ${primary} to the roles this workload passes.`
        : `Scope ${primary} to the roles this workload passes, or limit it with iam:PassedToService.`;
    return `${through} on every ${kindName(path.target, false)} lets the holder ${path.effect}: a privilege-escalation path (${paths[0] ?? ''}). ${remedy}`;
  }
  const named = paths.slice(0, MAX_NAMED).join('; ');
  const more = paths.length > MAX_NAMED ? `; and ${paths.length - MAX_NAMED} more` : '';
  const lead = value === 'NotAction' ? '"NotAction"' : `"${value}"`;
  return `${lead} on unscoped resources opens ${paths.length} privilege-escalation paths: ${named}${more}. Grant the actions the workload needs on named resources instead.`;
}
