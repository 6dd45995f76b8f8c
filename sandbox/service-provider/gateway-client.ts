import type { z } from 'zod';
import type { Logger } from '../../lib/log.ts';
import type { Fail } from './errors.ts';
import { describe, isUnreachable } from './failures.ts';
import type { RegisteredOperation } from './operation.ts';

/** Largest gateway answer read (a sandbox service's result is a few hundred bytes). */
const MAX_RESPONSE_BYTES = 256 * 1024;

interface GraphQLError {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown };
}

/**
 * A sandbox service as a GraphQL client of the gateway: posts one consented operation
 * (through `post`: the pivot token and its DPoP proof, broker-client.ts) and returns its
 * `data`, checked against `result` — or the service's clear error. A partial answer (a
 * provider failed) is an error too: a missing value must never be read as "no data".
 */
export async function runOperation<Result extends z.ZodType>(options: {
  post: (body: string) => Promise<Response>;
  operation: RegisteredOperation;
  /** The shape `data` must have; an answer that does not fit is refused. */
  result: Result;
  logger: Logger;
  fail: Fail;
}): Promise<z.output<Result>> {
  const { logger, fail } = options;
  const { document: query, operationName } = options.operation;
  let response: Response;
  let body: unknown;
  try {
    response = await options.post(JSON.stringify({ query, operationName }));
    body = await readJson(response);
  } catch (error) {
    logger.warn({ err: describe(error) }, 'gateway unreachable');
    throw fail(isUnreachable(error) ? 'GATEWAY_UNAVAILABLE' : 'DATA_INVALID');
  }

  const errors = graphqlErrors(body);
  const codes = [
    ...new Set(errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN'))),
  ];
  if (!response.ok) {
    logger.warn({ status: response.status, codes }, 'gateway refused the operation');
    const details = { status: response.status, ...(codes.length ? { gatewayCodes: codes } : {}) };
    throw fail(response.status >= 500 ? 'GATEWAY_UNAVAILABLE' : 'GATEWAY_REFUSED', details);
  }
  if (errors.length) {
    const paths = errors.map((e) => (Array.isArray(e.path) ? e.path.join('.') : '')).filter(Boolean);
    logger.warn({ codes, paths }, 'gateway answered with errors');
    throw fail('DATA_INCOMPLETE', { gatewayCodes: codes });
  }
  const parsed = options.result.safeParse((body as { data?: unknown } | null)?.data);
  if (!parsed.success) {
    logger.warn(
      { operationName, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) },
      'gateway answer is not the operation result',
    );
    throw fail('DATA_INVALID');
  }
  return parsed.data;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new Error('gateway answer too large');
  if (!/json/.test(response.headers.get('content-type') ?? '')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function graphqlErrors(body: unknown): GraphQLError[] {
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  return Array.isArray(errors) ? errors.filter((e): e is GraphQLError => !!e && typeof e === 'object') : [];
}
