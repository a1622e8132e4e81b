/**
 * Renders new values for fixes in the document's own format: JSON, or YAML with short-form tags.
 * Values are a small tree so one fix can be written into either format.
 */
import type { SourceFormat } from './document';

export type Value =
  | string
  | boolean
  | { readonly ref: string }
  | { readonly getAtt: readonly [string, string] }
  | { readonly sub: string }
  /** Text copied verbatim from the same document (a value written on one line), kept as written. */
  | { readonly raw: string }
  | readonly Value[]
  | { readonly map: readonly (readonly [string, Value])[] };

/** Strings, booleans and intrinsics: values written on one line in any style. */
function isScalar(value: Value): value is string | boolean {
  return typeof value === 'string' || typeof value === 'boolean';
}

export function isIntrinsic(value: Value): boolean {
  return typeof value === 'object' && !Array.isArray(value) && !('map' in value);
}

/** One value on one line: JSON, or YAML flow style. */
export function renderInline(value: Value, format: SourceFormat): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string')
    return format === 'json' ? JSON.stringify(value) : yamlScalar(value);
  if (Array.isArray(value)) {
    const items = (value as readonly Value[]).map((v) => renderInline(v, format));
    return `[${items.join(', ')}]`;
  }
  const v = value as Exclude<Value, string | boolean | readonly Value[]>;
  if ('raw' in v) return v.raw;
  if ('ref' in v)
    return format === 'json' ? `{ "Ref": ${JSON.stringify(v.ref)} }` : `!Ref ${v.ref}`;
  if ('getAtt' in v) {
    return format === 'json'
      ? `{ "Fn::GetAtt": [${JSON.stringify(v.getAtt[0])}, ${JSON.stringify(v.getAtt[1])}] }`
      : `!GetAtt ${v.getAtt[0]}.${v.getAtt[1]}`;
  }
  if ('sub' in v)
    return format === 'json'
      ? `{ "Fn::Sub": ${JSON.stringify(v.sub)} }`
      : `!Sub ${yamlQuoted(v.sub)}`;
  const entries = v.map.map(
    ([key, item]) =>
      `${format === 'json' ? JSON.stringify(key) : yamlScalar(key)}: ${renderInline(item, format)}`,
  );
  return `{ ${entries.join(', ')} }`;
}

/**
 * A value as the text that follows `key:` in block style: a scalar on the same line, a map or list
 * on the lines below, one `unit` deeper than `indent` (the key's own indentation).
 */
export function renderBlock(
  value: Value,
  format: SourceFormat,
  indent: string,
  unit: string,
  eol: string,
): string {
  if (format === 'json') return renderJsonBlock(value, indent, unit, eol);
  const text = renderYamlBlock(value, indent, unit, eol);
  return text.startsWith(' ') ? text.slice(1) : text;
}

function renderJsonBlock(value: Value, indent: string, unit: string, eol: string): string {
  if (isScalar(value) || isIntrinsic(value)) return renderInline(value, 'json');
  const inner = indent + unit;
  if (Array.isArray(value)) {
    const items = (value as readonly Value[]).map(
      (v) => inner + renderJsonBlock(v, inner, unit, eol),
    );
    return `[${eol}${items.join(`,${eol}`)}${eol}${indent}]`;
  }
  const map = (value as { map: readonly (readonly [string, Value])[] }).map;
  const entries = map.map(
    ([key, item]) => `${inner}${JSON.stringify(key)}: ${renderJsonBlock(item, inner, unit, eol)}`,
  );
  return `{${eol}${entries.join(`,${eol}`)}${eol}${indent}}`;
}

/** YAML: ` scalar`, or line breaks followed by the nested entries, lists of maps in block style. */
function renderYamlBlock(value: Value, indent: string, unit: string, eol: string): string {
  if (isScalar(value) || isIntrinsic(value)) return ` ${renderInline(value, 'yaml')}`;
  const inner = indent + unit;
  if (Array.isArray(value)) {
    return (value as readonly Value[])
      .map((v) => `${eol}${inner}- ${renderYamlItem(v, `${inner}  `, unit, eol)}`)
      .join('');
  }
  const map = (value as { map: readonly (readonly [string, Value])[] }).map;
  return map
    .map(
      ([key, item]) =>
        `${eol}${inner}${yamlScalar(key)}:${renderYamlBlock(item, inner, unit, eol)}`,
    )
    .join('');
}

/**
 * A list item as the text after `- `: a map's first entry on the dash line and the others aligned
 * at `column`; anything else on one line.
 */
export function renderYamlItem(value: Value, column: string, unit: string, eol: string): string {
  if (typeof value !== 'object' || Array.isArray(value) || !('map' in value)) {
    return renderInline(value, 'yaml');
  }
  const map = (value as { map: readonly (readonly [string, Value])[] }).map;
  return map
    .map(
      ([key, item], i) =>
        `${i === 0 ? '' : `${eol}${column}`}${yamlScalar(key)}:${renderYamlBlock(item, column, unit, eol)}`,
    )
    .join('');
}

const PLAIN_SAFE = /^[A-Za-z0-9_/.][A-Za-z0-9_/.:*${}-]*$/;
const YAML_SPECIAL = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

/** A YAML scalar, plain when that is unambiguous, else single-quoted. */
export function yamlScalar(text: string): string {
  if (
    PLAIN_SAFE.test(text) &&
    !YAML_SPECIAL.test(text) &&
    !/^[\d.]+$/.test(text) &&
    // Dates and times read as timestamps in YAML 1.1, which some CloudFormation tools still use.
    !/^\d{4}-\d\d?-\d\d?/.test(text) &&
    !/:\s|:$/.test(text)
  ) {
    return text;
  }
  return yamlQuoted(text);
}

function yamlQuoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
