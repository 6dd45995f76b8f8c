import { ACR_LEVELS, type AcrLevel } from '../lib/config/common.ts';

/** Rank of an eIDAS level (eidas1 = 0); -1 for anything else. */
export function acrRank(value: unknown): number {
  return ACR_LEVELS.indexOf(value as AcrLevel);
}

export function isAcrLevel(value: unknown): value is AcrLevel {
  return acrRank(value) >= 0;
}

/**
 * The level a request asks for: `acr_values` is a space-separated list; every
 * value must be a known level, and the lowest one listed applies (the SP accepts
 * any of them). Absent: the SP's default level. `undefined` when a value is unknown.
 */
export function requestedAcr(acrValues: string | undefined, fallback: AcrLevel): AcrLevel | undefined {
  const values = (acrValues ?? '').split(' ').filter(Boolean);
  if (values.length === 0) return fallback;
  if (!values.every(isAcrLevel)) return undefined;
  return lowest(values as AcrLevel[]);
}

export function lowest(levels: AcrLevel[]): AcrLevel {
  return levels.reduce((a, b) => (acrRank(b) < acrRank(a) ? b : a));
}

export function highest(levels: AcrLevel[]): AcrLevel {
  return levels.reduce((a, b) => (acrRank(b) > acrRank(a) ? b : a));
}

/** Whether `achieved` satisfies `required` (same level or higher). */
export function satisfies(achieved: unknown, required: AcrLevel): boolean {
  return acrRank(achieved) >= acrRank(required);
}
