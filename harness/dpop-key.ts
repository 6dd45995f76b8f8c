import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { accessTokenHash } from '../gateway/dpop-proof.ts';

/**
 * A service provider's DPoP key (RFC 9449) for the gateway's tests and the benchmark,
 * where no openid-client runs: the key, its `cnf.jkt` thumbprint and fresh proofs, all
 * synchronous (node:crypto), so token claims and load-test requests can be built inline.
 * SPs use openid-client's DPoP handle instead (sandbox/service-provider/broker-client.ts).
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

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function proofClaims({ htm, htu, accessToken, iat, jti }: DpopProofRequest) {
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

/** A proof signed with a WebCrypto key pair (openid-client's `randomDPoPKeyPair()`), with jose. */
export function signDpopProof(key: { privateKey: CryptoKey; publicJwk: JWK }, request: DpopProofRequest) {
  return new SignJWT(proofClaims(request))
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })
    .sign(key.privateKey);
}
