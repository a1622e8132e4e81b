import { getValue, type Node } from '../document';

export type DocumentKind = 'iam-policy' | 'codepipeline' | 'cloudformation' | 'unknown';

/** Classifies a document from its root value (DESIGN section 2). */
export function detectKind(root: Node | undefined): DocumentKind {
  if (root?.kind !== 'object') return 'unknown';
  if (getValue(root, 'AWSTemplateFormatVersion') !== undefined) return 'cloudformation';
  const resources = getValue(root, 'Resources');
  if (resources?.kind === 'object') {
    const typed = resources.properties.some((p) => {
      const type = getValue(p.value, 'Type');
      return type?.kind === 'string' && /^AWS::/.test(type.value);
    });
    if (typed) return 'cloudformation';
  }
  if (getValue(root, 'Statement') !== undefined) return 'iam-policy';
  if (getValue(root, 'pipeline')?.kind === 'object') return 'codepipeline';
  if (isBarePipeline(root)) return 'codepipeline';
  return 'unknown';
}

function isBarePipeline(root: Node): boolean {
  return (
    getValue(root, 'stages')?.kind === 'array' &&
    (getValue(root, 'roleArn') !== undefined ||
      getValue(root, 'artifactStore') !== undefined ||
      getValue(root, 'artifactStores') !== undefined)
  );
}
