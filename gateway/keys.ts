import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { ConfigError, type Config } from '../lib/config/load.ts';

/**
 * The gateway's keys, from `gateway.keys` (a private JWKS):
 * - `sig` ES256 keys: the first signs the internal provider tokens;
 * - `enc` ECDH-ES keys: pivot tokens are encrypted to one of them (chosen by `kid`).
 * All public halves are published at `/.well-known/jwks.json`: providers verify
 * with the `sig` keys, the broker encrypts to the `enc` key.
 */
export interface GatewayKeys {
  signing: { kid: string; key: KeyObject };
  /** Decryption keys by `kid`. */
  decryption: ReadonlyMap<string, KeyObject>;
  publicJwks: { keys: JWK[] };
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']);

export function loadGatewayKeys(config: Config): GatewayKeys {
  const jwks = config.secretJson<{ keys?: JWK[] }>(config.gateway.keys, 'gateway.keys');
  const keys = Array.isArray(jwks.keys) ? jwks.keys : [];
  return gatewayKeysFromJwks(keys);
}

function gatewayKeysFromJwks(keys: readonly JWK[]): GatewayKeys {
  const sig = keys.filter((k) => k.use === 'sig' && k.alg === 'ES256');
  const enc = keys.filter((k) => k.use === 'enc' && k.alg === 'ECDH-ES');
  const first = sig[0];
  if (!first?.kid)
    throw new ConfigError('gateway.keys: needs an ES256 key with use "sig" and a kid (internal token signing)');
  if (!enc.length || enc.some((k) => !k.kid))
    throw new ConfigError('gateway.keys: needs an ECDH-ES key with use "enc" and a kid (pivot token decryption)');
  const toKeyObject = (jwk: JWK, what: string) => {
    if (!jwk.d) throw new ConfigError(`gateway.keys: the ${what} key ${jwk.kid} has no private part`);
    return createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  };
  return {
    signing: { kid: first.kid, key: toKeyObject(first, 'signing') },
    decryption: new Map(enc.map((k) => [k.kid!, toKeyObject(k, 'decryption')])),
    publicJwks: { keys: [...sig, ...enc].map(publicPart) },
  };
}

function publicPart(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.has(name))) as JWK;
}
