import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import {
  PROVIDER_TOKEN_MAX_LIFETIME_SECONDS,
  PROVIDER_TOKEN_SIGNING_ALG,
  PROVIDER_TOKEN_TYPE,
} from '../contracts/provider-token.ts';
import type { PasserelleError } from '../errors/define.ts';
import { readProviderClaims, type ProviderClaims } from './claims.ts';
import { subgraphErrors, type SubgraphErrorCode } from './errors.ts';

/**
 * Verifies the internal provider token the gateway sends with each request
 * (docs/tokens.md, lib/contracts/provider-token.ts): ES256 only, a key of the gateway JWKS (fetched once, cached,
 * refetched when an unknown `kid` appears so key rotation needs no restart),
 * `typ`, issuer, audience, times, lifetime, then the claims this provider relies on.
 */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface TokenVerifierOptions {
  jwksUri: string;
  issuer: string;
  audience: string;
  /** Minimum time between two JWKS fetches triggered by an unknown `kid` (jose `cooldownDuration`). */
  jwksCooldownMs?: number;
  /** How long fetched keys are trusted before a refetch (jose `cacheMaxAge`). */
  jwksMaxAgeMs?: number;
  jwksTimeoutMs?: number;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<ProviderClaims>;

/** A failure to reach the JWKS, told apart from a bad token: it is our problem, not the caller's. */
class JwksUnavailable extends Error {}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const remote = createRemoteJWKSet(new URL(options.jwksUri), {
    cooldownDuration: options.jwksCooldownMs ?? 5_000,
    cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
    timeoutDuration: options.jwksTimeoutMs ?? 3_000,
  });
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys)
        throw error;
      throw new JwksUnavailable('gateway JWKS unavailable', { cause: error });
    }
  };

  return async (authorization) => {
    const token = bearerToken(authorization);
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: [PROVIDER_TOKEN_SIGNING_ALG],
        typ: PROVIDER_TOKEN_TYPE,
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // Makes `iat` required and refuses one in the future.
        maxTokenAge: PROVIDER_TOKEN_MAX_LIFETIME_SECONDS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw tokenError(error);
    }
    const { exp, iat } = payload as { exp: number; iat: number };
    if (exp - iat > PROVIDER_TOKEN_MAX_LIFETIME_SECONDS) throw subgraphErrors.error('PROVIDER_TOKEN_LIFETIME_TOO_LONG');
    const read = readProviderClaims(payload);
    if ('invalidClaim' in read)
      throw subgraphErrors.error('PROVIDER_TOKEN_CLAIMS_INVALID', { claim: read.invalidClaim });
    return read.claims;
  };
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw subgraphErrors.error('PROVIDER_TOKEN_MISSING');
  const match = /^Bearer +([^\s]+)\s*$/i.exec(authorization);
  if (!match) throw subgraphErrors.error('PROVIDER_TOKEN_MALFORMED');
  return match[1]!;
}

/**
 * Maps jose's failure to our stable code. jose's errors carry the token payload (the
 * pivot identity): they are not kept as `cause`, so that no log can print them.
 */
function tokenError(error: unknown): PasserelleError {
  const fail = (code: SubgraphErrorCode, details?: Record<string, unknown>) => subgraphErrors.error(code, details);
  if (error instanceof JwksUnavailable) return subgraphErrors.error('PROVIDER_JWKS_UNAVAILABLE', {}, error.cause);
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported)
    return fail('PROVIDER_TOKEN_ALGORITHM_REFUSED');
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  )
    return fail('PROVIDER_TOKEN_SIGNATURE_INVALID');
  if (error instanceof joseErrors.JWTExpired) {
    return error.claim === 'iat' ? fail('PROVIDER_TOKEN_LIFETIME_TOO_LONG') : fail('PROVIDER_TOKEN_EXPIRED');
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'typ':
        return fail('PROVIDER_TOKEN_TYPE_INVALID');
      case 'iss':
        return fail(error.reason === 'missing' ? 'PROVIDER_TOKEN_CLAIMS_INVALID' : 'PROVIDER_TOKEN_ISSUER_INVALID', {
          claim: 'iss',
        });
      case 'aud':
        return fail(error.reason === 'missing' ? 'PROVIDER_TOKEN_CLAIMS_INVALID' : 'PROVIDER_TOKEN_AUDIENCE_INVALID', {
          claim: 'aud',
        });
      case 'iat':
      case 'nbf':
        return error.reason === 'check_failed'
          ? fail('PROVIDER_TOKEN_NOT_YET_VALID')
          : fail('PROVIDER_TOKEN_CLAIMS_INVALID', { claim: error.claim });
      default:
        return fail('PROVIDER_TOKEN_CLAIMS_INVALID', { claim: error.claim });
    }
  }
  // JWSInvalid, JWTInvalid (not JSON, not three parts, ...) and anything unforeseen.
  return fail('PROVIDER_TOKEN_MALFORMED');
}
