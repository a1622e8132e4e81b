import { getValue, type Node } from '../document';
import { resolveValue, type Pipeline, type Resolved, type Template } from '../model';

/**
 * The account of an IAM role ARN as far as the document says: a literal 12-digit account, `self`
 * for the template's own account (`${AWS::AccountId}`, `!Ref AWS::AccountId`, a role of the
 * template), or undefined when it cannot be known.
 */
export type Account = { readonly kind: 'literal'; readonly id: string } | { readonly kind: 'self' };

/** Stands for a piece of text the engine cannot know; never part of a real ARN. */
const UNKNOWN = '\u0000';
const SELF = '${AWS::AccountId}';
const SELF_FIELD = '\u0001';

/** The accounts a role ARN value names, one per `Fn::If` branch whose account is known. */
export function roleAccounts(template: Template | undefined, node: Node | undefined): Account[] {
  // Outside templates (get-pipeline JSON) only literal strings are values.
  if (template === undefined && node?.kind !== 'string') return [];
  const accounts: Account[] = [];
  // Parameter defaults are not used: the deployer passes the real role.
  for (const resolved of resolveValue(node, { template, defaults: false })) {
    const only = resolved.segments.length === 1 ? resolved.segments[0] : undefined;
    if (only?.kind === 'hole' && only.source.kind === 'resource') {
      // `!GetAtt Role.Arn` of a role declared in the same template.
      if (only.source.type === 'AWS::IAM::Role' && only.source.attribute === 'Arn')
        accounts.push({ kind: 'self' });
      continue;
    }
    const account = accountOfArn(text(resolved));
    if (account) accounts.push(account);
  }
  return accounts;
}

/** The account field of an ARN (any service), when it is a literal account or `self`. */
export function accountOfArn(arn: string | undefined): Account | undefined {
  if (arn === undefined) return undefined;
  // The pseudo parameter has colons of its own: make it one field before splitting.
  const fields = arn.split(SELF).join(SELF_FIELD).split(':');
  if (fields.length < 6 || fields[0] !== 'arn') return undefined;
  const account = fields[4] ?? '';
  if (account === SELF_FIELD) return { kind: 'self' };
  return /^\d{12}$/.test(account) ? { kind: 'literal', id: account } : undefined;
}

/**
 * A resolved value's text with unknown parts replaced by a marker: the account pseudo parameter
 * is spelt `${AWS::AccountId}` and the partition filled in (`aws`: it does not matter here).
 */
function text(resolved: Resolved): string {
  return resolved.segments
    .map((s) =>
      s.kind === 'text'
        ? s.text
        : s.source.kind === 'pseudo' && s.source.name === 'AWS::AccountId'
          ? SELF
          : s.source.kind === 'pseudo' && s.source.name === 'AWS::Partition'
            ? 'aws'
            : UNKNOWN,
    )
    .join('');
}

/**
 * The literal accounts the pipeline itself lives in, from its service role ARN (or, for
 * `get-pipeline` output, the pipeline ARN in `metadata`). Empty when they are not literal.
 */
export function pipelineAccounts(pipeline: Pipeline, template: Template | undefined): string[] {
  const accounts = roleAccounts(template, pipeline.roleArn);
  if (accounts.length === 0 && pipeline.spelling === 'json') {
    const arn = getValue(pipeline.metadata, 'pipelineArn');
    const account = accountOfArn(arn?.kind === 'string' ? arn.value : undefined);
    if (account) accounts.push(account);
  }
  return [...new Set(accounts.flatMap((a) => (a.kind === 'literal' ? [a.id] : [])))];
}

/**
 * Whether an action role account differs from the pipeline's. In `get-pipeline` JSON that needs
 * a literal pipeline account to compare with. In a template the pipeline lives in
 * `AWS::AccountId`: the same account when the ARN says so, and any literal account counts as
 * another one unless the pipeline's own role names that account literally.
 */
export function isOtherAccount(
  account: Account,
  own: readonly string[],
  spelling: Pipeline['spelling'],
): boolean {
  if (account.kind === 'self') return false;
  if (own.length > 0) return !own.includes(account.id);
  return spelling === 'cfn';
}
