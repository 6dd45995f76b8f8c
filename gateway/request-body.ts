import type { IncomingMessage } from 'node:http';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import { isPasserelleError, type PasserelleError } from '../lib/errors/define.ts';

/**
 * The body of POST /graphql, read and checked before anything looks at its meaning:
 * JSON in UTF-8, within a size and a time, one operation with its document. What is
 * refused here never reaches the token check, the analyzer or Apollo.
 */

/** `Content-Type: application/json`, with no charset other than UTF-8 (RFC 8259 §8.1); undefined when acceptable. */
export function mediaTypeError(contentType: string | undefined, isJson: boolean): PasserelleError | undefined {
  if (!isJson) return gatewayErrors.error('REQUEST_UNSUPPORTED_MEDIA_TYPE');
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset))
    return gatewayErrors.error('REQUEST_UNSUPPORTED_MEDIA_TYPE', { charset });
  return undefined;
}

/** Refusals after which the rest of the body is not read: the connection is closed rather than drained. */
export const CONNECTION_CLOSING_CODES: ReadonlySet<string> = new Set([
  'REQUEST_BODY_TOO_LARGE',
  'REQUEST_BODY_TIMEOUT',
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the body up to `maxBytes` within `timeoutMs` from the moment the handler
 * starts (a client trickling its body holds a socket and a request slot: slowloris),
 * and decodes it as strict UTF-8 (a replacement character would silently change a
 * document). A longer body is refused without reading it whole.
 */
export function readBody(request: IncomingMessage, limits: { maxBytes: number; timeoutMs: number }): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes)
    return Promise.reject(gatewayErrors.error('REQUEST_BODY_TOO_LARGE', { maxBytes: limits.maxBytes }));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: PasserelleError | undefined) => {
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
      if (error) return reject(error);
      try {
        resolve(utf8.decode(Buffer.concat(chunks)));
      } catch {
        reject(gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'the body is not valid UTF-8' }));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) settle(gatewayErrors.error('REQUEST_BODY_TOO_LARGE', { maxBytes: limits.maxBytes }));
      else chunks.push(chunk);
    };
    const onEnd = () => settle(undefined);
    // The client went away mid-body: nobody reads the answer, but the exchange is recorded as refused, not failed.
    const onError = () => settle(gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'the body was cut short' }));
    const timer = setTimeout(
      () => settle(gatewayErrors.error('REQUEST_BODY_TIMEOUT', { timeoutMs: limits.timeoutMs })),
      limits.timeoutMs,
    );
    request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
  });
}

export interface GraphQLRequestBody {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown> | null;
}

/** NUL has no place in a GraphQL request, and PostgreSQL text and C strings downstream cannot hold it. */
const noNul = (key: string, value: unknown) => {
  if (key.includes('\0') || (typeof value === 'string' && value.includes('\0')))
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'the body contains a NUL character' });
  return value;
};

/** Deeper JSON is refused before parsing: no GraphQL request needs it, and the engine's stack would set the limit. */
export const MAX_JSON_DEPTH = 32;

function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** One GraphQL request: `{ query, operationName?, variables? }`. Batches and persisted queries are refused. */
export function parseGraphQLBody(text: string): GraphQLRequestBody {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    throw gatewayErrors.error('REQUEST_BODY_INVALID', {
      reason: `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  let body: unknown;
  try {
    body = JSON.parse(text, noNul);
  } catch (error) {
    if (isPasserelleError(error)) throw error;
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'the body is not JSON' });
  }
  if (Array.isArray(body)) throw gatewayErrors.error('REQUEST_BATCHING_NOT_ALLOWED');
  if (!body || typeof body !== 'object')
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'the body is not a JSON object' });
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  // With or without the document: a consent names a document, never a hash the gateway would have to remember.
  if (extensions && typeof extensions === 'object' && 'persistedQuery' in extensions)
    throw gatewayErrors.error('REQUEST_PERSISTED_QUERY_NOT_ALLOWED');
  if (typeof query !== 'string' || !query.trim())
    throw gatewayErrors.error('REQUEST_BODY_INVALID', { reason: 'query must be a non-empty string' });
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

/** Variables the operation does not declare: graphql-js would drop them silently; the gateway refuses them. */
export function undeclaredVariablesError(
  declared: readonly string[],
  variables: Record<string, unknown> | null,
): PasserelleError | undefined {
  const names = Object.keys(variables ?? {});
  const undeclared = names.filter((name) => !declared.includes(name));
  if (!undeclared.length) return undefined;
  return gatewayErrors.error('REQUEST_VARIABLES_UNDECLARED', {
    variables: undeclared.slice(0, 10),
    count: undeclared.length,
  });
}

/**
 * Apollo's answer to variables it cannot coerce (wrong type, missing, null for a
 * non-null type): 400 with `BAD_USER_INPUT` errors, the only 400 left once the analyzer
 * has passed the document. The gateway refuses it with its own code.
 */
export function variablesInvalidError(
  status: number,
  errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>,
): PasserelleError | undefined {
  if (status !== 400 || !errors.length || errors.some((e) => e.extensions?.code !== 'BAD_USER_INPUT')) return undefined;
  return gatewayErrors.error('REQUEST_VARIABLES_INVALID', {
    problems: errors.slice(0, 5).map((e) => e.message.slice(0, 200)),
  });
}
