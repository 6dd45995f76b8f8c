import { postgresBinaries, startPostgresCluster, type PostgresCluster } from '../../harness/postgres-cluster.ts';
import { openDisposableDatabase } from '../../harness/database.ts';
import { gatewayErrors } from '../../lib/contracts/gateway-errors.ts';
import { complete, errorCodes, expectEveryAnswerAudited, runLoad, type Outcome } from './support/load.ts';
import { startFaultPlatform, type FaultPlatform } from './support/platform.ts';

/**
 * Fault 5 (docs/operations.md#faults-and-recovery): PostgreSQL stopped under load (a
 * cluster of the test's own, so that it can stop it), then started again. While the audit
 * chain cannot be written the gateway answers 503 with a code, within a bounded time, and
 * never data; once the server is back every process reconnects by itself. Every 200 has
 * its one event; the chain verifies. Needs PostgreSQL's binaries (initdb, pg_ctl).
 */
const DOWN_MS = 3000;
const WRITE_TIMEOUT_MS = 1000;
/** An answer while the database is down: the audit write's timeout and the gateway's own work. */
const ANSWER_BOUND_MS = WRITE_TIMEOUT_MS + 2000;
const RECOVERY_BOUND_MS = 10_000;
const binaries = postgresBinaries();
if (!binaries)
  console.warn(
    'test/faults/database-restarted.test.ts skipped: no PostgreSQL binaries under /usr/lib/postgresql/*/bin',
  );
const suite = binaries ? describe : describe.skip;

suite('PostgreSQL stopped and started again', () => {
  let cluster: PostgresCluster;
  let platform: FaultPlatform;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    platform = await startFaultPlatform(
      { 'gateway.audit.writeTimeoutMs': WRITE_TIMEOUT_MS },
      { database: await openDisposableDatabase({ databaseUrl: cluster.url }) },
    );
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await cluster?.destroy();
  }, 60_000);

  test('503 with a code while the chain cannot be written, never data; reconnects by itself; nothing unaudited', async () => {
    const began = performance.now();
    const marks: Record<string, number> = {};
    const mark = (name: string) => (marks[name] = performance.now() - began);
    let done = false;
    const outcomes: Outcome[] = [];
    const settled = runLoad(platform, { requests: 3000, concurrency: 4, pauseMs: 20, until: () => done }).then((all) =>
      outcomes.push(...all),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await cluster.stop();
    mark('stopped');
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    mark('starting');
    await cluster.start();
    mark('started');
    await new Promise((resolve) => setTimeout(resolve, RECOVERY_BOUND_MS));
    done = true;
    await settled;

    // Sent once the server was down, answered before it was back.
    const down = outcomes.filter((o) => o.sentAt > marks.stopped! && o.endedAt < marks.starting!);
    expect(down.length).toBeGreaterThan(3);
    const codes = new Set<string>();
    for (const outcome of down) {
      expect(outcome.transportError).toBeUndefined();
      expect(outcome.status).toBe(503);
      expect(outcome.body?.data ?? null).toBeNull();
      const [code] = errorCodes(outcome);
      expect(code && code in gatewayErrors.errors).toBe(true);
      codes.add(code!);
      expect(outcome.endedAt - outcome.sentAt).toBeLessThan(ANSWER_BOUND_MS);
    }
    // Never cut: every request got an answer, a 200 or a 503 with its code.
    expect(outcomes.every((o) => o.status === 200 || o.status === 503)).toBe(true);
    const firstAfter = outcomes.find((o) => o.sentAt > marks.started! && complete(o));
    expect(firstAfter).toBeDefined();
    const recoveryMs = firstAfter!.endedAt - marks.started!;
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(
      outcomes
        .filter((o) => o.sentAt > firstAfter!.endedAt + 1000 && !complete(o))
        .map((o) => [o.status, ...errorCodes(o)]),
    ).toEqual([]);

    const account = await expectEveryAnswerAudited(platform, outcomes);
    console.log(
      `fault 5 (PostgreSQL stopped ${DOWN_MS} ms): ${JSON.stringify({
        ...account,
        lost: account.lost.length,
        refused: down.length,
        codes: [...codes],
        recoveryMs: Math.round(recoveryMs),
      })}`,
    );
  }, 120_000);
});
