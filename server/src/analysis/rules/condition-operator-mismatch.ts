import type { Property, StringNode } from '../document';
import { replaceString } from '../edits';
import {
  fittingFamilies,
  nearestOperator,
  operatorFits,
  parseOperator,
  VALUE_SHAPES,
  valueFits,
  type OperatorFamily,
  type ParsedOperator,
} from '../iam/condition-operators';
import {
  conditionBlocks,
  isStackPolicyStatement,
  literalValues,
  resolveConditionKey,
  type ResolvedConditionKey,
} from '../iam/conditions';
import type { Catalog } from '../iam/catalog';
import type { Node, ParsedDocument } from '../document';
import { defineRule, type Fix, type RuleContext } from './rule';

const FAMILY_EXAMPLE: ReadonlyMap<OperatorFamily, string> = new Map([
  ['String', 'StringEquals'],
  ['Arn', 'ArnLike'],
  ['Numeric', 'NumericLessThan'],
  ['Date', 'DateGreaterThan'],
  ['Bool', 'Bool'],
  ['IpAddress', 'IpAddress'],
  ['Binary', 'BinaryEquals'],
]);

export default defineRule({
  id: 'condition-operator-mismatch',
  defaultSeverity: 'error',
  appliesTo: ['iam-policy', 'cloudformation'],
  fixable: true,
  docs: {
    summary: `
      A \`Condition\` uses an operator IAM does not have (error), or one that does not fit its key
      or its values: a String operator on a numeric key, \`ForAllValues\` on a single-valued key, no
      set qualifier on a multi-valued global key such as \`aws:TagKeys\`, \`Bool\` with "yes",
      \`IpAddress\` with something that is not an address (warnings).
    `,
    why: `
      IAM rejects an unknown operator when the policy is saved, but only at deploy time, far from
      the editor. The other mistakes deploy silently and change the outcome: a Numeric key compared
      with a String operator never matches the way it reads; \`ForAllValues\` is true when the key
      is absent from the request, so on a single-valued key it turns an Allow into one that also
      applies to requests without the key; a multi-valued key such as \`aws:TagKeys\` compared
      without a set qualifier behaves differently from what most readers expect; and a value of the
      wrong shape ("yes" for a Bool, "10.0.0.0/33" for an address) never matches. To stay quiet
      where the service reference is loose, some combinations are accepted: String operators on Bool
      keys (IAM compares "true"/"false" as text), Arn operators on tag and context keys whose values
      are ARNs, String operators whose value is a policy variable, Numeric operators on
      \`aws:EpochTime\`, and \`ForAnyValue\` on a single-valued key (redundant but harmless); the
      missing-qualifier check covers global keys only, whose types AWS documents. A \`Null\` test
      fits any key and takes "true" (the key is absent) or "false" (it is present). Deny statements
      are checked too: a broken condition there silently removes a guard rail.
    `,
    fix: `
      For an unknown operator the quick-fix puts the nearest real one. For a set qualifier on a
      single-valued key, a quick-fix drops the qualifier when every key under that operator is
      single-valued. Otherwise pick the operator family the key's type calls for (the message names
      it) and write values of its shape. The fixes change what the condition tests, so none is
      applied on its own.
    `,
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
    ],
  },
  check(context) {
    for (const policy of context.model.policies) {
      if (policy.type === 'iot') continue;
      for (const statement of policy.statements) {
        if (isStackPolicyStatement(statement)) continue;
        const blocks = conditionBlocks(statement);
        const names = new Set(blocks.map((b) => b.operator.key.value));
        for (const { operator, keys } of blocks) {
          const parsed = parseOperator(operator.key.value);
          if (!parsed) {
            unknownOperator(context, operator.key, names);
            continue;
          }
          checkKeys(context, operator, keys, parsed, names);
        }
      }
    }
  },
});

function unknownOperator(
  { document, report }: RuleContext,
  node: StringNode,
  names: ReadonlySet<string>,
): void {
  const nearest = nearestOperator(node.value);
  const fixes = nearest && !names.has(nearest) ? [operatorFix(document, node, nearest)] : [];
  report({
    at: node,
    message: `Unknown condition operator "${node.value}": IAM rejects the policy.${nearest ? ` Did you mean "${nearest}"?` : ''}`,
    fixes,
  });
}

function operatorFix(document: ParsedDocument, node: StringNode, operator: string): Fix {
  return {
    title: `Replace with "${operator}"`,
    safe: false,
    edits: [replaceString(document, node, operator)],
  };
}

function resolveKnown(catalog: Catalog, name: string): ResolvedConditionKey | undefined {
  const resolution = resolveConditionKey(catalog, name);
  return resolution.status === 'known' ? resolution.key : undefined;
}

function checkKeys(
  { document, catalog, report }: RuleContext,
  operator: Property,
  keys: readonly Property[],
  parsed: ParsedOperator,
  names: ReadonlySet<string>,
): void {
  const op = operator.key.value;
  const resolved = keys.map((k) => resolveKnown(catalog, k.key.value));
  // Dropping the qualifier is offered only when it suits every key under the operator.
  const withoutQualifier = op.slice(op.indexOf(':') + 1);
  const canDrop =
    resolved.every((k) => k !== undefined && k.baseType !== undefined && !k.multiValued) &&
    !names.has(withoutQualifier);
  keys.forEach((property, i) => {
    const key = resolved[i];
    const name = property.key.value;
    if (key?.baseType !== undefined) {
      // Only String operators take policy variables, so `"${aws:VpcSourceIp}"` needs one.
      const fits =
        parsed.family === 'String' && holdsVariable(property.value)
          ? true
          : operatorFits(parsed.family, key);
      if (fits === false) {
        const families = fittingFamilies(key);
        report({
          at: property.key,
          severity: 'warning',
          message: `"${op}" does not fit "${name}", whose type is ${key.detail.type}: use ${families.map((f) => `${f} operators (such as ${FAMILY_EXAMPLE.get(f) ?? f})`).join(' or ')}.`,
        });
      } else if (
        parsed.qualifier === 'ForAllValues' &&
        !key.multiValued &&
        parsed.family !== 'Null'
      ) {
        report({
          at: property.key,
          severity: 'warning',
          message: `"${name}" is single-valued (${key.detail.type}) but "${op}" treats it as a set: ForAllValues is true when the key is absent from the request, so this test also passes for requests without it. Use "${withoutQualifier}".`,
          fixes: canDrop ? [operatorFix(document, operator.key, withoutQualifier)] : [],
        });
      } else if (!parsed.qualifier && key.multiValued && key.global && parsed.family !== 'Null') {
        report({
          at: property.key,
          severity: 'warning',
          message: `"${name}" is multi-valued (${key.detail.type}): compare it with "ForAnyValue:${op}" (any value matches) or "ForAllValues:${op}" (every value matches), not a plain "${op}".`,
        });
      }
    }
    for (const value of literalValues(property.value)) {
      if (valueFits(parsed.family, value) !== false) continue;
      const shown =
        value.kind === 'string'
          ? `"${value.value}"`
          : String(document.text.slice(value.start, value.end));
      report({
        at: value,
        severity: 'warning',
        message: `${shown} is not a value "${op}" can compare: it takes ${VALUE_SHAPES.get(parsed.family) ?? 'a different value'}.`,
      });
    }
  });
}

function holdsVariable(value: Node | undefined): boolean {
  return literalValues(value).some((v) => v.kind === 'string' && v.value.includes('${'));
}
