import { SignJWT, type JWK } from 'jose';
import { proofClaims, type DpopProofRequest } from '../lib/http/dpop-key.ts';

/**
 * DPoP keys for the gateway's tests and the benchmark: the synchronous key of
 * lib/http/dpop-key.ts, and proofs signed with a WebCrypto key pair (openid-client's).
 */
export { newDpopKey, type DpopKey, type DpopProofRequest } from '../lib/http/dpop-key.ts';

/** A proof signed with a WebCrypto key pair (openid-client's `randomDPoPKeyPair()`), with jose. */
export function signDpopProof(key: { privateKey: CryptoKey; publicJwk: JWK }, request: DpopProofRequest) {
  return new SignJWT(proofClaims(request))
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })
    .sign(key.privateKey);
}
