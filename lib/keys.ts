import { importJWK, type CryptoKey, type JWK } from 'jose';

/** A JWK set as configuration holds it (private keys). */
export interface Jwks {
  keys: JWK[];
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The public half of a JWK set, safe to publish. */
export function publicJwks(jwks: Jwks): Jwks {
  return {
    keys: jwks.keys.map((key) => {
      const copy: JWK = { ...key };
      for (const member of PRIVATE_MEMBERS) delete (copy as Record<string, unknown>)[member];
      return copy;
    }),
  };
}

/** The first key of the set usable with `alg` (and `use`), imported for jose. */
export async function importFirstKey(
  jwks: Jwks,
  alg: string,
  use: 'sig' | 'enc' = 'sig',
): Promise<{ key: CryptoKey; kid: string }> {
  const jwk = jwks.keys.find((k) => k.alg === alg && (k.use ?? use) === use);
  if (!jwk?.kid) throw new Error(`no ${alg} key with a kid for ${use}`);
  return { key: (await importJWK(jwk, alg)) as CryptoKey, kid: jwk.kid };
}
