import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';

/**
 * A service provider's DPoP key (RFC 9449) for the gateway's tests and the benchmark,
 * where no openid-client runs: the key, its `cnf.jkt` thumbprint (computed at once, so
 * token claims can be built synchronously) and fresh proofs. SPs use openid-client's
 * DPoP handle instead (sandbox/parking/broker-client.ts).
 */
export interface DpopKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key: the token's `cnf.jkt`. */
  jkt: string;
  /** A new single-use proof for one request carrying `accessToken`. */
  proof(request: DpopProofRequest): Promise<string>;
}

export interface DpopProofRequest {
  htm: string;
  htu: string;
  accessToken: string;
  iat?: number;
  jti?: string;
}

/** RFC 9449 §4.2: a proof for one request, signed with `privateKey` (ES256), naming `publicJwk`. */
export function signDpopProof(
  key: { privateKey: KeyObject | CryptoKey; publicJwk: JWK },
  { htm, htu, accessToken, iat, jti }: DpopProofRequest,
): Promise<string> {
  return new SignJWT({
    htm,
    htu,
    ath: createHash('sha256').update(accessToken, 'ascii').digest('base64url'),
    jti: jti ?? randomUUID(),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })
    .setIssuedAt(iat)
    .sign(key.privateKey);
}

export function newDpopKey(): DpopKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  const publicJwk = { crv, kty, x, y } as JWK;
  // RFC 7638: the required members, in lexicographic order, without whitespace.
  const jkt = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  const key = { privateKey, publicJwk, jkt };
  return { ...key, proof: (request) => signDpopProof(key, request) };
}
