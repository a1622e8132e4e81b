import { matchingResourceTypes } from '../iam/arn';
import { policyStringPieces } from '../iam/arn-values';
import { namespaceResourceTypes } from '../iam/arn-match';
import type { Catalog } from '../iam/catalog';

/** Beyond this many matching resource types the hover lists the first ones and a count. */
const MAX_TYPES = 8;

/**
 * Hover for an ARN written in a policy: its parts, and which resource types of its service it
 * can name (with their ARN formats). Undefined for text that is not an ARN.
 */
export function arnHover(catalog: Catalog, arn: string): string | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  // Policy variables (`${aws:username}`) hold colons that do not separate parts.
  const variables: string[] = [];
  const masked = arn.replace(/\$\{[^}]*\}/g, (v) => `\uE000${variables.push(v) - 1}\uE000`);
  const restore = (text: string) =>
    text.replace(/\uE000(\d+)\uE000/g, (_, i: string) => variables[Number(i)] ?? '');
  const [, partition = '', service = '', region = '', account = '', ...rest] = masked
    .split(':')
    .map(restore);
  const resource = rest.join(':');
  const show = (value: string, empty: string) => (value === '' ? `_${empty}_` : `\`${value}\``);
  const serviceName = catalog.service(service)?.name;
  const lines = [
    '**ARN**',
    '',
    '| part | value |',
    '|---|---|',
    `| partition | ${show(partition, 'empty')} |`,
    `| service | ${show(service, 'empty')}${serviceName ? ` (${serviceName})` : ''} |`,
    `| Region | ${show(region, 'none')} |`,
    `| account | ${show(account, 'none')} |`,
    `| resource | ${show(resource, 'empty')} |`,
    '',
  ];
  const all = service === '' ? [] : namespaceResourceTypes(catalog, service, false);
  if (all.length > 0) {
    const matches = matchingResourceTypes(catalog, policyStringPieces(arn));
    if (matches.length === 0) {
      lines.push(`Fits none of the ${all.length} resource types of \`${service}\`.`);
    } else {
      lines.push(`Resource type${matches.length === 1 ? '' : 's'} it can name:`);
      for (const type of matches.slice(0, MAX_TYPES))
        lines.push(`- \`${type.name}\` \`${type.arn}\``);
      if (matches.length > MAX_TYPES) lines.push(`- and ${matches.length - MAX_TYPES} more`);
    }
    lines.push('');
  }
  lines.push(`_IAM catalog: ${catalog.source} ${catalog.version} (${catalog.date})_`);
  return lines.join('\n');
}
