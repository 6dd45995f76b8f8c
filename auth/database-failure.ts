/**
 * Whether an error means the broker's PostgreSQL cannot be reached (refused, cut, shutting
 * down, not accepting connections), as opposed to a bug: every sign-in step needs the
 * database, so the citizen then gets BROKER_DATABASE_UNAVAILABLE (503, "try again in a
 * few minutes") instead of an internal error, and the step is not retried here.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now; class 08 is connection_exception. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);
/** node-postgres's own messages for a lost or unobtainable connection. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length && seen.size < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08/.test(code)))
      return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && PG_MESSAGES.some((m) => message.includes(m))) return true;
    queue.push((e as { cause?: unknown }).cause, ...((e as { errors?: unknown[] }).errors ?? []));
  }
  return false;
}
