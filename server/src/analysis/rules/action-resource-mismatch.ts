import { checkResourceArn, piecesTokens } from '../iam/arn';
import { arnAlternatives } from '../iam/arn-values';
import { formatTokens, tokensIntersect, type Token } from '../iam/arn-match';
import type { ActionInfo, Catalog } from '../iam/catalog';
import { actionEntries, type ActionEntry } from '../iam/statement';
import type { Statement } from '../model';
import { defineRule } from './rule';

/**
 * Resource policies whose resource type decides the service of every action they can govern:
 * a bucket policy is only consulted for requests to S3, a key policy for requests to KMS.
 */
const OWN_SERVICES: ReadonlyMap<
  string,
  { readonly prefixes: readonly string[]; readonly what: string }
> = new Map([
  ['AWS::S3::BucketPolicy', { prefixes: ['s3'], what: 'a bucket policy' }],
  ['AWS::S3::AccessPoint', { prefixes: ['s3'], what: 'an access point policy' }],
  ['AWS::SQS::QueuePolicy', { prefixes: ['sqs'], what: 'a queue policy' }],
  ['AWS::SQS::QueueInlinePolicy', { prefixes: ['sqs'], what: 'a queue policy' }],
  ['AWS::SNS::TopicPolicy', { prefixes: ['sns'], what: 'a topic policy' }],
  ['AWS::SNS::TopicInlinePolicy', { prefixes: ['sns'], what: 'a topic policy' }],
  ['AWS::KMS::Key', { prefixes: ['kms'], what: 'a key policy' }],
  ['AWS::KMS::ReplicaKey', { prefixes: ['kms'], what: 'a key policy' }],
  ['AWS::ECR::Repository', { prefixes: ['ecr'], what: 'a repository policy' }],
  [
    'AWS::SecretsManager::ResourcePolicy',
    { prefixes: ['secretsmanager'], what: 'a secret policy' },
  ],
  ['AWS::Backup::BackupVault', { prefixes: ['backup'], what: 'a backup vault policy' }],
  ['AWS::EFS::FileSystem', { prefixes: ['elasticfilesystem'], what: 'a file system policy' }],
]);

export default defineRule({
  id: 'action-resource-mismatch',
  defaultSeverity: 'warning',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: false,
  docs: {
    summary: `
      An action of a statement applies to none of the statement's resources, so the statement grants
      (or denies) it nothing.
    `,
    why: `
      IAM authorises an action against the ARN of the resource the request names; when no ARN in
      \`Resource\` can be one of the resource types the action acts on (\`s3:ListBucket\` on
      \`arn:aws:s3:::bucket/*\`, which names objects, not the bucket), the action is silently
      granted nothing, and a Deny silently denies nothing, which is worse. The check compares each
      action's resource types and ARN formats from the IAM catalog with the statement's ARNs,
      wildcards and template substitutions included; it stays silent when any resource is \`*\` or
      cannot be known, for \`NotResource\` and \`NotAction\`, for unknown actions, and for actions
      that accept only \`*\`. In a resource policy attached to a bucket, queue, topic, key or
      repository, an action of another service is reported too: that policy is only consulted for
      requests to its own service.
    `,
    fix: `
      Add the ARN of the resource type the action acts on (the message gives its format), or move
      the action to a statement whose resources fit it; in a resource policy, grant other services'
      actions in the identity policy of the principal instead.
    `,
    references: [
      'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html',
    ],
  },
  check({ model, catalog, report }) {
    for (const policy of model.policies) {
      const own =
        policy.type === 'resource' && policy.resource
          ? OWN_SERVICES.get(policy.resource.type)
          : undefined;
      for (const statement of policy.statements) {
        if (!statement.effect || statement.element('NotAction')) continue;
        const verb = statement.effect === 'Allow' ? 'grants' : 'denies';
        let entries = actionEntries(catalog, statement).filter((e) => e.matches.length > 0);
        if (own) {
          // Another service's action in a bucket, queue or key policy: said in those words first.
          const foreign = entries.filter(
            (e) => !e.matches.some((a) => own.prefixes.includes(a.service.prefix)),
          );
          for (const entry of foreign) {
            report({ at: entry.node, message: foreignMessage(entry, own, verb) });
          }
          entries = entries.filter((e) => !foreign.includes(e));
        }
        const patterns = resourcePatterns(catalog, model, statement);
        if (!patterns) continue;
        const fits = fitter(catalog, patterns);
        // An action that accepts only `*` fits no ARN written out in full; a wildcard or a value
        // the stack fills in might be read as `*`, and unknown is not bad.
        const literal = statement
          .values('Resource')
          .every((r) => r.value !== undefined && !/[*?]|\$\{/.test(r.value));
        const misfits = entries.filter(
          (e) => !e.matches.some((a) => (a.wildcardOnly ? !literal : fits(a))),
        );
        const resource = statement.element('Resource')?.value;
        if (misfits.length > 1 && misfits.length === entries.length && resource) {
          // Nothing fits: one finding on the resources says it better than one per action.
          report({ at: resource, message: nothingMessage(catalog, misfits, verb) });
          continue;
        }
        for (const entry of misfits) {
          report({ at: entry.node, message: mismatchMessage(catalog, entry, verb) });
        }
      }
    }
  },
});

/** The statement's resources as patterns; undefined when any is `*`, unknown or malformed. */
function resourcePatterns(
  catalog: Catalog,
  model: Parameters<typeof arnAlternatives>[1],
  statement: Statement,
): Token[][] | undefined {
  if (statement.element('NotResource')) return undefined;
  const resources = statement.values('Resource');
  if (resources.length === 0) return undefined;
  const patterns: Token[][] = [];
  for (const resource of resources) {
    if (resource.value === '*') return undefined;
    const alternatives = arnAlternatives(catalog, model, resource.node);
    if (alternatives.length === 0) return undefined;
    for (const pieces of alternatives) {
      if (pieces.length === 0 || checkResourceArn(catalog, pieces)) return undefined;
      patterns.push(piecesTokens(pieces));
    }
  }
  return patterns;
}

/** Whether an action acts on a resource type that one of the patterns can name; remembered per format. */
function fitter(catalog: Catalog, patterns: readonly Token[][]): (action: ActionInfo) => boolean {
  const byFormat = new Map<string, boolean>();
  const formatFits = (format: string) => {
    let fits = byFormat.get(format);
    if (fits === undefined) {
      const tokens = formatTokens(format);
      fits = patterns.some((p) => tokensIntersect(p, tokens));
      byFormat.set(format, fits);
    }
    return fits;
  };
  return (action) => {
    const detail = catalog.actionDetail(action);
    // Missing detail or an undefined resource type is unknown, and unknown is never reported.
    if (!detail || detail.resourceTypes.length === 0) return true;
    return detail.resourceTypes.some((t) => !t.detail || formatFits(t.detail.arn));
  };
}

/** What the actions act on: up to three resource types with their ARN formats, the most direct first. */
function needs(catalog: Catalog, actions: readonly ActionInfo[]): string {
  const formats = new Map<string, string>();
  for (const action of actions) {
    const types = catalog.actionDetail(action)?.resourceTypes ?? [];
    const required = types.filter((t) => t.required);
    for (const type of required.length > 0 ? required : types) {
      if (type.detail && !formats.has(type.detail.arn)) formats.set(type.detail.arn, type.name);
    }
  }
  const parts = (arn: string) => (arn.match(/\$\{/g) ?? []).length;
  const sorted = [...formats].sort(([a], [b]) => parts(a) - parts(b));
  const shown = sorted.slice(0, 3).map(([arn, name]) => `${name} (\`${arn}\`)`);
  return `${shown.join(', ')}${formats.size > 3 ? `, or ${formats.size - 3} more` : ''}`;
}

function mismatchMessage(catalog: Catalog, entry: ActionEntry, verb: string): string {
  const one = entry.matches.length === 1;
  if (entry.matches.every((a) => a.wildcardOnly)) {
    return `${one ? `\`${entry.value}\` accepts` : `The ${entry.matches.length} actions that \`${entry.value}\` matches accept`} only \`"Resource": "*"\`, so the statement ${verb} ${one ? 'it' : 'them'} nothing: give ${one ? 'it' : 'them'} \`*\` in a statement of ${one ? 'its' : 'their'} own.`;
  }
  const subject = one
    ? `\`${entry.value}\` applies`
    : `None of the ${entry.matches.length} actions that \`${entry.value}\` matches applies`;
  return `${subject} to ${one ? 'none of ' : ''}this statement's resources, so the statement ${verb} ${one ? 'it' : 'them'} nothing: ${one ? 'it acts on' : 'they act on'} ${needs(catalog, entry.matches)}.`;
}

function foreignMessage(
  entry: ActionEntry,
  own: { readonly prefixes: readonly string[]; readonly what: string },
  verb: string,
): string {
  const services = own.prefixes.map((p) => `\`${p}\``).join(' or ');
  return `\`${entry.value}\` is not ${services === '`s3`' || services === '`sqs`' || services === '`sns`' ? 'an' : 'a'} ${services} action: ${own.what} is only consulted for requests to its own resource, so the statement ${verb} it nothing. Grant it in the identity policy of the principal instead.`;
}

function nothingMessage(catalog: Catalog, entries: readonly ActionEntry[], verb: string): string {
  return `None of this statement's ${entries.length} actions applies to these resources, so the statement ${verb} nothing: its actions act on ${needs(
    catalog,
    entries.flatMap((e) => e.matches),
  )}.`;
}
