import { isAcrLevel, lowestAcr, type AcrLevel } from '../lib/contracts/eidas.ts';

/**
 * The level a request asks for: `acr_values` is a space-separated list; every
 * value must be a known level, and the lowest one listed applies (the SP accepts
 * any of them). Absent: the SP's default level. `undefined` when a value is unknown.
 */
export function requestedAcr(acrValues: string | undefined, fallback: AcrLevel): AcrLevel | undefined {
  const values = (acrValues ?? '').split(' ').filter(Boolean);
  if (values.length === 0) return fallback;
  if (!values.every(isAcrLevel)) return undefined;
  return lowestAcr(values as AcrLevel[]);
}
