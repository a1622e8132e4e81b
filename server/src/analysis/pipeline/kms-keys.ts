import { getValue, type Node } from '../document';
import {
  alternatives,
  resolveValue,
  type Resolved,
  type Template,
  type TemplateResource,
} from '../model';

/**
 * Follows a KMS key reference (an encryption key `Id`) to the `AWS::KMS::Key` resources of the
 * template it may name: `Ref`/`Fn::GetAtt` to a key or an alias, an `alias/...` name or alias
 * ARN matching an `AWS::KMS::Alias`, and `Fn::Sub`/`Fn::Join` strings that end in a key or alias
 * (read by the intrinsic resolver). Each `Fn::If` branch is followed on its own. Anything else (parameters, imports, key ARNs of keys
 * outside the template) resolves to nothing: unknown keys are never judged.
 */
export function resolveKeys(
  template: Template | undefined,
  reference: Node | undefined,
): { key: TemplateResource; via: Node }[] {
  if (!template) return [];
  const found: { key: TemplateResource; via: Node }[] = [];
  for (const choice of alternatives(reference)) {
    for (const key of keysOf(template, choice, 0)) found.push({ key, via: choice });
  }
  return found;
}

const KEY = 'AWS::KMS::Key';
const ALIAS = 'AWS::KMS::Alias';

function keysOf(template: Template, node: Node, depth: number): TemplateResource[] {
  // Alias chains cannot loop in a valid template, but a broken one must not hang us.
  if (depth > 4) return [];
  // Parameter defaults are not used: the deployer may pass another key.
  return resolveValue(node, { template, defaults: false }).flatMap((resolved) =>
    keysOfResolved(template, resolved, depth),
  );
}

/**
 * One alternative of a key reference: a value that ends in a template resource (`!Ref Key`,
 * `!GetAtt Key.Arn`, `...:key/${Key}`, `alias/${Alias}`), or in a literal alias name.
 */
function keysOfResolved(template: Template, resolved: Resolved, depth: number): TemplateResource[] {
  const segments = resolved.segments;
  const last = segments[segments.length - 1];
  if (last?.kind === 'hole') {
    if (last.source.kind !== 'resource') return [];
    const attribute = last.source.attribute;
    if (attribute !== undefined && attribute !== 'Arn' && attribute !== 'KeyId') return [];
    const prefix = segments
      .slice(0, -1)
      .map((s) => (s.kind === 'text' ? s.text : '\u0000'))
      .join('');
    if (prefix !== '' && !/(^|:)(key|alias)\/$/.test(prefix)) return [];
    return byResource(template, last.source.name, depth);
  }
  // `alias/name`, or an alias ARN whose alias part is written out.
  return last?.kind === 'text' && last.parameter === undefined
    ? byAliasName(template, last.text, depth)
    : [];
}

function byResource(template: Template, name: string, depth: number): TemplateResource[] {
  const resource = template.resources.get(name);
  if (resource?.type === KEY) return [resource];
  if (resource?.type === ALIAS) {
    return alternatives(getValue(resource.properties, 'TargetKeyId')).flatMap((target) =>
      keysOf(template, target, depth + 1),
    );
  }
  return [];
}

/** `alias/name` or `arn:...:alias/name`: the template's alias with that literal `AliasName`. */
function byAliasName(template: Template, value: string, depth: number): TemplateResource[] {
  const match = /(?:^|:)(alias\/[^\s]+)$/.exec(value);
  if (!match) return [];
  const keys: TemplateResource[] = [];
  for (const resource of template.resources.values()) {
    if (resource.type !== ALIAS) continue;
    const aliasName = getValue(resource.properties, 'AliasName');
    if (aliasName?.kind === 'string' && aliasName.value === match[1]) {
      keys.push(...byResource(template, resource.name, depth));
    }
  }
  return keys;
}

/** How a KMS key resource is unfit for encryption, if its literal `KeySpec`/`KeyUsage` say so. */
export function asymmetricReason(key: TemplateResource): { node: Node; text: string } | undefined {
  for (const spec of alternatives(getValue(key.properties, 'KeySpec'))) {
    if (spec.kind === 'string' && spec.value !== 'SYMMETRIC_DEFAULT') {
      return { node: spec, text: `KeySpec ${spec.value}` };
    }
  }
  for (const usage of alternatives(getValue(key.properties, 'KeyUsage'))) {
    if (usage.kind === 'string' && usage.value !== 'ENCRYPT_DECRYPT') {
      return { node: usage, text: `KeyUsage ${usage.value}` };
    }
  }
  return undefined;
}
