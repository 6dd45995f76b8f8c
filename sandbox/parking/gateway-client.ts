import type { Logger } from '../../lib/log.ts';
import { runOperation } from '../service-provider/gateway-client.ts';
import { parkingFail } from './errors.ts';
import { PARKING_FOR_SOMEONE_OPERATION, PARKING_OPERATION, ParkingResult, type CitizenRecords } from './operation.ts';

/**
 * The parking service as a GraphQL client of the gateway: posts its one consented
 * operation (sandbox/service-provider/gateway-client.ts) and returns the citizen's records
 * — or a clear error. A partial answer (a provider failed) is an error too: a missing
 * value must never be priced as "no data".
 */
export async function readCitizenRecords(options: {
  post: (body: string) => Promise<Response>;
  logger: Logger;
  /** The operation for someone else (no family quotient) rather than the citizen's own. */
  forSomeone?: boolean;
}): Promise<CitizenRecords> {
  const result = await runOperation({
    post: options.post,
    operation: options.forSomeone ? PARKING_FOR_SOMEONE_OPERATION : PARKING_OPERATION,
    result: ParkingResult,
    logger: options.logger,
    fail: parkingFail,
  });
  return result.me;
}
