import type { JWK } from 'jose';
import type { Config } from '../lib/config/load.ts';
import { ConfigError } from '../lib/config/load.ts';

/**
 * The broker's signing keys: a private JWKS from configuration (`broker.keys`).
 * oidc-provider publishes every key at the JWKS endpoint and signs with the FIRST
 * key of the algorithm it needs, so the order of the set is the rotation state:
 *
 *   1. add the new key at the END of the set: published, not used yet;
 *   2. once relying parties refreshed their JWKS cache, move it FIRST: it signs now,
 *      the old key stays published so tokens it signed still verify;
 *   3. once the longest token lifetime has passed, remove the old key.
 *
 * Only asymmetric signing keys are accepted: ES256 (default for ID tokens) and RS256
 * (per client), each with a `kid`. `alg: none` and HMAC keys never reach the provider.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;

export interface SigningKeys {
  /** Private JWKS in signing order, as oidc-provider takes it. */
  jwks: { keys: JWK[] };
  /** The key id that signs now, per algorithm. */
  active: Partial<Record<(typeof SIGNING_ALGORITHMS)[number], string>>;
}

export function loadSigningKeys(config: Config): SigningKeys {
  const set = config.secretJson<{ keys?: unknown }>(config.broker.keys, 'broker.keys');
  if (!set || !Array.isArray(set.keys) || set.keys.length === 0)
    throw new ConfigError('broker.keys: expected a JWKS with at least one key');
  return selectSigningKeys(set.keys as JWK[]);
}

export function selectSigningKeys(keys: JWK[]): SigningKeys {
  const seen = new Set<string>();
  const active: SigningKeys['active'] = {};
  keys.forEach((key, index) => {
    const where = `broker.keys[${index}]`;
    if (!key.kid) throw new ConfigError(`${where}: every key needs a "kid" (rotation relies on it)`);
    if (seen.has(key.kid)) throw new ConfigError(`${where}: duplicate kid "${key.kid}"`);
    seen.add(key.kid);
    if (!SIGNING_ALGORITHMS.includes(key.alg as never))
      throw new ConfigError(`${where}: alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
    if (key.use && key.use !== 'sig') throw new ConfigError(`${where}: only signing keys ("use": "sig") belong here`);
    if (!key.d) throw new ConfigError(`${where}: a private key is expected (the "d" member is missing)`);
    if (key.alg === 'ES256' && (key.kty !== 'EC' || key.crv !== 'P-256'))
      throw new ConfigError(`${where}: ES256 needs an EC P-256 key`);
    if (key.alg === 'RS256' && key.kty !== 'RSA') throw new ConfigError(`${where}: RS256 needs an RSA key`);
    const alg = key.alg as (typeof SIGNING_ALGORITHMS)[number];
    active[alg] ??= key.kid;
  });
  if (!active.ES256) throw new ConfigError('broker.keys: an ES256 key is required (default ID token algorithm)');
  return { jwks: { keys }, active };
}
