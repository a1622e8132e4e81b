/**
 * The shape of a CloudFormation template as the model reads it; `template.ts` reads it. Kept apart
 * so that the policy model and the intrinsic resolver can name it without importing the reader.
 */
import type { Node, ObjectNode } from '../document';
import type { DocumentFacts } from './facts';

export interface TemplateResource {
  readonly name: string;
  readonly type: string;
  readonly node: ObjectNode;
  readonly properties: Node | undefined;
}

export interface Template {
  readonly root: ObjectNode;
  /** The document's derived facts (resolved values, buckets, roles, ...), shared by every rule. */
  readonly facts: DocumentFacts;
  readonly resources: ReadonlyMap<string, TemplateResource>;
  readonly parameters: ReadonlyMap<string, ObjectNode>;
  readonly isSam: boolean;
}
