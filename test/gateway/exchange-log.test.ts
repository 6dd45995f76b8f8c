import { ExchangeLog, type ExchangeEntry } from '../../gateway/exchange-log.ts';
import type { Pool } from '../../lib/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
let pool: Pool;

const entry = (over: Partial<ExchangeEntry> = {}): ExchangeEntry => ({
  occurredAt: new Date(), requestId: 'req-1', clientId: 'parking-nimes', subject: 'sub-1', citizenRef: 'citizen-1', grantId: 'grant-1', acr: 'eidas1',
  operationHash: 'h'.repeat(43), operationName: 'Parking', providers: ['ants', 'dgfip'], fields: ['Citizen.taxAddress', 'TaxAddress.city'],
  outcome: 'success', httpStatus: 200, errorCodes: [], durationMs: 12.4, ...over,
});

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  await ExchangeLog.prepare(pool, 3);
});
afterAll(() => db.drop());

describe('the exchange log', () => {
  test('records entries, grouping concurrent ones in one INSERT', async () => {
    const log = new ExchangeLog(pool, { maxBatchSize: 100, writeTimeoutMs: 5000 });
    const batches: number[] = [];
    log.onBatch = (size) => batches.push(size);
    await Promise.all(Array.from({ length: 25 }, (_, i) => log.record(entry({ requestId: `batch-${i}` }))));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(25);
    expect(batches.length).toBeLessThan(25);
    const { rows } = await pool.query("SELECT * FROM gateway.exchange_log WHERE request_id LIKE 'batch-%' ORDER BY request_id LIMIT 1");
    expect(rows[0]).toMatchObject({
      client_id: 'parking-nimes', subject: 'sub-1', citizen_ref: 'citizen-1', grant_id: 'grant-1', acr: 'eidas1', operation_name: 'Parking',
      providers: ['ants', 'dgfip'], fields: ['Citizen.taxAddress', 'TaxAddress.city'], outcome: 'success', http_status: 200, error_codes: [], duration_ms: 12,
    });
  });

  test('with several writers, every row is written once', async () => {
    const log = new ExchangeLog(db.pool({ max: 3 }), { maxBatchSize: 10, writeTimeoutMs: 5000, maxConcurrentWrites: 3, prepared: !db.embedded });
    await Promise.all(Array.from({ length: 60 }, (_, i) => log.record(entry({ requestId: `writers-${i}` }))));
    await log.drain();
    const { rows } = await pool.query("SELECT count(DISTINCT request_id)::int AS distinct, count(*)::int AS n FROM gateway.exchange_log WHERE request_id LIKE 'writers-%'");
    expect(rows[0]).toEqual({ distinct: 60, n: 60 });
  });

  test('records refusals with what is known', async () => {
    const log = new ExchangeLog(pool, { maxBatchSize: 100, writeTimeoutMs: 5000 });
    await log.record(entry({ requestId: 'refused-1', clientId: undefined, subject: undefined, grantId: undefined, acr: undefined, operationHash: undefined, operationName: undefined, providers: [], fields: [], outcome: 'refused', httpStatus: 401, errorCodes: ['PIVOT_TOKEN_MISSING'] }));
    const { rows } = await pool.query("SELECT client_id, subject, outcome, http_status, error_codes FROM gateway.exchange_log WHERE request_id = 'refused-1'");
    expect(rows).toEqual([{ client_id: null, subject: null, outcome: 'refused', http_status: 401, error_codes: ['PIVOT_TOKEN_MISSING'] }]);
  });

  test('is append-only: UPDATE, DELETE and TRUNCATE are refused, on the table and on a partition', async () => {
    await expect(pool.query("UPDATE gateway.exchange_log SET outcome = 'failed'")).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM gateway.exchange_log')).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE gateway.exchange_log')).rejects.toThrow(/append-only/);
    const { rows } = await pool.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'gateway.exchange_log'::regclass ORDER BY 1 LIMIT 1");
    await expect(pool.query(`DELETE FROM gateway.${rows[0]!.name}`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`TRUNCATE gateway.${rows[0]!.name}`)).rejects.toThrow(/append-only/);
  });

  test('is partitioned by month, current month and the next ones created ahead, idempotently', async () => {
    const { rows } = await pool.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'gateway.exchange_log'::regclass ORDER BY 1");
    const now = new Date();
    const month = (offset: number) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
      return `exchange_log_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    expect(rows.map((r) => r.name)).toEqual([month(0), month(1), month(2), month(3)]);
    expect(await ExchangeLog.ensurePartitions(pool, 3)).toBe(0);
    expect(await ExchangeLog.ensurePartitions(pool, 4)).toBe(1);
  });

  test('a write slower than its timeout is rejected and never recorded, even once unblocked', async () => {
    const log = new ExchangeLog(db.pool({ max: 1 }), { maxBatchSize: 10, writeTimeoutMs: 300 });
    const blocker = await pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE gateway.exchange_log IN ACCESS EXCLUSIVE MODE');
    const write = log.record(entry({ requestId: 'late-1' })).then(() => 'written', (error: Error) => error.message);
    await new Promise((r) => setTimeout(r, 800));
    await blocker.query('ROLLBACK');
    blocker.release();
    expect(await write).not.toBe('written');
    await log.drain();
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM gateway.exchange_log WHERE request_id = 'late-1'");
    expect(rows[0].n).toBe(0);
  });

  test('a failed write rejects every request of its batch', async () => {
    const log = new ExchangeLog(pool, { maxBatchSize: 100, writeTimeoutMs: 5000 });
    // A date outside every partition: the INSERT fails, nothing is half-written.
    const far = new Date(Date.UTC(2200, 0, 1));
    const results = await Promise.allSettled([log.record(entry({ requestId: 'far-1', occurredAt: far })), log.record(entry({ requestId: 'far-2', occurredAt: far }))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM gateway.exchange_log WHERE request_id LIKE 'far-%'");
    expect(rows[0].n).toBe(0);
    await log.record(entry({ requestId: 'after-failure' }));
  });
});
