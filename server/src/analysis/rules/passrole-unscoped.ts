import { getValue, type Node, type ParsedDocument } from '../document';
import { insertProperty, replaceWithList } from '../edits';
import { conditionBranches } from '../iam/principal-conditions';
import { conditionHasKey, patternCovers, starResources } from '../iam/statement';
import {
  getAttTarget,
  stringItems,
  type ResolvedValue,
  type Statement,
  type Template,
} from '../model';
import type { Value } from '../render';
import { defineRule, type Fix } from './rule';

const PASS_ROLE = 'iam:PassRole';
/** Quick-fixes offer at most this many of the template's roles. */
const MAX_ROLE_FIXES = 5;

export default defineRule({
  id: 'passrole-unscoped',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary:
      'An Allow statement grants `iam:PassRole` (directly or through a wildcard such as `*`, `iam:*` or `iam:Pass*`) on `"Resource": "*"` or with `NotResource`; a warning when the roles are named but no `iam:PassedToService` condition limits where they go.',
    why: 'Passing a role hands its permissions to a service: whoever may pass any role can start a build, a function or a stack that runs as the most privileged role in the account, which is a direct path to privilege escalation. Scope `iam:PassRole` to the roles the workload really passes, and limit the services they are passed to with `iam:PassedToService`. Deny statements never fire this rule.',
    bad: {
      language: 'json',
      code: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }\n  ]\n}\n',
    },
    good: {
      language: 'json',
      code: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "iam:PassRole",\n      "Resource": "arn:aws:iam::111122223333:role/build-role",\n      "Condition": { "StringEquals": { "iam:PassedToService": "codebuild.amazonaws.com" } }\n    }\n  ]\n}\n',
    },
    fix: "Name the roles and add `iam:PassedToService`. Inside a template the quick-fix offers each of the template's roles, with the services its trust policy names as the condition.",
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
            fixes:
              passRoleOnly(statement) && stars.length === 1 && stars[0] && !notResource
                ? roleFixes(document, model.template, statement, stars[0].node)
                : [],
          });
        } else if (
          !conditionHasKey(statement, 'iam:PassedToService') &&
          statement.values('Resource').some(couldBeRole)
        ) {
          report({
            at: grant.node,
            severity: 'warning',
            message: `${how} names its roles but no "iam:PassedToService" condition limits which services they can be passed to.`,
            fixes: conditionFixes(document, model.template, statement),
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

/** The services a template role trusts (`Principal.Service` of its trust policy). */
function trustedServices(template: Template, roleName: string): string[] {
  const role = template.resources.get(roleName);
  const trust = getValue(role?.properties, 'AssumeRolePolicyDocument');
  const statementList = getValue(trust, 'Statement');
  const statements =
    statementList?.kind === 'array' ? statementList.items : statementList ? [statementList] : [];
  const services = new Set<string>();
  for (const statement of statements) {
    for (const item of stringItems(getValue(getValue(statement, 'Principal'), 'Service'))) {
      if (item.value) services.add(item.value);
    }
  }
  return [...services];
}

function passedToService(services: readonly string[]): Value {
  const value: Value = services.length === 1 && services[0] !== undefined ? services[0] : services;
  return { map: [['StringEquals', { map: [['iam:PassedToService', value]] }]] };
}

function roleFixes(
  document: ParsedDocument,
  template: Template | undefined,
  statement: Statement,
  star: Node,
): Fix[] {
  if (!template) return [];
  const fixes: Fix[] = [];
  const allowed = passedToServices(statement);
  // Inside an `Fn::If` the other branch keeps its own roles: scope the branch, add no condition.
  const direct =
    star.property?.key.value === 'Resource' ||
    (star.parent?.kind === 'array' && star.parent.property?.key.value === 'Resource');
  // A role worth passing trusts some service; the role holding this policy is not one to pass.
  for (const resource of template.resources.values()) {
    if (fixes.length >= MAX_ROLE_FIXES) break;
    if (resource.type !== 'AWS::IAM::Role' || resource.name === statement.policy.resource?.name)
      continue;
    const services = trustedServices(template, resource.name);
    if (services.length === 0) continue;
    // A statement already limited to some services only passes roles that trust one of them.
    if (allowed && !services.some((service) => allowed.has(service.toLowerCase()))) continue;
    const edits = [replaceWithList(document, star, [{ getAtt: [resource.name, 'Arn'] }])];
    if (direct && !statement.element('Condition')) {
      const edit = insertProperty(document, statement.node, 'Condition', passedToService(services));
      if (edit) edits.push(edit);
    }
    fixes.push({
      title: `Scope to ${resource.name}, passed only to ${services.join(', ')}`,
      safe: false,
      edits,
    });
  }
  return fixes;
}

/** The services an `iam:PassedToService` condition names (lower-case), if it names any. */
function passedToServices(statement: Statement): Set<string> | undefined {
  const services = new Set<string>();
  for (const tests of conditionBranches(statement)) {
    for (const test of tests ?? []) {
      if (test.key.value.toLowerCase() !== 'iam:passedtoservice') continue;
      for (const v of test.values) if (v.value) services.add(v.value.toLowerCase());
    }
  }
  return services.size > 0 ? services : undefined;
}

/** For named template roles: add the condition with the services their trust policies name. */
function conditionFixes(
  document: ParsedDocument,
  template: Template | undefined,
  statement: Statement,
): Fix[] {
  if (!template || statement.element('Condition')) return [];
  const services = new Set<string>();
  for (const resource of statement.values('Resource')) {
    const name = getAttTarget(resource.node);
    if (name === undefined) return [];
    const trusted = trustedServices(template, name);
    if (trusted.length === 0) return [];
    for (const service of trusted) services.add(service);
  }
  if (services.size === 0) return [];
  const edit = insertProperty(
    document,
    statement.node,
    'Condition',
    passedToService([...services]),
  );
  return edit
    ? [
        {
          title: `Add iam:PassedToService: ${[...services].join(', ')}`,
          safe: false,
          edits: [edit],
        },
      ]
    : [];
}
