import { getValue, type Node, type ObjectNode, type ParsedDocument } from '../document';
import { DocumentFacts } from './facts';
import { detectKind, type DocumentKind } from './kind';
import { readPolicy, type Policy, type PolicyType } from './policy';
import { readPipelineDocument, templatePipelines, type Pipeline } from './pipeline';
import { embeddedPolicies, readTemplate, type Template } from './template';
import { alternatives, stringItems } from './values';

export * from './facts';
export * from './intrinsics';
export * from './kind';
export * from './pipeline';
export * from './policy';
export * from './template';
export * from './values';

/** What a parsed document means: its kind, its template (if any) and every policy in it. */
export interface DocumentModel {
  readonly kind: DocumentKind;
  readonly template: Template | undefined;
  readonly policies: readonly Policy[];
  /** Every CodePipeline declaration: the document's own, or each one in the template. */
  readonly pipelines: readonly Pipeline[];
  /** The document's derived facts, computed on first use (the template's, in a template). */
  readonly facts: DocumentFacts;
}

/** What the host knows about a document beyond its text. */
export interface ModelOptions {
  /**
   * The type of a standalone policy document, from the configuration (`policyTypes`). Nothing in
   * a document tells an SCP, an RCP or a permissions boundary from other policies, so only the
   * user can say so; templates ignore this, since there the holding property decides.
   */
  readonly policyType?: Exclude<PolicyType, 'unknown'>;
}

/** Builds the model of a parsed document. Never throws. */
export function buildModel(document: ParsedDocument, options: ModelOptions = {}): DocumentModel {
  const root = document.root;
  const kind = detectKind(root);
  const none = { template: undefined, policies: [], pipelines: [], facts: new DocumentFacts() };
  if (root?.kind !== 'object') return { kind, ...none };
  switch (kind) {
    case 'iam-policy': {
      const policy = options.policyType
        ? readPolicy(root, options.policyType)
        : readPolicy(root, standalonePolicyType(root), undefined, true);
      return { ...none, kind, policies: [policy] };
    }
    case 'cloudformation': {
      const template = readTemplate(root);
      return {
        kind,
        template,
        policies: embeddedPolicies(template),
        pipelines: templatePipelines(template),
        facts: template.facts,
      };
    }
    case 'codepipeline': {
      const pipeline = readPipelineDocument(root);
      return { ...none, kind, pipelines: pipeline ? [pipeline] : [] };
    }
    default:
      return { kind, ...none };
  }
}

/** Actions a role trust policy may hold: assuming the role, and what comes with the session. */
const TRUST_ACTION = /^sts:(AssumeRole[A-Za-z*]*|TagSession|SetSourceIdentity|SetContext|\*)$/i;
const ASSUME_ROLE = /^sts:AssumeRole/i;

/**
 * The type of a standalone policy document, from its content. A role trust policy grants only
 * `sts:AssumeRole*` and session actions, at least one `sts:AssumeRole*`, and either names
 * principals or names no resources (a trust policy missing its principal is still one; an identity
 * policy granting `sts:AssumeRole` needs a `Resource`). Other documents with principals are
 * resource-based policies, and the rest identity policies (a permissions boundary looks the same).
 */
export function standalonePolicyType(root: ObjectNode): 'identity' | 'resource' | 'trust' {
  const statements = statementObjects(getValue(root, 'Statement'));
  const has = (s: ObjectNode, ...names: string[]) =>
    names.some((name) => getValue(s, name) !== undefined);
  const withPrincipal = statements.filter((s) => has(s, 'Principal', 'NotPrincipal'));
  if (withPrincipal.length === 0) {
    const trustLike =
      statements.length > 0 &&
      !statements.some((s) => has(s, 'Resource', 'NotResource')) &&
      grantsOnlyRoleSessions(statements);
    return trustLike ? 'trust' : 'identity';
  }
  return grantsOnlyRoleSessions(withPrincipal) ? 'trust' : 'resource';
}

/** Every statement grants only trust-policy actions, and at least one grants `sts:AssumeRole*`. */
function grantsOnlyRoleSessions(statements: readonly ObjectNode[]): boolean {
  let assumesRole = false;
  for (const statement of statements) {
    const actions = stringItems(getValue(statement, 'Action'));
    if (actions.length === 0) return false;
    for (const action of actions) {
      if (action.value === undefined) continue;
      if (!TRUST_ACTION.test(action.value)) return false;
      if (ASSUME_ROLE.test(action.value)) assumesRole = true;
    }
  }
  return assumesRole;
}

function statementObjects(value: Node | undefined): ObjectNode[] {
  const result: ObjectNode[] = [];
  for (const alternative of alternatives(value)) {
    const items = alternative.kind === 'array' ? alternative.items : [alternative];
    for (const item of items) {
      for (const choice of alternatives(item)) if (choice.kind === 'object') result.push(choice);
    }
  }
  return result;
}
