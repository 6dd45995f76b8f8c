import { ACR_LEVELS, compareAcr, isAcrLevel, type AcrLevel } from '../../lib/contracts/eidas.ts';

/**
 * Which eIDAS level a sandbox IdP asserts for an authorization request:
 * the first of the requested `acr_values` it can reach (OpenID Core: values in
 * order of preference); its maximum when none is requested. A request it
 * cannot satisfy gets an OpenID error, never a silently lower level.
 */
export type AcrDecision =
  | { ok: true; acr: AcrLevel }
  | { ok: false; error: 'unmet_authentication_requirements' | 'invalid_request'; description: string };

export function decideAcr(acrValues: string | undefined, maxAcr: AcrLevel): AcrDecision {
  const requested = (acrValues ?? '').split(' ').filter(Boolean);
  if (!requested.length) return { ok: true, acr: maxAcr };
  const known = requested.filter(isAcrLevel);
  if (!known.length) {
    return {
      ok: false,
      error: 'invalid_request',
      description: `acr_values: none of the requested levels is supported (${ACR_LEVELS.join(', ')})`,
    };
  }
  const reachable = known.find((level) => compareAcr(level, maxAcr) <= 0);
  if (!reachable) {
    return {
      ok: false,
      error: 'unmet_authentication_requirements',
      description: `this identity provider cannot authenticate above ${maxAcr}`,
    };
  }
  return { ok: true, acr: reachable };
}

/** Levels strictly below `acr`: what the sandbox "lower acr" knob may return instead. */
export function lowerLevels(acr: AcrLevel): AcrLevel[] {
  return ACR_LEVELS.filter((level) => compareAcr(level, acr) < 0);
}
