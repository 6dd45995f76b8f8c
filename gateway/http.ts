import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import { isPasserelleError, type PasserelleError } from '../lib/errors/define.ts';
import { DPOP_ALGORITHMS } from './dpop-proof.ts';

/** Small HTTP pieces of the GraphQL endpoint: request id, body, DPoP-bound token, error bodies. */

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane identifier, else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Reads the body up to `limit` bytes; a longer body is refused without reading it whole. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    throw gatewayErrors.error('REQUEST_BODY_TOO_LARGE', { maxBytes: limit });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw gatewayErrors.error('REQUEST_BODY_TOO_LARGE', { maxBytes: limit });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface GraphQLRequestBody {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | null;
}

/** One GraphQL request: `{ query, operationName?, variables? }`. Batches and persisted-query-only bodies are refused. */
export function parseGraphQLBody(text: string): GraphQLRequestBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'the body is not JSON' });
  }
  if (Array.isArray(body)) throw gatewayErrors.error('REQUEST_BATCHING_NOT_ALLOWED');
  if (!body || typeof body !== 'object')
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'the body is not a JSON object' });
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (typeof query !== 'string' || !query.trim())
    throw gatewayErrors.error('REQUEST_BODY_INVALID', {
      reason: 'query must be a non-empty string (persisted queries are not accepted)',
    });
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'operationName must be a string' });
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'variables must be an object' });
  return {
    query,
    operationName: (operationName as string | null | undefined) || null,
    variables: (variables as Record<string, unknown> | null | undefined) ?? null,
  };
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
