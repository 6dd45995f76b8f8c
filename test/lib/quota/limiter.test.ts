import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { migrateAudit, verifyChain } from '../../../lib/audit/index.ts';
import type { Pool } from '../../../lib/db/database.ts';
import { createLogger } from '../../../lib/log.ts';
import {
  QUOTA_EXCEEDED_EVENT_KIND,
  QuotaCounterStore,
  QuotaLimiter,
  migrateQuota,
  type QuotaRule,
} from '../../../lib/quota/index.ts';

/**
 * The quota store on the real database (PostgreSQL or the embedded one): two limiters on
 * two pools stand for two processes. Counts are atomic across them, the hit that goes one
 * over records `quota.exceeded` once per window, partitions and windows are counted apart.
 */
let db: TestDatabase;
let pools: Pool[];
const logger = createLogger('test', 'silent');
const limiters: QuotaLimiter[] = [];
const rule = (limit: number, windowSeconds = 1): QuotaRule => ({
  quota: 'gatewayRequestsPerSecond',
  policy: 'per-second',
  limit,
  windowSeconds,
});
const limiter = (pool: Pool, now?: () => number) => {
  const l = new QuotaLimiter(pool, { component: 'gateway', logger, now });
  limiters.push(l);
  return l;
};
let client = 0;
const newClient = () => `sp-${++client}`;

async function exceededEvents(clientId: string): Promise<any[]> {
  const { rows } = await pools[0]!.query(
    'SELECT client_id AS "clientId", citizen_ref AS "citizenRef", data FROM audit.events WHERE kind = $1 AND client_id = $2 ORDER BY seq',
    [QUOTA_EXCEEDED_EVENT_KIND, clientId],
  );
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pools = [db.pool({ max: 4 }), db.pool({ max: 4 })];
  await migrateAudit(pools[0]!);
  await migrateQuota(pools[0]!);
  await migrateQuota(pools[1]!); // a second process finds nothing to do
});
afterAll(async () => {
  for (const l of limiters) await l.close();
  await db?.drop();
});

test('concurrent hits from two processes: each count once, exactly `limit` allowed, one event', async () => {
  const clientId = newClient();
  const now = () => Date.parse('2026-12-03T10:00:00.100Z'); // one window for all hits
  const [a, b] = [limiter(pools[0]!, now), limiter(pools[1]!, now)];
  const decisions = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consume({ clientId, rule: rule(7) })),
  );
  expect(decisions.map((d) => d.count!).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
  for (const d of decisions) expect(d.allowed).toBe(d.count! <= 7);
  expect(decisions.find((d) => d.count === 3)!.state).toEqual({
    name: 'per-second',
    quota: 7,
    windowSeconds: 1,
    remaining: 4,
    resetSeconds: 1,
  });
  const events = await exceededEvents(clientId);
  expect(events).toEqual([
    {
      clientId,
      citizenRef: null,
      data: {
        component: 'gateway',
        quota: 'gatewayRequestsPerSecond',
        limit: 7,
        windowSeconds: 1,
        windowStart: '2026-12-03T10:00:00.000Z',
        operationHash: null,
        operationName: null,
      },
    },
  ]);
});

test('a new window starts from zero and records its own event, once', async () => {
  const clientId = newClient();
  let now = Date.parse('2026-12-03T10:00:05.900Z');
  const l = limiter(pools[0]!, () => now);
  const burst = async (n: number) => {
    const allowed: boolean[] = [];
    for (let i = 0; i < n; i++) allowed.push((await l.consume({ clientId, rule: rule(2) })).allowed);
    return allowed;
  };
  expect(await burst(5)).toEqual([true, true, false, false, false]);
  expect(await exceededEvents(clientId)).toHaveLength(1);
  now += 200; // 10:00:06.100, the next second
  expect(await burst(4)).toEqual([true, true, false, false]);
  const events = await exceededEvents(clientId);
  expect(events.map((e) => e.data.windowStart)).toEqual(['2026-12-03T10:00:05.000Z', '2026-12-03T10:00:06.000Z']);
});

test('a per-operation quota counts each operation apart, and names it in its event', async () => {
  const clientId = newClient();
  const l = limiter(pools[0]!);
  const daily = { quota: 'gatewayRequestsPerDayPerOperation', policy: 'per-day', limit: 1, windowSeconds: 86_400 };
  const hit = (hash: string, name: string) => l.consume({ clientId, rule: daily, operation: { hash, name } });
  expect((await hit('hash-a', 'A')).allowed).toBe(true);
  expect((await hit('hash-b', 'B')).allowed).toBe(true);
  const over = await hit('hash-a', 'A');
  expect(over.allowed).toBe(false);
  expect(over.state!.resetSeconds).toBeGreaterThan(0);
  expect(over.state!.resetSeconds).toBeLessThanOrEqual(86_400);
  expect((await exceededEvents(clientId)).map((e) => [e.data.operationHash, e.data.operationName])).toEqual([
    ['hash-a', 'A'],
  ]);
  // Another SP's counter is its own.
  expect(
    (await l.consume({ clientId: newClient(), rule: daily, operation: { hash: 'hash-a', name: 'A' } })).allowed,
  ).toBe(true);
});

test('the purge deletes ended windows only', async () => {
  const clientId = newClient();
  const store = new QuotaCounterStore(pools[0]!);
  const key = { clientId, quota: 'gatewayRequestsPerSecond', partition: '' };
  const now = Date.now();
  await store.increment(key, now - 10_000, now - 9_000);
  await store.increment(key, now - 1000, now + 60_000);
  expect(await store.purgeExpired(new Date(now))).toBeGreaterThanOrEqual(1);
  const { rows } = await pools[0]!.query('SELECT count FROM quota.counters WHERE client_id = $1', [clientId]);
  expect(rows).toEqual([{ count: 1 }]);
});

test('a counter that does not answer in time lets the hit through, uncounted, instead of holding the request', async () => {
  const clientId = newClient();
  const l = new QuotaLimiter(pools[0]!, { component: 'gateway', logger, timeoutMs: 100 });
  limiters.push(l);
  const blocker = await pools[1]!.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE quota.counters IN EXCLUSIVE MODE');
    const started = performance.now();
    const decision = await l.consume({ clientId, rule: rule(1) });
    expect(decision).toEqual({ allowed: true });
    expect(performance.now() - started).toBeLessThan(2000);
  } finally {
    await blocker.query('ROLLBACK');
    blocker.release();
  }
});

test('the events keep the audit chain valid', async () => {
  for (const l of limiters) await l.close();
  expect(await verifyChain(pools[0]!, [])).toMatchObject({ ok: true });
});
