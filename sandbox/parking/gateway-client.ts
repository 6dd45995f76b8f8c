import type { Logger } from '../../lib/log.ts';
import { parkingErrors } from './errors.ts';
import { describe, isUnreachable } from './failures.ts';
import {
  PARKING_DOCUMENT,
  PARKING_FOR_SOMEONE_DOCUMENT,
  PARKING_FOR_SOMEONE_OPERATION_NAME,
  PARKING_OPERATION_NAME,
  ParkingResult,
  type CitizenRecords,
} from './operation.ts';

/** Largest gateway answer read (the parking result is a few hundred bytes). */
const MAX_RESPONSE_BYTES = 256 * 1024;

interface GraphQLError {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown };
}

/**
 * The service as a GraphQL client of the gateway: posts its one consented
 * operation (through `post`: the pivot token and its DPoP proof, broker-client.ts)
 * and returns the citizen's records — or a clear error. A partial answer (a provider
 * failed) is an error too: a missing value must never be priced as "no data".
 */
export async function readCitizenRecords(options: {
  post: (body: string) => Promise<Response>;
  logger: Logger;
  /** The operation for someone else (no family quotient) rather than the citizen's own. */
  forSomeone?: boolean;
}): Promise<CitizenRecords> {
  const [query, operationName] = options.forSomeone
    ? [PARKING_FOR_SOMEONE_DOCUMENT, PARKING_FOR_SOMEONE_OPERATION_NAME]
    : [PARKING_DOCUMENT, PARKING_OPERATION_NAME];
  let response: Response;
  let body: unknown;
  try {
    response = await options.post(JSON.stringify({ query, operationName }));
    body = await readJson(response);
  } catch (error) {
    options.logger.warn({ err: describe(error) }, 'gateway unreachable');
    throw parkingErrors.error(isUnreachable(error) ? 'PARKING_GATEWAY_UNAVAILABLE' : 'PARKING_DATA_INVALID');
  }

  const errors = graphqlErrors(body);
  const codes = [
    ...new Set(errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN'))),
  ];
  if (!response.ok) {
    options.logger.warn({ status: response.status, codes }, 'gateway refused the operation');
    const details = { status: response.status, ...(codes.length ? { gatewayCodes: codes } : {}) };
    throw parkingErrors.error(
      response.status >= 500 ? 'PARKING_GATEWAY_UNAVAILABLE' : 'PARKING_GATEWAY_REFUSED',
      details,
    );
  }
  if (errors.length) {
    const paths = errors.map((e) => (Array.isArray(e.path) ? e.path.join('.') : '')).filter(Boolean);
    options.logger.warn({ codes, paths }, 'gateway answered with errors');
    throw parkingErrors.error('PARKING_DATA_INCOMPLETE', { gatewayCodes: codes });
  }
  const parsed = ParkingResult.safeParse((body as { data?: unknown } | null)?.data);
  if (!parsed.success) {
    options.logger.warn(
      { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) },
      'gateway answer is not the parking result',
    );
    throw parkingErrors.error('PARKING_DATA_INVALID');
  }
  return parsed.data.me;
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
