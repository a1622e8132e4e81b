import { nodeAt, type Node, type Range, type StringNode } from '../document';
import type { Analysis } from '../analyze';
import { hasWildcard, type ActionInfo, type Catalog } from '../iam/catalog';
import { RULES_BY_ID } from '../rules/registry';
import { arnHover } from './hover-arn';
import { conditionKeyHover } from './hover-condition';
import { pipelineHover } from './hover-pipeline';

export interface HoverResult extends Range {
  /** Markdown. */
  readonly contents: string;
}

/**
 * Hover at an offset: an IAM action or wildcard pattern, a condition key, an ARN, plus the
 * findings under the cursor. The document's secrets are masked in it, as in every output.
 */
export function hover(
  analysis: Analysis,
  catalog: Catalog,
  offset: number,
): HoverResult | undefined {
  const parts: string[] = [];
  let range: Range | undefined;
  const node = nodeAt(analysis.document.root, offset);
  const text =
    (node && pipelineHover(analysis.model, node)) ??
    (node?.kind === 'string' ? valueHover(analysis, catalog, node) : undefined);
  if (node && text) {
    // What the hover says about a value may quote it (an ARN's parts): mask the document's
    // secrets. The rules' docs below are fixed text, left as written.
    parts.push(analysis.secrets.mask(text));
    range = node;
  }
  for (const finding of analysis.findings) {
    if (offset < finding.start || offset > finding.end) continue;
    const rule = RULES_BY_ID.get(finding.rule);
    if (!rule) continue;
    parts.push(
      `**${rule.id}** (${finding.severity}): ${rule.docs.summary}\n\n_Fix:_ ${rule.docs.fix}`,
    );
    range ??= finding;
  }
  if (parts.length === 0 || !range) return undefined;
  return { start: range.start, end: range.end, contents: parts.join('\n\n---\n\n') };
}

function valueHover(analysis: Analysis, catalog: Catalog, node: StringNode): string | undefined {
  if (isActionValue(analysis, node)) {
    return hasWildcard(node.value)
      ? patternHover(catalog, node.value)
      : actionHover(catalog, node.value);
  }
  if (isConditionKey(node)) return conditionKeyHover(catalog, node.value);
  return arnHover(catalog, node.value);
}

/** A key directly under a condition operator: `Condition: { StringEquals: { <key>: ... } }`. */
function isConditionKey(node: StringNode): boolean {
  const operatorObject = node.parent;
  if (operatorObject?.kind !== 'object' || node.property !== undefined) return false;
  if (!operatorObject.properties.some((p) => p.key === node)) return false;
  return (
    operatorObject.parent?.kind === 'object' &&
    operatorObject.parent.property?.key.value === 'Condition'
  );
}

function isActionValue(analysis: Analysis, node: Node): boolean {
  return analysis.model.policies.some((policy) =>
    policy.statements.some(
      (statement) =>
        statement.values('Action').some((v) => v.node === node) ||
        statement.values('NotAction').some((v) => v.node === node),
    ),
  );
}

function catalogLine(catalog: Catalog): string {
  return `_IAM catalog: ${catalog.source} ${catalog.version} (${catalog.date})_`;
}

export function actionHover(catalog: Catalog, name: string): string | undefined {
  const action = catalog.action(name);
  if (!action) return undefined;
  const detail = catalog.actionDetail(action);
  const lines = [
    `**${action.service.prefix}:${action.name}** · ${action.service.name} · ${action.accessLevel}`,
  ];
  if (detail?.description) lines.push('', detail.description);
  lines.push('');
  if (action.wildcardOnly) {
    lines.push('Supports no resource-level permissions: `Resource` must be `"*"`.');
  } else if (detail) {
    lines.push('Resource types:');
    for (const type of detail.resourceTypes) {
      const arn = type.detail ? ` \`${type.detail.arn}\`` : '';
      lines.push(`- \`${type.name}\`${type.required ? ' (required)' : ''}${arn}`);
    }
  }
  if (detail && detail.conditionKeys.length > 0) {
    lines.push('', `Condition keys: ${detail.conditionKeys.map((k) => `\`${k}\``).join(', ')}`);
  }
  lines.push('', catalogLine(catalog));
  return lines.join('\n');
}

export function patternHover(catalog: Catalog, pattern: string): string | undefined {
  const matches = catalog.match(pattern);
  if (matches.length === 0) return undefined;
  const { byLevel } = catalog.countByLevel(matches);
  const levels = [...byLevel.entries()]
    .map(([level, count]) => `${level} ${count.toLocaleString('en-US')}`)
    .join(', ');
  const first = matches.slice(0, 10).map((a: ActionInfo) => `\`${a.service.prefix}:${a.name}\``);
  const more =
    matches.length > first.length
      ? `, and ${(matches.length - first.length).toLocaleString('en-US')} more`
      : '';
  return [
    `**${pattern}** matches ${matches.length.toLocaleString('en-US')} action${matches.length === 1 ? '' : 's'} (${levels}).`,
    '',
    `${first.join(', ')}${more}.`,
    '',
    catalogLine(catalog),
  ].join('\n');
}
