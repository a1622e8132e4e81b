import { getValue, type Node } from '../document';
import {
  alternatives,
  getAttTarget,
  intrinsicName,
  type Template,
  type TemplateResource,
} from '../model';

/**
 * Follows a KMS key reference (an encryption key `Id`) to the `AWS::KMS::Key` resources of the
 * template it may name: `Ref`/`Fn::GetAtt` to a key or an alias, an `alias/...` name or alias
 * ARN matching an `AWS::KMS::Alias`, and `Fn::Sub` strings that embed a key or alias. Each
 * `Fn::If` branch is followed on its own. Anything else (parameters, imports, key ARNs of keys
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
  const name = intrinsicName(node);
  if (name === 'Ref') {
    const target = getValue(node, 'Ref');
    return target?.kind === 'string' ? byResource(template, target.value, depth) : [];
  }
  if (name === 'Fn::GetAtt') {
    const target = getAttTarget(node);
    return target ? byResource(template, target, depth) : [];
  }
  if (name === 'Fn::Sub') return bySub(template, node, depth);
  if (node.kind === 'string') return byAliasName(template, node.value, depth);
  return [];
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

/**
 * `!Sub 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}'` and the like:
 * a string whose last segment is a key id or alias taken from one template resource.
 */
function bySub(template: Template, node: Node, depth: number): TemplateResource[] {
  const args = getValue(node, 'Fn::Sub');
  const text = args?.kind === 'array' ? args.items[0] : args;
  if (text?.kind !== 'string') return [];
  const match = /(?:^|key\/|alias\/)\$\{([A-Za-z0-9]+)(?:\.(?:Arn|KeyId))?\}$/.exec(text.value);
  if (!match?.[1]) {
    // `...:alias/artifacts` with only the region and account substituted.
    const alias = /:(alias\/[^$\s]+)$/.exec(text.value);
    return alias?.[1] ? byAliasName(template, alias[1], depth) : [];
  }
  // Variables bound in the Sub's own map are not resources.
  if (args?.kind === 'array' && getValue(args.items[1], match[1]) !== undefined) return [];
  return byResource(template, match[1], depth);
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
