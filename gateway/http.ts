import { randomUUID } from 'node:crypto';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import { isPasserelleError, type PasserelleError } from '../lib/errors/define.ts';

/** Small HTTP pieces of the GraphQL endpoint: request id, bearer token, error bodies (the body itself: request-body.ts). */

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane identifier, else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** The token of `Authorization: Bearer <token>`, or PIVOT_TOKEN_MISSING. */
export function bearerToken(header: string | undefined): string {
  const match = header ? /^Bearer +([^\s]+) *$/i.exec(header) : null;
  if (!match) throw gatewayErrors.error('PIVOT_TOKEN_MISSING');
  return match[1]!;
}

/** RFC 6750 challenge: no error attribute when no token was sent, `invalid_token` otherwise. */
export function wwwAuthenticate(error: PasserelleError): string | undefined {
  if (error.status !== 401) return undefined;
  if (error.code === 'PIVOT_TOKEN_MISSING') return 'Bearer realm="passerelle"';
  return `Bearer realm="passerelle", error="invalid_token", error_description="${error.message.replace(/["\\]/g, '')}"`;
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
