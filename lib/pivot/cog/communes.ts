import { readFileSync } from 'node:fs';

/**
 * The INSEE COG commune list with each code's validity periods (built by
 * `build.ts` from the COG 2026 and the COG history since 1943; see there for the
 * sources and how the periods are derived). Loaded once, on first use.
 */
export interface Commune {
  code: string;
  /** Current name (or last name, for a commune that no longer exists). */
  name: string;
  /** [start, end) as `YYYY-MM-DD`; `null` = open (before 1943 / still valid). */
  periods: Array<[start: string | null, end: string | null]>;
}

type Encoded = string | string[];
let table: Record<string, Encoded> | undefined;

function communes(): Record<string, Encoded> {
  table ??= (
    JSON.parse(readFileSync(new URL('./data/communes.json', import.meta.url), 'utf8')) as {
      communes: Record<string, Encoded>;
    }
  ).communes;
  return table;
}

const isoDay = (compact: string): string | null =>
  compact ? `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}` : null;

export function findCommune(code: string): Commune | undefined {
  const encoded = Object.hasOwn(communes(), code) ? communes()[code] : undefined;
  if (encoded === undefined) return undefined;
  if (typeof encoded === 'string') return { code, name: encoded, periods: [[null, null]] };
  const [name, ...periods] = encoded;
  return {
    code,
    name: name!,
    periods: periods.map((period) => {
      const [start = '', end = ''] = period.split('-');
      return [isoDay(start), isoDay(end)];
    }),
  };
}

/** Whether the commune was valid at some day of [from, to] (inclusive ISO dates). */
export function communeValidDuring(commune: Commune, from: string, to: string): boolean {
  return commune.periods.some(([start, end]) => (start === null || start <= to) && (end === null || end > from));
}
