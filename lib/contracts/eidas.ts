import { z } from 'zod';

/**
 * eIDAS levels of assurance, the `acr` values of the whole federation: what an identity
 * provider asserts, what a service provider asks for (`acr_values`), what a pivot token
 * and an internal provider token carry, and what a scope of a catalog requires (`minAcr`).
 * The levels are ordered; `compareAcr` is the one comparison every side uses.
 */
export const ACR_LEVELS = ['eidas1', 'eidas2', 'eidas3'] as const;
export type AcrLevel = (typeof ACR_LEVELS)[number];
export const AcrLevel = z.enum(ACR_LEVELS);

export function isAcrLevel(value: unknown): value is AcrLevel {
  return (ACR_LEVELS as readonly unknown[]).includes(value);
}

/**
 * Negative when `a` is a lower level than `b`, zero when the same, positive when higher.
 * Anything that is not a level ranks below `eidas1`, so it reaches no level.
 */
export function compareAcr(a: unknown, b: unknown): number {
  return ACR_LEVELS.indexOf(a as AcrLevel) - ACR_LEVELS.indexOf(b as AcrLevel);
}

/** Whether `achieved` satisfies `required` (the same level or higher); no requirement is always met. */
export function reachesAcr(achieved: unknown, required: AcrLevel | undefined): boolean {
  return required === undefined || compareAcr(achieved, required) >= 0;
}

export function lowestAcr(levels: readonly AcrLevel[]): AcrLevel {
  return levels.reduce((a, b) => (compareAcr(b, a) < 0 ? b : a));
}

export function highestAcr(levels: readonly AcrLevel[]): AcrLevel {
  return levels.reduce((a, b) => (compareAcr(b, a) > 0 ? b : a));
}
