/**
 * `Principal: { AWS: ... }` values: an account ID, `*`, the ARN of an account root, user, role,
 * assumed-role session or federated user, or (after a principal was deleted) its unique ID.
 */
import type { ArnPiece } from './arn';
import { PARTITIONS } from './arn';

const ACCOUNT_ID = /^\d{12}$/;
/** Unique IDs IAM writes in place of a principal that no longer exists (`AROA...`, `AIDA...`). */
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;
const RESOURCES: ReadonlyMap<string, RegExp> = new Map([
  ['iam', /^(root|user\/.+|role\/.+)$/],
  ['sts', /^(assumed-role\/[^/]+\/.+|federated-user\/.+)$/],
]);
/** The CloudFront origin access identity principal, `arn:aws:iam::cloudfront:user/...`. */
const SPECIAL_ACCOUNTS = new Set(['cloudfront']);

/**
 * What is wrong with a `Principal` `AWS` value, as a message; undefined when it is fine or
 * cannot be known (a substitution or variable decides it).
 */
export function checkPrincipal(pieces: readonly ArnPiece[]): string | undefined {
  const first = pieces[0];
  if (!first || first.kind === 'hole') return undefined;
  const text = pieces.length === 1 ? first.text : undefined;
  if (text === '*' || (text && (ACCOUNT_ID.test(text) || UNIQUE_ID.test(text)))) return undefined;
  if (!first.text.startsWith('arn:')) {
    if (pieces.length > 1) return undefined;
    return `\`${first.text}\` is not an AWS principal: use a 12-digit account ID, an IAM ARN (\`arn:aws:iam::111122223333:role/NAME\`) or \`*\`.`;
  }
  if (pieces.some((p) => p.kind === 'text' && /[*?]/.test(p.text))) {
    return 'A principal ARN cannot contain wildcards: name the account, role or user, or use `*` alone with a condition such as `aws:PrincipalArn`.';
  }
  // Parts before the first substitution are certain; a substitution may hold colons.
  const literal: string[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'hole') break;
    literal.push(piece.text);
  }
  const complete = literal.length === pieces.length;
  const parts = literal.join('').split(':');
  const known = (i: number) => (complete || i < parts.length - 1 ? parts[i] : undefined);
  if (complete && parts.length < 6) {
    return `This principal ARN has ${parts.length} of the 6 colon-separated parts of an ARN (\`arn:aws:iam::111122223333:role/NAME\`).`;
  }
  const partition = known(1);
  if (partition !== undefined && !PARTITIONS.includes(partition)) {
    return `Partition \`${partition}\` is unknown: use \`aws\`, \`aws-cn\` or \`aws-us-gov\`, or \`\${AWS::Partition}\` in a template.`;
  }
  const service = known(2);
  if (service === '') return 'The service part of this principal ARN is empty: use `iam` or `sts`.';
  if (service !== undefined && !RESOURCES.has(service)) {
    return `\`${service}\` ARNs are not principals: an AWS principal is an \`iam\` (account root, user, role) or \`sts\` (session) ARN.`;
  }
  const region = known(3);
  if (region !== undefined && region !== '') {
    return `Principal ARNs have no Region: leave that part empty (\`arn:aws:${service ?? 'iam'}::…\`).`;
  }
  const account = known(4);
  if (account !== undefined && !ACCOUNT_ID.test(account) && !SPECIAL_ACCOUNTS.has(account)) {
    return `\`${account}\` is not an account ID: a principal ARN names a 12-digit account.`;
  }
  const resource = complete ? parts.slice(5).join(':') : undefined;
  const shape = service && RESOURCES.get(service);
  if (resource !== undefined && shape && !shape.test(resource)) {
    return service === 'iam'
      ? `\`${resource}\` is not an IAM principal: use \`root\`, \`role/NAME\` or \`user/NAME\`.`
      : `\`${resource}\` is not an STS principal: use \`assumed-role/ROLE/SESSION\` or \`federated-user/NAME\`.`;
  }
  return undefined;
}
