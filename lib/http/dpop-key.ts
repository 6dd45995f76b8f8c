import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * A DPoP key (RFC 9449) held by a client that is not an SP with openid-client: the
 * broker's own reads through the gateway (auth/gateway-reader.ts), the gateway's tests
 * and the benchmark. The key, its `cnf.jkt` thumbprint and fresh proofs, all synchronous
 * (node:crypto). SPs use openid-client's DPoP handle instead (sandbox/service-provider/broker-client.ts).
 */
export interface DpopProofRequest {
  htm: string;
  htu: string;
  accessToken: string;
  iat?: number;
  jti?: string;
}

export interface DpopKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key: the token's `cnf.jkt`. */
  jkt: string;
  /** A new single-use proof (ES256) for one request carrying `accessToken`. */
  proof(request: DpopProofRequest): string;
}

/** RFC 9449 §4.2 `ath`: the base64url SHA-256 of the access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function proofClaims({ htm, htu, accessToken, iat, jti }: DpopProofRequest) {
  return {
    htm,
    htu,
    iat: iat ?? Math.floor(Date.now() / 1000),
    jti: jti ?? randomUUID(),
    ath: accessTokenHash(accessToken),
  };
}

export function newDpopKey(): DpopKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  const publicJwk = { crv, kty, x, y } as JWK;
  // RFC 7638: the required members, in lexicographic order, without whitespace.
  const jkt = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  const header = base64url({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk });
  return {
    privateKey,
    publicJwk,
    jkt,
    proof(request) {
      const input = `${header}.${base64url(proofClaims(request))}`;
      const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${input}.${signature.toString('base64url')}`;
    },
  };
}
