import { getProperty, getValue, type Node, type ParsedDocument } from '../document';
import { insertProperty, replace } from '../edits';
import { alternatives, type TemplateResource } from '../model';
import { defineRule, type Fix } from './rule';

export default defineRule({
  id: 'kms-key-rotation',
  defaultSeverity: 'warning',
  appliesTo: ['cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A symmetric customer managed KMS key (\`AWS::KMS::Key\`) without \`EnableKeyRotation: true\`.
    `,
    why: `
      Automatic rotation gives a symmetric key new key material every year (or on the period you
      choose) while keeping the old material for decrypting what it already protects, so nothing
      that uses the key has to change. Without it, one key material protects everything for the life
      of the key, and many compliance baselines require rotation. Asymmetric and HMAC keys cannot be
      rotated automatically and are never reported, nor are keys with imported key material or
      values the engine cannot read (\`Ref\`, \`Fn::If\`).
    `,
    fix: `
      Set \`EnableKeyRotation: true\` (optionally with \`RotationPeriodInDays\`). The quick-fix adds
      or corrects it and is marked safe: rotation keeps every earlier key material for decryption,
      so it changes neither who can use the key nor what can be decrypted; its only cost is a small
      monthly charge for each retained key material.
    `,
    references: [
      'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html',
    ],
  },
  check({ document, model, report }) {
    for (const resource of model.template?.resources.values() ?? []) {
      if (resource.type !== 'AWS::KMS::Key' || !rotatable(resource)) continue;
      const properties = resource.properties;
      const property = getProperty(properties, 'EnableKeyRotation');
      if (property) {
        const value = property.value;
        // Only a literal false (or "false") is reported; intrinsics may well be true.
        if (!isFalse(value) || value === undefined) continue;
        report({
          at: value,
          message: `KMS key "${resource.name}" is a symmetric key with automatic rotation turned off; set EnableKeyRotation to true.`,
          fixes: [
            {
              title: 'Set EnableKeyRotation to true',
              safe: true,
              edits: [replace(value, 'true')],
            },
          ],
        });
        continue;
      }
      report({
        at: resource.node.property?.key ?? resource.node,
        message: `KMS key "${resource.name}" is a symmetric key without automatic rotation; add EnableKeyRotation: true.`,
        fixes: addRotation(document, properties),
      });
    }
  },
});

/**
 * Whether automatic rotation applies: a symmetric encryption key (the default `KeySpec` and
 * `KeyUsage`) with key material from KMS. Any value we cannot read counts as not rotatable.
 */
function rotatable(key: TemplateResource): boolean {
  const properties = key.properties;
  if (properties !== undefined && (properties.kind !== 'object' || properties.tag !== undefined)) {
    return false;
  }
  return (
    literalOr(getValue(properties, 'KeySpec'), 'SYMMETRIC_DEFAULT') &&
    literalOr(getValue(properties, 'KeyUsage'), 'ENCRYPT_DECRYPT') &&
    literalOr(getValue(properties, 'Origin'), 'AWS_KMS')
  );
}

/** The property is absent, or every branch of it is the literal `expected`. */
function literalOr(node: Node | undefined, expected: string): boolean {
  if (node === undefined) return true;
  const choices = alternatives(node);
  return choices.length > 0 && choices.every((c) => c.kind === 'string' && c.value === expected);
}

function isFalse(node: Node | undefined): boolean {
  return (
    (node?.kind === 'boolean' && !node.value) ||
    (node?.kind === 'string' && node.value.toLowerCase() === 'false')
  );
}

function addRotation(document: ParsedDocument, properties: Node | undefined): Fix[] {
  if (properties?.kind !== 'object') return [];
  const edit = insertProperty(document, properties, 'EnableKeyRotation', true);
  return edit ? [{ title: 'Add EnableKeyRotation: true', safe: true, edits: [edit] }] : [];
}
