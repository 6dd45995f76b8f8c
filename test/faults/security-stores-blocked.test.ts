import { postgresBinaries, startPostgresCluster, type PostgresCluster } from '../../harness/postgres-cluster.ts';
import { openDisposableDatabase } from '../../harness/database.ts';
import type { PoolClient } from '../../lib/db/database.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { complete, errorCodes, expectEveryAnswerAudited, runLoad, type Outcome } from './support/load.ts';
import { startFaultPlatform, type FaultPlatform } from './support/platform.ts';

/**
 * Fault 7 (docs/operations.md#faults-and-recovery): the stores of the security checks
 * unavailable. Passerelle has no Redis: the DPoP proofs' single-use register
 * (`gateway.dpop_jti`) and the quota counters (`quota.counters`) are PostgreSQL tables, so
 * "the cache is down" is one of them not answering. Each is held under an exclusive lock
 * by another session while the load runs: the replay check fails CLOSED (503
 * DPOP_REPLAY_CHECK_UNAVAILABLE, no data, no exchange event), the quota fails OPEN
 * (answered, counted in `passerelle_gateway_quota_unchecked_total`, each answer audited).
 * Both recover by themselves once the lock is released.
 *
 * The locks need a server where sessions are independent: the DATABASE_URL server, else a
 * cluster of the test's own (the embedded database is one session for every connection).
 */
const REPLAY_TIMEOUT_MS = 300;
const BLOCKED_MS = 2000;
/** A refusal takes the replay check's timeout plus the gateway's own work on a loaded 2-core machine. */
const REFUSAL_BOUND_MS = REPLAY_TIMEOUT_MS + 1500;
const RECOVERY_BOUND_MS = 2000;
const ownCluster = !process.env.DATABASE_URL;
const binaries = postgresBinaries();
if (ownCluster && !binaries)
  console.warn('test/faults/security-stores-blocked.test.ts skipped: no DATABASE_URL and no PostgreSQL binaries');
const suite = !ownCluster || binaries ? describe : describe.skip;

suite('the DPoP replay register and the quota counters unavailable', () => {
  let cluster: PostgresCluster | undefined;
  let platform: FaultPlatform;

  beforeAll(async () => {
    const settings = { 'gateway.dpopReplayCheckTimeoutMs': REPLAY_TIMEOUT_MS };
    if (ownCluster) {
      cluster = await startPostgresCluster();
      platform = await startFaultPlatform(settings, {
        database: await openDisposableDatabase({ databaseUrl: cluster.url }),
      });
    } else {
      platform = await startFaultPlatform(settings);
    }
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await cluster?.destroy();
  }, 60_000);

  /** Runs the load while `table` is locked by another session for BLOCKED_MS; the outcomes and the marks. */
  async function loadWhileLocked(table: string) {
    const began = performance.now();
    const marks: Record<string, number> = {};
    const mark = (name: string) => (marks[name] = performance.now() - began);
    let done = false;
    const outcomes: Outcome[] = [];
    const settled = runLoad(platform, { requests: 2000, concurrency: 4, pauseMs: 10, until: () => done }).then((all) =>
      outcomes.push(...all),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const blocker: PoolClient = await platform.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      mark('locked');
      await new Promise((resolve) => setTimeout(resolve, BLOCKED_MS));
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    mark('released');
    await new Promise((resolve) => setTimeout(resolve, RECOVERY_BOUND_MS + 500));
    done = true;
    await settled;
    const during = outcomes.filter((o) => o.sentAt > marks.locked! && o.endedAt < marks.released!);
    const firstAfter = outcomes.find((o) => o.sentAt > marks.released! && complete(o));
    expect(firstAfter).toBeDefined();
    return { outcomes, during, recoveryMs: firstAfter!.endedAt - marks.released!, firstAfter: firstAfter! };
  }

  const metric = async (name: string) => {
    const text = await (await fetch(`${platform.gateway.url}/metrics`)).text();
    return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
  };

  test('the replay register blocked: 503 DPOP_REPLAY_CHECK_UNAVAILABLE, never data; recovers by itself', async () => {
    const { outcomes, during, recoveryMs, firstAfter } = await loadWhileLocked('gateway.dpop_jti');
    expect(during.length).toBeGreaterThan(3);
    for (const outcome of during) {
      expect(outcome.status).toBe(503);
      expect(errorCodes(outcome)).toEqual(['DPOP_REPLAY_CHECK_UNAVAILABLE']);
      expect(outcome.body?.data ?? null).toBeNull();
      expect(outcome.endedAt - outcome.sentAt).toBeLessThan(REFUSAL_BOUND_MS);
    }
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
    // Whole again once it answers; every answer was a 200 or that 503, none cut.
    expect(
      outcomes.filter((o) => o.sentAt > firstAfter.endedAt && !complete(o)).map((o) => [o.status, ...errorCodes(o)]),
    ).toEqual([]);
    expect(outcomes.every((o) => o.status === 200 || o.status === 503)).toBe(true);
    const account = await expectEveryAnswerAudited(platform, outcomes);
    console.log(
      `fault 7a (DPoP replay register blocked ${BLOCKED_MS} ms): ${JSON.stringify({
        ...account,
        lost: account.lost.length,
        refused: during.length,
        recoveryMs: Math.round(recoveryMs),
      })}`,
    );
  }, 60_000);

  test('the quota counters blocked: answered uncounted (fails open), every answer audited; counted again after', async () => {
    const before = await metric('passerelle_gateway_quota_unchecked_total');
    const { outcomes, during, recoveryMs } = await loadWhileLocked('quota.counters');
    expect(during.length).toBeGreaterThan(3);
    expect(during.map((o) => [o.status, ...errorCodes(o)]).filter(([s]) => s !== 200)).toEqual([]);
    expect(during.every(complete)).toBe(true);
    const unchecked = (await metric('passerelle_gateway_quota_unchecked_total')) - before;
    // Both quotas of each request (per second, per day and operation) were let through unchecked.
    expect(unchecked).toBeGreaterThanOrEqual(during.length);
    expect(outcomes.every((o) => o.status === 200)).toBe(true);
    const account = await expectEveryAnswerAudited(platform, outcomes);
    // Counted again: a request once released does not move the metric.
    const settledCount = await metric('passerelle_gateway_quota_unchecked_total');
    await waitFor(
      () => fetch(`${platform.gateway.url}/health/ready`).then((r) => r.status),
      (s) => s === 200,
      { timeoutMs: 5000 },
    );
    const again = await runLoad(platform, { requests: 20, concurrency: 2 });
    expect(again.every(complete)).toBe(true);
    expect(await metric('passerelle_gateway_quota_unchecked_total')).toBe(settledCount);
    console.log(
      `fault 7b (quota counters blocked ${BLOCKED_MS} ms): ${JSON.stringify({
        ...account,
        lost: account.lost.length,
        uncounted: during.length,
        recoveryMs: Math.round(recoveryMs),
      })}`,
    );
  }, 60_000);
});
