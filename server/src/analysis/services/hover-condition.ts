import { isTemplatedKey, type Catalog } from '../iam/catalog';
import { resolveConditionKey } from '../iam/conditions';

/** What a key type means in a condition, for the hover. */
const TYPE_NOTES: ReadonlyMap<string, string> = new Map([
  ['string', 'compare with String operators'],
  ['arn', 'compare with Arn operators (String operators work too)'],
  ['bool', 'compare with `Bool` ("true" or "false")'],
  ['date', 'compare with Date operators'],
  ['numeric', 'compare with Numeric operators'],
  ['ipaddress', 'compare with `IpAddress` / `NotIpAddress`'],
  ['binary', 'compare with `BinaryEquals`'],
]);

/**
 * Markdown for a condition key used in a policy: its catalog name (templated keys show the
 * template they match), type, description, whether it is global, and the catalog version.
 * Undefined for keys the catalog does not define.
 */
export function conditionKeyHover(catalog: Catalog, key: string): string | undefined {
  const resolution = resolveConditionKey(catalog, key);
  if (resolution.status !== 'known') return undefined;
  const { detail, global, multiValued } = resolution.key;
  const scope = global ? 'global condition key' : 'condition key';
  const lines = [`**${key}** · ${scope} · \`${detail.type}\``];
  if (isTemplatedKey(detail.name) || detail.name.toLowerCase() !== key.toLowerCase()) {
    lines.push('', `Matches \`${detail.name}\`.`);
  }
  if (detail.description) lines.push('', detail.description);
  const base = (multiValued ? detail.type.slice('ArrayOf'.length) : detail.type).toLowerCase();
  const note = TYPE_NOTES.get(base);
  const usage = multiValued
    ? `Multi-valued: use \`ForAnyValue:\` or \`ForAllValues:\`${note ? ` and ${note}` : ''}.`
    : note
      ? `Single-valued: ${note}.`
      : undefined;
  if (usage) lines.push('', usage);
  lines.push('', `_IAM catalog: ${catalog.source} ${catalog.version} (${catalog.date})_`);
  return lines.join('\n');
}
