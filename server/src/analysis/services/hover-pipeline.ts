import type { Node, ObjectNode, Property } from '../document';
import {
  actionTypeOf,
  alternatives,
  intrinsicName,
  scalarValue,
  type Action,
  type DocumentModel,
} from '../model';
import {
  configKey,
  type ActionType,
  type ConfigKey,
  type CountRange,
  type RolePermission,
} from '../pipeline/action-types';

/** Where a node sits in a pipeline action: the action and the action type it belongs to. */
export interface ActionPlace {
  readonly action: Action;
  /** The literal action-type object (an `Fn::If` branch when the type is chosen by a condition). */
  readonly typeId: ObjectNode | undefined;
  /** The literal configuration object (an `Fn::If` branch when it is chosen by a condition). */
  readonly configuration: ObjectNode | undefined;
}

/**
 * The action whose action-type object, or configuration object, is `object` (either one of its
 * `Fn::If` branches). Undefined for any other object.
 */
export function placeOf(model: DocumentModel, object: Node | undefined): ActionPlace | undefined {
  if (object?.kind !== 'object') return undefined;
  for (const pipeline of model.pipelines) {
    for (const stage of pipeline.stages) {
      for (const action of stage.actions) {
        if (literalChoices(action.actionTypeId).includes(object)) {
          return { action, typeId: object, configuration: undefined };
        }
        if (literalChoices(action.configuration).includes(object)) {
          const typeIds = literalChoices(action.actionTypeId);
          return {
            action,
            typeId: typeIds.length === 1 ? typeIds[0] : undefined,
            configuration: object,
          };
        }
      }
    }
  }
  return undefined;
}

/** The literal objects a value may be once every `Fn::If` is chosen. */
export function literalChoices(node: Node | undefined): ObjectNode[] {
  return alternatives(node).filter(
    (n): n is ObjectNode => n.kind === 'object' && intrinsicName(n) === undefined,
  );
}

/** Reads a camelCase key in either spelling (`provider` in API JSON, `Provider` in templates). */
export function either(object: Node | undefined, camel: string): Node | undefined {
  if (object?.kind !== 'object') return undefined;
  const pascal = camel.charAt(0).toUpperCase() + camel.slice(1);
  for (let i = object.properties.length - 1; i >= 0; i--) {
    const property = object.properties[i];
    if (property && (property.key.value === camel || property.key.value === pascal))
      return property.value;
  }
  return undefined;
}

/** The table's action type for a literal action-type object, if its three parts are known. */
export function typeOf(typeId: Node | undefined): ActionType | undefined {
  return actionTypeOf(
    scalarValue(either(typeId, 'owner'))?.value,
    scalarValue(either(typeId, 'category'))?.value,
    scalarValue(either(typeId, 'provider'))?.value,
  );
}

/**
 * Hover for a pipeline action: on the action-type object, its key, or the provider (key or value)
 * it explains the action type; on a configuration key, that key. Undefined elsewhere.
 */
export function pipelineHover(model: DocumentModel, node: Node): string | undefined {
  if (model.pipelines.length === 0) return undefined;
  // The action-type object itself (the cursor between its keys) or the key that holds it.
  const typeObject = node.kind === 'object' ? node : keyProperty(node)?.value;
  const asType = placeOf(model, typeObject);
  if (asType?.typeId !== undefined && asType.typeId === typeObject) {
    const type = typeOf(asType.typeId);
    return type && actionTypeHover(type);
  }
  const parent = node.parent;
  const place = placeOf(model, parent);
  if (place === undefined || parent === undefined) return undefined;
  const keyName = isKey(node) ? stringOf(node) : node.property?.key.value;
  if (place.typeId === parent && (keyName === 'provider' || keyName === 'Provider')) {
    const type = typeOf(parent);
    return type && actionTypeHover(type);
  }
  if (place.configuration === parent && isKey(node)) {
    const type = typeOf(place.typeId);
    const key = type && configKey(type, stringOf(node) ?? '');
    return type && key && configKeyHover(type, key);
  }
  return undefined;
}

/** Markdown for an action type: what it does, its keys, artifacts, role permissions and link. */
export function actionTypeHover(type: ActionType): string {
  const lines = [
    `**${type.provider}** · CodePipeline ${type.category} action · owner ${type.owners.join(' or ')} · version ${type.versions.join(', ')}${type.v2Only ? ' · V2 pipelines only' : ''}`,
    '',
    type.description,
  ];
  if (type.configuration.length > 0) {
    lines.push('', 'Configuration:');
    for (const key of type.configuration) lines.push(`- \`${key.name}\` ${keyTags(key)}`);
  }
  lines.push('', `Artifacts: ${countText(type.inputs)} in, ${countText(type.outputs)} out.`);
  const always = type.permissions.filter((p) => p.whenConfig === undefined);
  const conditional = type.permissions.filter((p) => p.whenConfig !== undefined);
  if (type.permissions.length > 0) {
    lines.push('', 'Service role needs:');
    if (always.length > 0) lines.push(`- ${codeList(always.flatMap((p) => p.actions))}`);
    for (const permission of conditional) {
      lines.push(`- ${whenText(permission)}: ${codeList(permission.actions)}`);
    }
  }
  if (type.passedRoles.length > 0) {
    lines.push('', 'Passes roles (the service role needs `iam:PassRole` on them):');
    for (const role of type.passedRoles) {
      const where = role.indirect !== undefined ? ` (${role.indirect})` : '';
      lines.push(`- \`${role.configKey}\`${where} to \`${role.service}\``);
    }
  }
  lines.push('', `[AWS action reference: ${type.provider}](${type.reference})`);
  return lines.join('\n');
}

/** Markdown for one configuration key of an action type. */
export function configKeyHover(type: ActionType, key: ConfigKey): string {
  const lines = [
    `**${key.name}** · ${type.provider} configuration · ${keyTags(key).replace(/[()]/g, '')}`,
    '',
    key.description,
  ];
  if (key.secret) {
    lines.push(
      '',
      'A credential: never write it as a literal; use a Secrets Manager dynamic reference or a `NoEcho` parameter.',
    );
  }
  const passed = type.passedRoles.filter(
    (r) => r.configKey === key.name && r.indirect === undefined,
  );
  for (const permission of type.permissions.filter((p) => p.whenConfig === key.name)) {
    // `iam:PassRole` for a role this key holds is said once, below, with the receiving service.
    const actions = permission.actions.filter((a) => passed.length === 0 || a !== 'iam:PassRole');
    if (actions.length === 0) continue;
    const values = permission.whenValue ?? [];
    const when =
      values.length > 0 ? `When it is ${values.map((v) => `\`${v}\``).join(' or ')}` : 'When set';
    lines.push('', `${when}, the service role also needs ${codeList(actions)}.`);
  }
  for (const role of passed) {
    lines.push(
      '',
      `The role is passed to \`${role.service}\`: the service role needs \`iam:PassRole\` on it.`,
    );
  }
  lines.push('', `[AWS action reference: ${type.provider}](${type.reference})`);
  return lines.join('\n');
}

/** `with \`BatchEnabled\``, or `with \`RegistryType\` = \`public\`` when only some values need it. */
function whenText(permission: RolePermission): string {
  const values = permission.whenValue ?? [];
  const equals = values.length > 0 ? ` = ${values.map((v) => `\`${v}\``).join(' or ')}` : '';
  return `with \`${permission.whenConfig ?? ''}\`${equals}`;
}

function keyTags(key: ConfigKey): string {
  return `(${key.required ? 'required' : 'optional'}${key.secret ? ', secret' : ''})`;
}

function countText(range: CountRange): string {
  if (range.max === 0) return 'none';
  return range.min === range.max ? String(range.min) : `${range.min} to ${range.max}`;
}

function codeList(actions: readonly string[]): string {
  return actions.map((a) => `\`${a}\``).join(', ');
}

/** The property whose key is this node (nodeAt returns keys as nodes of their own). */
export function keyProperty(node: Node): Property | undefined {
  if (node.kind !== 'string' || node.property !== undefined || node.parent?.kind !== 'object')
    return undefined;
  return node.parent.properties.find((p) => p.key === node);
}

function isKey(node: Node): boolean {
  return keyProperty(node) !== undefined;
}

function stringOf(node: Node): string | undefined {
  return node.kind === 'string' ? node.value : undefined;
}
