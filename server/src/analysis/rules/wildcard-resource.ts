import type { Node, ParsedDocument } from '../document';
import { replaceWithList } from '../edits';
import type { ActionInfo, Catalog } from '../iam/catalog';
import { actionEntries, starResources } from '../iam/statement';
import {
  arnFormat,
  placeholderArn,
  templatePlaceholderArn,
  templateTargets,
  type ResourceTypeKey,
} from '../iam/targets';
import type { Statement, Template } from '../model';
import type { Value } from '../render';
import { defineRule, type Fix } from './rule';

/** Beyond this many resource types a statement is too broad for one ARN list to be a sensible fix. */
const MAX_FIX_TYPES = 6;

export default defineRule({
  id: 'wildcard-resource',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary:
      'An Allow statement applies actions that support resource-level permissions to `"Resource": "*"`.',
    why: 'With `*` the actions reach every bucket, key, project or role in the account, now and in future, not only the ones the workload uses. Actions that accept only `*` (such as `s3:ListAllMyBuckets` or `codebuild:ListProjects`) cannot be scoped and are never reported, and neither are statements whose scopable actions are all List actions (such as `ec2:Describe*`), where `*` is the norm. Only identity policies are checked: in a resource-based policy (a bucket, key or queue policy) `*` can only mean the resource the policy is attached to. Deny statements are never reported.',
    bad: {
      language: 'yaml',
      code: "Resources:\n  ArtifactBucket:\n    Type: AWS::S3::Bucket\n  BuildRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: { Service: codebuild.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: artifacts\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Allow\n                Action: s3:GetObject\n                Resource: '*'\n",
    },
    good: {
      language: 'yaml',
      code: "Resources:\n  ArtifactBucket:\n    Type: AWS::S3::Bucket\n  BuildRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: { Service: codebuild.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: artifacts\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Allow\n                Action: s3:GetObject\n                Resource: !Sub '${ArtifactBucket.Arn}/*'\n",
    },
    fix: "Name the resources. In a template the quick-fixes offer each of the template's own resources that the actions apply to (`!GetAtt ArtifactBucket.Arn`, `!Sub '${ArtifactBucket.Arn}/*'`, ...); otherwise they write the ARN formats of the actions' resource types with named placeholders to fill in.",
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
    ],
  },
  check({ document, model, catalog, report }) {
    for (const policy of model.policies) {
      if (policy.type !== 'identity' && policy.type !== 'iot') continue;
      for (const statement of policy.statements) {
        if (statement.effect !== 'Allow' || statement.element('NotAction')) continue;
        const stars = starResources(statement);
        if (stars.length === 0) continue;
        const scopable = scopableActions(catalog, statement);
        // Listing on `*` is the norm (`ec2:Describe*`), so List actions alone are not reported.
        if (!scopable.some((a) => a.accessLevel !== 'List')) continue;
        const types = resourceTypesOf(catalog, scopable);
        for (const star of stars) {
          report({
            at: star.node,
            message: `"Resource": "*" applies ${describe(scopable)} to every resource in the account; ${scopable.length === 1 ? 'it supports' : 'they support'} resource-level permissions, so name the resources.`,
            fixes:
              types.size <= MAX_FIX_TYPES
                ? scopeFixes(document, model.template, catalog, star.node, types)
                : [],
          });
        }
      }
    }
  },
});

/** The statement's actions that accept resource ARNs, without duplicates, in catalog order. */
function scopableActions(catalog: Catalog, statement: Statement): readonly ActionInfo[] {
  const lists = actionEntries(catalog, statement).map((entry) => catalog.scopable(entry.matches));
  if (lists.length === 1) return lists[0] ?? [];
  return [...new Set(lists.flat())];
}

function describe(actions: readonly ActionInfo[]): string {
  const names = actions.slice(0, 3).map((a) => `${a.service.prefix}:${a.name}`);
  if (actions.length <= 3) return names.join(', ');
  return `${actions.length.toLocaleString('en-US')} actions (${names.join(', ')}, ...)`;
}

/**
 * The resource types the actions act on: for each action its required types or, when none is
 * required, its most direct one (the ARN with the fewest parts to fill in: an S3 object rather
 * than an object reached through an access point).
 */
function resourceTypesOf(catalog: Catalog, actions: readonly ActionInfo[]): Set<ResourceTypeKey> {
  const types = new Set<ResourceTypeKey>();
  for (const action of actions) {
    const detail = catalog.actionDetail(action);
    if (!detail) continue;
    const required = detail.resourceTypes.filter((r) => r.required);
    for (const type of required.length > 0 ? required : mostDirect(detail.resourceTypes)) {
      types.add(`${action.service.prefix}/${type.name.toLowerCase()}`);
    }
    if (types.size > MAX_FIX_TYPES) break;
  }
  return types;
}

function mostDirect<T extends { detail: { arn: string } | undefined }>(types: readonly T[]): T[] {
  const parts = (t: T) => (t.detail?.arn.match(/\$\{/g) ?? []).length;
  const fewest = Math.min(...types.map(parts));
  return types.filter((t) => parts(t) === fewest).slice(0, 1);
}

function scopeFixes(
  document: ParsedDocument,
  template: Template | undefined,
  catalog: Catalog,
  node: Node,
  types: ReadonlySet<ResourceTypeKey>,
): Fix[] {
  const fix = (title: string, arns: readonly Value[]): Fix => ({
    title,
    // Scoping narrows the grant; whether the named resources are the right ones is the user's call.
    safe: false,
    edits: [replaceWithList(document, node, arns)],
  });
  if (template) {
    const targets = templateTargets(template, types);
    if (targets.length > 0) return targets.map((t) => fix(`Scope to ${t.label}`, t.arns));
  }
  const formats = [...types]
    .map((key) => arnFormat(catalog, key))
    .filter((f): f is string => f !== undefined);
  if (formats.length === 0) return [];
  const arns: Value[] = template
    ? formats.map(templatePlaceholderArn)
    : formats.map(placeholderArn);
  return [fix(`Replace with ARN ${formats.length === 1 ? 'format' : 'formats'} to fill in`, arns)];
}
