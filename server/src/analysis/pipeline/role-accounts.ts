import { getValue, type Node } from '../document';
import { alternatives, getAttTarget, intrinsicName, type Pipeline, type Template } from '../model';

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
  const accounts: Account[] = [];
  for (const choice of alternatives(node)) {
    const target = getAttTarget(choice);
    if (target !== undefined) {
      // `!GetAtt Role.Arn` of a role declared in the same template.
      if (template?.resources.get(target)?.type === 'AWS::IAM::Role')
        accounts.push({ kind: 'self' });
      continue;
    }
    const account = accountOfArn(text(choice, template !== undefined));
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
 * A value's text with unknown parts replaced by a marker: literal strings, and in templates
 * `Fn::Sub` and `Fn::Join` whose pseudo parameters are spelt `${AWS::AccountId}` (the account) or
 * filled in (`aws` for the partition, which does not matter here).
 */
function text(node: Node | undefined, inTemplate: boolean, depth = 0): string | undefined {
  if (node === undefined || depth > 4) return undefined;
  if (node.kind === 'string') return node.value.includes('{{resolve:') ? UNKNOWN : node.value;
  if (!inTemplate) return undefined;
  const name = intrinsicName(node);
  const args = name ? getValue(node, name) : undefined;
  if (name === 'Ref') {
    const target = args?.kind === 'string' ? args.value : '';
    return target === 'AWS::AccountId' ? SELF : target === 'AWS::Partition' ? 'aws' : UNKNOWN;
  }
  if (name === 'Fn::Sub') {
    const template = args?.kind === 'array' ? args.items[0] : args;
    const variables = args?.kind === 'array' ? args.items[1] : undefined;
    if (template?.kind !== 'string') return undefined;
    return template.value.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      const variable = inner.trim();
      const bound = getValue(variables, variable);
      if (bound !== undefined) return text(bound, inTemplate, depth + 1) ?? UNKNOWN;
      if (variable === 'AWS::AccountId') return SELF;
      if (variable === 'AWS::Partition') return 'aws';
      return variable.startsWith('!') ? whole : UNKNOWN;
    });
  }
  if (name === 'Fn::Join' && args?.kind === 'array') {
    const [delimiter, list] = args.items;
    if (delimiter?.kind !== 'string' || list?.kind !== 'array') return undefined;
    return list.items
      .map((item) => text(item, inTemplate, depth + 1) ?? UNKNOWN)
      .join(delimiter.value);
  }
  return UNKNOWN;
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
