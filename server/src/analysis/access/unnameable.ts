/**
 * Actions whose resources a policy cannot usefully name, although the catalog gives them a
 * resource type: CloudWatch metrics (the `dataset` type is not where a metric is published or read
 * from), and the calls Systems Manager's agent makes about the very instance it runs on. `*` is how
 * AWS's own policies write them. Where a condition key narrows such an action in the way a
 * resource would (`cloudwatch:namespace` for `PutMetricData`), fixes offer that condition with a
 * placeholder value instead of an ARN.
 *
 * References: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
 * and https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html
 */
import type { ActionAccess } from './statement-access';

/** The condition that scopes an action a policy cannot name the resource of. */
export interface NarrowingCondition {
  readonly key: string;
  /** The placeholder a fix writes as the key's value (listed by placeholder-value). */
  readonly placeholder: string;
}

/** Resource types (`service/type`) that name nothing a caller of these actions can point at. */
const UNNAMEABLE_TYPES: ReadonlySet<string> = new Set(['cloudwatch/dataset']);

/** Actions the SSM agent calls about its own instance: `*` with the instance role. */
const OWN_INSTANCE_ACTIONS: ReadonlySet<string> = new Set([
  'ssm:updateinstanceinformation',
  'ssm:updateinstanceassociationstatus',
  'ssm:listinstanceassociations',
  'ssm:putinventory',
  'ssm:putcomplianceitems',
  'ssm:putconfigurepackageresult',
]);

/** The conditions that scope an unnameable action, by action (lower case). */
const NARROWING: ReadonlyMap<string, NarrowingCondition> = new Map([
  ['cloudwatch:putmetricdata', { key: 'cloudwatch:namespace', placeholder: 'NAMESPACE' }],
]);

/** The placeholders {@link NARROWING} writes, by condition key (lower case). */
export const CONDITION_PLACEHOLDERS: ReadonlyMap<string, string> = new Map(
  [...NARROWING.values()].map((n) => [n.key.toLowerCase(), n.placeholder]),
);

/** The services of the tables above: any other action is answered without loading its detail. */
const SERVICES: ReadonlySet<string> = new Set(
  [...UNNAMEABLE_TYPES, ...OWN_INSTANCE_ACTIONS].map((name) => name.split(/[/:]/)[0] ?? ''),
);

/** Whether no resource a policy can name scopes the action (its types are all unnameable). */
export function unnameable(action: ActionAccess): boolean {
  if (!SERVICES.has(action.action.service.prefix)) return false;
  if (OWN_INSTANCE_ACTIONS.has(action.fullName.toLowerCase())) return true;
  const types = action.types;
  return types.length > 0 && types.every((t) => UNNAMEABLE_TYPES.has(t.key));
}

/** The condition that scopes an unnameable action instead of a resource, if there is one. */
export function narrowingCondition(action: ActionAccess): NarrowingCondition | undefined {
  if (!SERVICES.has(action.action.service.prefix)) return undefined;
  return NARROWING.get(action.fullName.toLowerCase());
}
