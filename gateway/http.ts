import { randomUUID } from 'node:crypto';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import { isPasserelleError, type PasserelleError } from '../lib/errors/define.ts';
import { DPOP_ALGORITHMS } from './dpop-proof.ts';

/** Small HTTP pieces of the GraphQL endpoint: request id, DPoP-bound token, error bodies (the body itself: request-body.ts). */

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane identifier, else a new one (the trace id when tracing: gateway/tracing.ts). */
export function requestIdOf(header: string | string[] | undefined, fresh: () => string = randomUUID): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : fresh();
}

export interface PresentedToken {
  scheme: 'DPoP' | 'Bearer';
  token: string;
}

/** The token of `Authorization: DPoP <token>` (or `Bearer`, refused once the token is read), or PIVOT_TOKEN_MISSING. */
export function presentedToken(header: string | undefined): PresentedToken {
  const match = header ? /^(DPoP|Bearer) +([^\s]+) *$/i.exec(header) : null;
  if (!match) throw gatewayErrors.error('PIVOT_TOKEN_MISSING');
  return { scheme: match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2]! };
}

/** The one `DPoP` header; Node joins repeated headers with a comma, which no compact JWT contains. */
export function dpopProofHeader(header: string | undefined): string | undefined {
  if (header?.includes(',')) throw gatewayErrors.error('DPOP_PROOF_INVALID', { reason: 'multiple' });
  return header?.trim() || undefined;
}

/**
 * RFC 9449 §7.1 challenge: `algs` always, no error attribute when no token was sent,
 * `invalid_dpop_proof` for a proof's fault, `invalid_token` for the token's.
 */
export function wwwAuthenticate(error: PasserelleError): string | undefined {
  if (error.status !== 401) return undefined;
  const algs = `algs="${DPOP_ALGORITHMS.join(' ')}"`;
  if (error.code === 'PIVOT_TOKEN_MISSING') return `DPoP ${algs}`;
  const kind = error.code.startsWith('DPOP_') ? 'invalid_dpop_proof' : 'invalid_token';
  return `DPoP error="${kind}", error_description="${error.message.replace(/["\\]/g, '')}", ${algs}`;
}

/** A GraphQL-over-HTTP error body: `{ errors: [{ message, extensions: { code, ...details } }] }`. */
export function errorBody(errors: readonly PasserelleError[]): string {
  return JSON.stringify({
    errors: errors.map((e) => ({ message: e.message, extensions: { code: e.code, ...e.details } })),
  });
}

/** Any failure as a PasserelleError: unexpected ones become GATEWAY_INTERNAL_ERROR (their message is logged, not sent). */
export function asPasserelleError(error: unknown): PasserelleError {
  return isPasserelleError(error) ? error : gatewayErrors.error('GATEWAY_INTERNAL_ERROR', {}, error);
}
