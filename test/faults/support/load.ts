import { randomUUID } from 'node:crypto';
import type { Pool } from '../../../lib/db/database.ts';
import { PARKING, type FaultPlatform } from './platform.ts';

/**
 * A bounded load as service providers send it: the parking query with a DPoP-bound
 * token and a fresh proof each, `x-request-id` set so that every answer can be matched
 * to its audit event. Each outcome says what the SP saw: a status and body, or the
 * transport error (a reset, a refused connection) when nothing came back.
 */
export interface Outcome {
  requestId: string;
  /** When it was sent and answered, in ms since the load began. */
  sentAt: number;
  endedAt: number;
  status?: number;
  body?: {
    data?: { me: Record<string, unknown> | null } | null;
    errors?: Array<{ message: string; extensions?: { code?: string; provider?: string } }>;
  };
  /** The transport error's code (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET, TimeoutError…). */
  transportError?: string;
}

export interface LoadOptions {
  /** At most this many requests. */
  requests: number;
  /** Stops sending once this says so (the fault's script is over). */
  until?: () => boolean;
  concurrency: number;
  /** Pause between two requests of one connection (ms): spreads the load over the fault. */
  pauseMs?: number;
  /** Called after each answer; lets a test break something at a given point. */
  onOutcome?(outcome: Outcome, index: number): void;
}

export async function runLoad(platform: FaultPlatform, options: LoadOptions): Promise<Outcome[]> {
  const graphqlUrl = `${platform.gateway.url}/graphql`;
  const body = JSON.stringify({ query: PARKING, operationName: 'Parking' });
  const outcomes: Outcome[] = [];
  const began = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.requests && !options.until?.()) {
      const index = next++;
      const token = platform.tokens[index % platform.tokens.length]!;
      const proof = platform.issuer.dpopKeyFor(token)!.proof({ htm: 'POST', htu: graphqlUrl, accessToken: token });
      const outcome: Outcome = { requestId: randomUUID(), sentAt: performance.now() - began, endedAt: 0 };
      try {
        const response = await fetch(graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `DPoP ${token}`,
            dpop: proof,
            'x-request-id': outcome.requestId,
          },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        outcome.status = response.status;
        const text = await response.text();
        outcome.body = JSON.parse(text) as Outcome['body'];
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        outcome.transportError = cause?.code ?? (error as Error).name;
      }
      outcome.endedAt = performance.now() - began;
      outcomes.push(outcome);
      options.onOutcome?.(outcome, index);
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return outcomes;
}

/** `gateway.exchange` events per request id, for the given requests. */
export async function exchangeEventCounts(pool: Pool, requestIds: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ request_id: string; n: number }>(
    "SELECT data->>'requestId' AS request_id, count(*)::int AS n FROM audit.events WHERE kind = 'gateway.exchange' AND data->>'requestId' = ANY($1) GROUP BY 1",
    [requestIds],
  );
  return new Map(rows.map((r) => [r.request_id, r.n]));
}

/** The counts a fault test reports: answered 200, their events, and 200s without exactly one event (must be 0). */
export async function auditAccount(pool: Pool, outcomes: Outcome[]) {
  const answered = outcomes.filter((o) => o.status === 200);
  const counts = await exchangeEventCounts(
    pool,
    answered.map((o) => o.requestId),
  );
  const events = answered.reduce((n, o) => n + (counts.get(o.requestId) ?? 0), 0);
  const lost = answered.filter((o) => counts.get(o.requestId) !== 1).map((o) => o.requestId);
  return { sent: outcomes.length, answered: answered.length, events, lost };
}

/**
 * What every fault test asserts once its load is over: each 200 has exactly one
 * `gateway.exchange` event, and `passerelle audit verify` passes. Returns the counts it reports.
 */
export async function expectEveryAnswerAudited(platform: FaultPlatform, outcomes: Outcome[]) {
  const account = await auditAccount(platform.pool, outcomes);
  expect(account.lost).toEqual([]);
  expect(account.events).toBe(account.answered);
  expect(await platform.auditVerify()).toMatchObject({ code: 0, output: expect.stringContaining('audit chain OK') });
  return account;
}

/** The codes of an answer's errors, with the provider each names. */
export function errorCodes(outcome: Outcome): string[] {
  return (outcome.body?.errors ?? []).map(
    (e) => `${e.extensions?.code ?? '?'}${e.extensions?.provider ? `:${e.extensions.provider}` : ''}`,
  );
}

/** Whether every provider's part of the parking answer came back. */
export function complete(outcome: Outcome): boolean {
  const me = outcome.body?.data?.me;
  return outcome.status === 200 && !outcome.body?.errors?.length && !!me;
}
