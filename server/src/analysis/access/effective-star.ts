/**
 * Whether an ARN written in a policy reaches every resource of a resource type: each part of the
 * type's ARN format that names a resource (every `${Variable}` but the partition) is matched by a
 * wildcard. `arn:aws:s3:::*` reaches every bucket and object; `arn:*:cloudtrail:*:*:trail/*` every
 * trail; `arn:aws:s3:::logs-*` and `arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*`
 * do not (a prefix, or this stack's Region and account, narrow them).
 *
 * The test is one linear match: the format is written out with each variable replaced by a
 * character no ARN contains, so only a wildcard of the policy's ARN can match it.
 */
import { literalTokens, tokensIntersect } from '../iam/arn-match';
import type { Resolved } from '../model';

/**
 * Stand for a variable of a format: no literal character of an ARN equals them, so only a wildcard
 * matches them. A pattern matches a run of `?` and `*` of some least length and, with a `*`, any
 * longer one: it covers every name exactly when it matches both the shortest and a long one.
 */
const VARIABLES = ['\u0000', '\u0000'.repeat(64)];

/** What this stack's pseudo parameters stand for: concrete values, not wildcards. */
const PSEUDO: ReadonlyMap<string, string> = new Map([
  ['AWS::Partition', 'aws'],
  ['AWS::Region', 'us-east-1'],
  ['AWS::AccountId', '123456789012'],
  ['AWS::URLSuffix', 'amazonaws.com'],
]);

/** Longer ARNs are not judged (the token matcher stops at 1,024 tokens). */
const MAX_PATTERN = 512;

export function effectiveStar(resource: Resolved, format: string): boolean {
  let pattern = '';
  for (const segment of resource.segments) {
    if (segment.kind === 'text') pattern += segment.text;
    else if (segment.source.kind === 'pseudo' && PSEUDO.has(segment.source.name))
      pattern += PSEUDO.get(segment.source.name);
    // A resource or parameter the stack fills in names something: unknown is not broad.
    else return false;
  }
  // Past the matcher's limit it answers "may match"; here that would report what it never read.
  if (!pattern.includes('*') || pattern.length > MAX_PATTERN) return false;
  const partition = /^arn:([^:*?]+):/.exec(pattern)?.[1] ?? 'aws';
  const tokens = literalTokens(pattern, true);
  return VARIABLES.every((variable) => {
    const written = format.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) =>
      name === 'Partition' ? partition : variable,
    );
    return tokensIntersect(tokens, literalTokens(written, false));
  });
}
