import { calculateJwkThumbprint, importJWK, jwtVerify, decodeProtectedHeader, type JWK } from 'jose';
import { gatewayErrors, type GatewayErrorCode } from '../lib/contracts/gateway-errors.ts';
import { DPOP_SIGNING_ALGS } from '../lib/contracts/pivot-token.ts';
import { accessTokenHash } from '../lib/http/dpop-key.ts';

/**
 * Checks a DPoP proof (RFC 9449 §4.3) for one `POST /graphql`. Pure apart from the
 * `claimJti` callback: single use across gateway processes needs shared storage, which
 * the caller owns (a PostgreSQL table), so this module stays testable without a database.
 */

/** The broker's list (lib/contracts/pivot-token.ts): a proof the token endpoint takes, the gateway takes. */
export const DPOP_ALGORITHMS = DPOP_SIGNING_ALGS;

/** Why: clocks drift, but a proof older than a minute is a captured proof, not a late one. */
export const DPOP_IAT_PAST_SECONDS = 60;
export const DPOP_IAT_FUTURE_SECONDS = 5;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

export interface DpopProofInput {
  proof: string | undefined;
  accessToken: string;
  /** The token's `cnf.jkt`. */
  jkt: string;
  /** The gateway's public /graphql URL, without query or fragment. */
  htu: string;
  htm: string;
  now?: number;
  /** Records the jti until `expiresAt`; false when it was already there. */
  claimJti(jti: string, expiresAt: Date): Promise<boolean>;
}

export { accessTokenHash };

export async function verifyDpopProof(input: DpopProofInput): Promise<void> {
  const { proof } = input;
  if (proof === undefined || proof === '') throw fail('DPOP_PROOF_MISSING');
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw invalid('malformed');
  }
  if (header.typ !== 'dpop+jwt') throw invalid('typ');
  if (typeof header.alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(header.alg)) {
    throw invalid('alg');
  }
  const jwk = header.jwk as JWK | undefined;
  if (jwk === undefined || typeof jwk !== 'object') throw invalid('jwk');
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) throw invalid('jwk_private');
  let payload;
  try {
    const key = await importJWK(jwk, header.alg);
    ({ payload } = await jwtVerify(proof, key, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS] }));
  } catch {
    throw invalid('signature');
  }
  if (payload.htm !== input.htm) throw invalid('htm');
  if (typeof payload.htu !== 'string' || normalizeHtu(payload.htu) !== input.htu) throw invalid('htu');
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const iat = payload.iat;
  if (typeof iat !== 'number' || iat < now - DPOP_IAT_PAST_SECONDS || iat > now + DPOP_IAT_FUTURE_SECONDS) {
    throw invalid('iat');
  }
  if (typeof payload.ath !== 'string' || payload.ath !== accessTokenHash(input.accessToken)) throw invalid('ath');
  if (typeof payload.jti !== 'string' || payload.jti.length < 8 || payload.jti.length > 256) throw invalid('jti');
  if ((await calculateJwkThumbprint(jwk, 'sha256')) !== input.jkt) throw fail('DPOP_KEY_MISMATCH');
  // Last: a proof refused for another reason must not burn its jti.
  const expiresAt = new Date((iat + DPOP_IAT_PAST_SECONDS + DPOP_IAT_FUTURE_SECONDS) * 1000);
  if (!(await input.claimJti(payload.jti, expiresAt))) throw fail('DPOP_PROOF_REPLAYED');
}

/** RFC 9449 §4.3: compare without query and fragment. */
function normalizeHtu(htu: string): string | undefined {
  try {
    const url = new URL(htu);
    url.search = '';
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

function invalid(reason: string) {
  return fail('DPOP_PROOF_INVALID', { reason });
}

function fail(code: GatewayErrorCode, details?: Record<string, unknown>) {
  return gatewayErrors.error(code, details);
}
