/** The printed report: one row per figure, beside its budget and a pass/over mark. */

export type Mark = 'ok' | 'OVER' | '-' | 'skipped' | 'error';

export interface Row {
  readonly what: string;
  readonly measured: string;
  readonly budget: string;
  readonly ok: Mark;
  /** The raw figure, for results.json. */
  readonly value?: number;
  readonly unit?: string;
}

/** A row with a budget: `ok` when `value` is within it (`max` means at most, `min` at least). */
export function budgeted(
  what: string,
  value: number,
  unit: string,
  limit: { readonly max?: number; readonly min?: number },
  format: (value: number) => string,
): Row {
  const within =
    (limit.max === undefined || value < limit.max) &&
    (limit.min === undefined || value >= limit.min);
  const budget =
    limit.max !== undefined ? `< ${format(limit.max)}` : `>= ${format(limit.min ?? 0)}`;
  return { what, measured: format(value), budget, ok: within ? 'ok' : 'OVER', value, unit };
}

/** A row for information only. */
export function info(
  what: string,
  value: number,
  unit: string,
  format: (value: number) => string,
): Row {
  return { what, measured: format(value), budget: '', ok: '-', value, unit };
}

export function unavailable(
  what: string,
  reason: string,
  mark: 'skipped' | 'error',
  budget = '',
): Row {
  return { what, measured: reason, budget, ok: mark };
}

export const ms = (value: number) =>
  `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value)} ms`;
export const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
export const megabytes = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;
export const times = (value: number) => `${value.toFixed(1)}x`;

export function renderTable(rows: readonly Row[]): string {
  const header = { what: 'what', measured: 'measured', budget: 'budget', ok: 'ok?' };
  const all = [header, ...rows];
  const width = (key: 'what' | 'measured' | 'budget') =>
    Math.max(...all.map((row) => row[key].length));
  const [w, m, b] = [width('what'), width('measured'), width('budget')];
  const line = (row: { what: string; measured: string; budget: string; ok: string }) =>
    `${row.what.padEnd(w)}  ${row.measured.padStart(m)}  ${row.budget.padEnd(b)}  ${row.ok}`.trimEnd();
  const rule = `${'-'.repeat(w)}  ${'-'.repeat(m)}  ${'-'.repeat(b)}  -------`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
