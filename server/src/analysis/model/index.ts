import { getValue, type ObjectNode, type ParsedDocument } from '../document';
import { detectKind, type DocumentKind } from './kind';
import { readPolicy, type Policy } from './policy';
import { embeddedPolicies, readTemplate, type Template } from './template';

export * from './kind';
export * from './policy';
export * from './template';
export * from './values';

/** What a parsed document means: its kind, its template (if any) and every policy in it. */
export interface DocumentModel {
  readonly kind: DocumentKind;
  readonly template: Template | undefined;
  readonly policies: readonly Policy[];
}

export function buildModel(document: ParsedDocument): DocumentModel {
  const root = document.root;
  const kind = detectKind(root);
  if (root?.kind !== 'object') return { kind, template: undefined, policies: [] };
  switch (kind) {
    case 'iam-policy':
      return { kind, template: undefined, policies: [readPolicy(root, standaloneType(root))] };
    case 'cloudformation': {
      const template = readTemplate(root);
      return { kind, template, policies: embeddedPolicies(template) };
    }
    default:
      return { kind, template: undefined, policies: [] };
  }
}

/** A standalone policy with a principal is resource-based (or a trust policy); otherwise identity-based. */
function standaloneType(root: ObjectNode): 'identity' | 'resource' {
  const statement = getValue(root, 'Statement');
  const statements = statement?.kind === 'array' ? statement.items : statement ? [statement] : [];
  const hasPrincipal = statements.some(
    (s) => getValue(s, 'Principal') !== undefined || getValue(s, 'NotPrincipal') !== undefined,
  );
  return hasPrincipal ? 'resource' : 'identity';
}
