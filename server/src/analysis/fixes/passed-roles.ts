/**
 * The roles a principal passes (`iam:PassRole`), as targets for the passrole-unscoped fixes, with
 * the services that receive them (`iam:PassedToService`). Three sources, best first: the roles a
 * pipeline hands to its actions (when the policy belongs to the pipeline's service role), the
 * roles the template's resources name in their role properties, and the roles whose trust policy
 * names some service.
 */
import { getValue, type Node, type ParsedDocument } from '../document';
import {
  alternatives,
  isNoValue,
  patternText,
  refTarget,
  resolveValue,
  type Pipeline,
  type Policy,
  type Template,
  factKind,
} from '../model';
import { roleReferences, roleTrust } from '../pipeline/service-role';
import type { Value } from '../render';
import { pipelinesOfPolicy } from './pipeline-targets';

/** A value a fix can write into `Resource`, naming one role, and where that role is passed. */
export interface PassTarget {
  /** How titles name it: the template role's logical id, a role name, a parameter, ... */
  readonly label: string;
  /** The whole value in words (`arn:aws:iam::${Account}:role/deploy`), when `label` is ambiguous. */
  readonly full: string;
  /** Identity, to merge duplicates and to recognise the same value written elsewhere. */
  readonly key: string;
  readonly value: Value;
  /** Service principals, in the order first seen. */
  readonly services: readonly string[];
}

/** A property that hands a role to a service; `*` in a path steps into each list item. */
interface RoleProperty {
  readonly type: string;
  readonly path: readonly string[];
  readonly service: string;
}

/**
 * Resource properties that name a role the resource's service runs as. A `Ref` (the role's name)
 * counts as well as its ARN: some properties take either, and either way it says which role.
 */
const ROLE_PROPERTIES: readonly RoleProperty[] = [
  { type: 'AWS::CodeBuild::Project', path: ['ServiceRole'], service: 'codebuild.amazonaws.com' },
  { type: 'AWS::Lambda::Function', path: ['Role'], service: 'lambda.amazonaws.com' },
  { type: 'AWS::Serverless::Function', path: ['Role'], service: 'lambda.amazonaws.com' },
  {
    type: 'AWS::StepFunctions::StateMachine',
    path: ['RoleArn'],
    service: 'states.amazonaws.com',
  },
  { type: 'AWS::Serverless::StateMachine', path: ['Role'], service: 'states.amazonaws.com' },
  { type: 'AWS::ECS::TaskDefinition', path: ['TaskRoleArn'], service: 'ecs-tasks.amazonaws.com' },
  {
    type: 'AWS::ECS::TaskDefinition',
    path: ['ExecutionRoleArn'],
    service: 'ecs-tasks.amazonaws.com',
  },
  { type: 'AWS::Events::Rule', path: ['Targets', '*', 'RoleArn'], service: 'events.amazonaws.com' },
  {
    type: 'AWS::Scheduler::Schedule',
    path: ['Target', 'RoleArn'],
    service: 'scheduler.amazonaws.com',
  },
  { type: 'AWS::IAM::InstanceProfile', path: ['Roles', '*'], service: 'ec2.amazonaws.com' },
  {
    type: 'AWS::CodePipeline::Pipeline',
    path: ['RoleArn'],
    service: 'codepipeline.amazonaws.com',
  },
  { type: 'AWS::Glue::Job', path: ['Role'], service: 'glue.amazonaws.com' },
  { type: 'AWS::Pipes::Pipe', path: ['RoleArn'], service: 'pipes.amazonaws.com' },
];

const ROLE_ARN = /^arn:[^:]*:iam::[^:]*:role\/./;

/**
 * The template role a value names (`roleReferences`, in any account): `!GetAtt R.Arn`,
 * `!Sub '${R.Arn}'`, an ARN built from the role's name, or `!Ref R` (the name, which some
 * properties take).
 */
export function templateRoleOf(template: Template, node: Node): string | undefined {
  const references = roleReferences(template, node, { names: true });
  const only = references.length === 1 ? references[0] : undefined;
  return only && template.resources.get(only.name)?.type === 'AWS::IAM::Role'
    ? only.name
    : undefined;
}

/** Every template role that a resource's role property names, with those properties' services. */
export function referencedRoles(template: Template): ReadonlyMap<string, readonly string[]> {
  // Every PassRole statement asks again: read the template once.
  return template.facts.get(REFERENCED_ROLES, template, () => readReferencedRoles(template));
}

const REFERENCED_ROLES = factKind<Template, ReadonlyMap<string, readonly string[]>>(
  'roles named by role properties',
);

function readReferencedRoles(template: Template): Map<string, string[]> {
  const roles = new Map<string, string[]>();
  for (const resource of template.resources.values()) {
    for (const property of ROLE_PROPERTIES) {
      if (property.type !== resource.type) continue;
      for (const node of walk(resource.properties, property.path)) {
        const role = templateRoleOf(template, node);
        if (role === undefined || role === resource.name) continue;
        const services = roles.get(role) ?? [];
        if (!services.includes(property.service)) services.push(property.service);
        roles.set(role, services);
      }
    }
  }
  return roles;
}

/** The values at a path, through every `Fn::If` branch and (for `*`) every list item. */
function walk(node: Node | undefined, path: readonly string[]): Node[] {
  const choices = alternatives(node);
  const [step, ...rest] = path;
  if (step === undefined) return choices;
  return choices.flatMap((choice) =>
    step === '*'
      ? choice.kind === 'array'
        ? choice.items.flatMap((item) => walk(item, rest))
        : []
      : walk(getValue(choice, step), rest),
  );
}

/**
 * Where a template role is passed: the services of the properties that name it, when its trust
 * policy agrees (or names no service); otherwise the services its trust policy names.
 */
export function roleServices(
  template: Template,
  policies: readonly Policy[],
  references: ReadonlyMap<string, readonly string[]>,
  roleName: string,
): string[] {
  const trusted = roleTrust(template, roleName, policies).services;
  const referenced = references.get(roleName) ?? [];
  const lower = new Set(trusted.map((s) => s.toLowerCase()));
  const agreed = referenced.filter((s) => lower.size === 0 || lower.has(s.toLowerCase()));
  return agreed.length > 0 ? agreed : [...trusted];
}

/** A template role as a target: written `!GetAtt R.Arn`. */
export function roleTarget(name: string, services: readonly string[]): PassTarget {
  return {
    label: name,
    full: name,
    key: `role:${name}`,
    value: { getAtt: [name, 'Arn'] },
    services,
  };
}

/**
 * The roles the pipelines whose service role holds this policy pass to their actions: the values
 * of the configuration keys the action type lists in `passedRoles` (CloudFormation `RoleArn`, ...).
 * Actions with their own `roleArn` are skipped: CodePipeline assumes that role for them, so the
 * role passes, not the pipeline's. Empty when the policy belongs to no pipeline, or when nothing
 * readable is passed.
 */
export function pipelinePassTargets(
  document: ParsedDocument,
  template: Template,
  pipelines: readonly Pipeline[],
  policy: Policy,
): PassTarget[] {
  const targets = new Map<string, PassTarget>();
  for (const pipeline of pipelinesOfPolicy(template, pipelines, policy)) {
    for (const stage of pipeline.stages) {
      for (const action of stage.actions) {
        if (!mayBeAbsent(action.roleArn)) continue;
        for (const passed of action.type?.passedRoles ?? []) {
          // Indirect roles (the task and execution roles of an ECS task definition) sit in what
          // the key names, often outside the template: they cannot be read here.
          if (passed.indirect !== undefined) continue;
          for (const node of alternatives(getValue(action.configuration, passed.configKey))) {
            const target = passTarget(document, template, node, passed.service);
            if (!target) continue;
            const seen = targets.get(target.key);
            const services = [...(seen?.services ?? [])];
            for (const s of target.services) if (!services.includes(s)) services.push(s);
            targets.set(target.key, { ...(seen ?? target), services });
          }
        }
      }
    }
  }
  // Two values may end in the same role name (one role per account): name those in full.
  const labels = [...targets.values()].map((t) => t.label);
  return [...targets.values()].map((t) =>
    labels.indexOf(t.label) !== labels.lastIndexOf(t.label) ? { ...t, label: t.full } : t,
  );
}

/** The value is absent in some deployment: missing, `AWS::NoValue`, or an `Fn::If` branch of it. */
function mayBeAbsent(node: Node | undefined): boolean {
  if (node === undefined || isNoValue(node)) return true;
  const args = getValue(node, 'Fn::If');
  return args?.kind === 'array' && args.items.slice(1).some(mayBeAbsent);
}

/**
 * A role ARN written in a pipeline action as a target: a template role, or the written value
 * itself (a literal role ARN, a parameter, an import) copied as it stands. Values that name some
 * other template resource, or text that is not a role ARN, are not targets.
 */
export function passTarget(
  document: ParsedDocument,
  template: Template,
  node: Node,
  service: string,
): PassTarget | undefined {
  const role = templateRoleOf(template, node);
  if (role !== undefined) return roleTarget(role, [service]);
  const raw = rawText(document, node);
  if (raw === undefined) return undefined;
  if (node.kind === 'string') {
    if (!ROLE_ARN.test(node.value)) return undefined;
    return {
      label: node.value.split('/').pop() ?? node.value,
      full: node.value,
      key: raw,
      value: { raw },
      services: [service],
    };
  }
  const resolved = resolveValue(node, { template, defaults: false });
  const fits = resolved.every((r) =>
    r.segments.every((s) => s.kind === 'text' || s.source.kind !== 'resource'),
  );
  if (resolved.length === 0 || !fits) return undefined;
  const full = resolved.length === 1 && resolved[0] ? patternText(resolved[0]) : raw;
  return {
    label: labelOf(full, node, raw),
    full,
    key: raw,
    value: { raw },
    services: [service],
  };
}

/** The identity of a written value, as `PassTarget.key`: its text on one line. */
export function rawText(document: ParsedDocument, node: Node): string | undefined {
  const text = document.text.slice(node.start, node.end).trim();
  // A YAML value over several lines (block style) cannot be copied inline into another place.
  if (text.includes('\n') && document.format === 'yaml') return undefined;
  return text.replace(/\s*\r?\n\s*/g, ' ');
}

/** A short name for titles: the role name an ARN ends with, else the parameter, else the text. */
function labelOf(text: string, node: Node, raw: string): string {
  const role = roleNameOf(text);
  if (role !== undefined) return role;
  const ref = refTarget(node);
  if (ref !== undefined) return ref;
  return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
}

/**
 * The last path segment of a role ARN: after a `:role/` whose path up to that segment holds no
 * substitution (`${...}`). Found from the last `/` and each `:role/` once, in linear time.
 */
export function roleNameOf(text: string): string | undefined {
  const lastSlash = text.lastIndexOf('/');
  const name = text.slice(lastSlash + 1);
  if (lastSlash < 0 || name === '') return undefined;
  let lastBad = -1;
  for (let i = lastSlash - 1; i >= 0 && lastBad < 0; i--) {
    const c = text.charAt(i);
    if (c === '$' || c === '{' || c === '}') lastBad = i;
  }
  for (let at = text.indexOf(':role/'); at >= 0; at = text.indexOf(':role/', at + 1)) {
    if (at + 6 > lastBad) return name;
  }
  return undefined;
}
