import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { ExchangeRecorder } from '../../gateway/exchange-events.ts';
import type { ExchangeEntry } from '../../lib/contracts/exchange-event.ts';
import { migrateAudit, verifyChain } from '../../lib/audit/index.ts';
import type { Pool } from '../../lib/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';

/** Exchanges recorded as `gateway.exchange` events of the audit chain (group commit, deadline). */
let db: TestDatabase;
let pool: Pool;
let publicKeys: JWK[];
const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.message);

const entry = (over: Partial<ExchangeEntry> = {}): ExchangeEntry => ({
  occurredAt: new Date(),
  requestId: 'req-1',
  clientId: 'parking-nimes',
  sub: 'sub-1',
  citizenRef: 'citizen-1',
  grantId: 'grant-1',
  acr: 'eidas1',
  operationHash: 'h'.repeat(43),
  operationName: 'Parking',
  providers: ['ants', 'dgfip'],
  fields: ['Citizen.taxAddress', 'TaxAddress.city'],
  scopes: ['dgfip_adresse_fiscale'],
  outcome: 'success',
  httpStatus: 200,
  errorCodes: [],
  durationMs: 12.4,
  ...over,
});

async function eventsOf(requestIdPattern: string) {
  const { rows } = await pool.query(
    "SELECT seq, kind, citizen_ref, client_id, data FROM audit.events WHERE data->>'requestId' LIKE $1 ORDER BY seq",
    [requestIdPattern],
  );
  return rows;
}

beforeAll(async () => {
  process.on('warning', onWarning);
  db = await createTestDatabase();
  pool = db.pool();
  await migrateAudit(pool);
  publicKeys = [{ ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'unused' }];
});
afterAll(async () => {
  process.off('warning', onWarning);
  await db.drop();
});
afterEach(async () => {
  // Whatever a test did, the chain it leaves verifies.
  expect(await verifyChain(pool, publicKeys)).toMatchObject({ ok: true });
});

describe('exchanges in the audit chain', () => {
  test('are recorded with exactly the agreed data, concurrent ones grouped in one transaction', async () => {
    const batches: number[] = [];
    const recorder = new ExchangeRecorder(pool, {
      maxBatchSize: 100,
      writeTimeoutMs: 5000,
      onBatch: (events) => batches.push(events),
    });
    await Promise.all(Array.from({ length: 25 }, (_, i) => recorder.record(entry({ requestId: `batch-${i}` }))));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(25);
    expect(batches.length).toBeLessThan(25);
    const rows = await eventsOf('batch-%');
    expect(rows).toHaveLength(25);
    expect(rows[0]).toEqual({
      seq: expect.any(Number),
      kind: 'gateway.exchange',
      citizen_ref: 'citizen-1',
      client_id: 'parking-nimes',
      data: {
        requestId: expect.stringMatching(/^batch-/),
        sub: 'sub-1',
        grantId: 'grant-1',
        acr: 'eidas1',
        operationHash: 'h'.repeat(43),
        operationName: 'Parking',
        providers: ['ants', 'dgfip'],
        fields: ['Citizen.taxAddress', 'TaxAddress.city'],
        scopes: ['dgfip_adresse_fiscale'],
        outcome: 'success',
        httpStatus: 200,
        errorCodes: [],
        durationMs: 12,
      },
    });
  });

  test('refusals are recorded with what is known, null for the rest', async () => {
    const recorder = new ExchangeRecorder(pool, { maxBatchSize: 100, writeTimeoutMs: 5000 });
    await recorder.record(
      entry({
        requestId: 'refused-1',
        clientId: undefined,
        sub: undefined,
        citizenRef: undefined,
        grantId: undefined,
        acr: undefined,
        operationHash: undefined,
        operationName: undefined,
        providers: [],
        fields: [],
        scopes: [],
        outcome: 'refused',
        httpStatus: 401,
        errorCodes: ['PIVOT_TOKEN_MISSING'],
      }),
    );
    expect(await eventsOf('refused-1')).toEqual([
      {
        seq: expect.any(Number),
        kind: 'gateway.exchange',
        citizen_ref: null,
        client_id: null,
        data: {
          requestId: 'refused-1',
          sub: null,
          grantId: null,
          acr: null,
          operationHash: null,
          operationName: null,
          providers: [],
          fields: [],
          scopes: [],
          outcome: 'refused',
          httpStatus: 401,
          errorCodes: ['PIVOT_TOKEN_MISSING'],
          durationMs: 12,
        },
      },
    ]);
  });

  test('several recorders on their own pools (gateway processes) write every event once, in one chain', async () => {
    const recorders = Array.from(
      { length: 3 },
      () => new ExchangeRecorder(db.pool({ max: 1 }), { maxBatchSize: 10, writeTimeoutMs: 10_000 }),
    );
    await Promise.all(
      Array.from({ length: 90 }, (_, i) => recorders[i % 3]!.record(entry({ requestId: `writers-${i}` }))),
    );
    const rows = await eventsOf('writers-%');
    expect(new Set(rows.map((r) => r.data.requestId)).size).toBe(90);
    expect(rows).toHaveLength(90);
    expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
  });

  test('a write held up past its timeout by the chain-head lock is rejected and never recorded, even once unblocked', async () => {
    const failures: string[] = [];
    const recorder = new ExchangeRecorder(db.pool({ max: 1 }), {
      maxBatchSize: 10,
      writeTimeoutMs: 300,
      onFailure: (reason) => failures.push(reason),
    });
    const blocker = await pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM audit.shards FOR UPDATE'); // every shard's head
    const write = recorder.record(entry({ requestId: 'late-lock' })).then(
      () => 'written',
      (error: Error) => error.name,
    );
    await new Promise((r) => setTimeout(r, 800));
    await blocker.query('ROLLBACK');
    blocker.release();
    expect(await write).not.toBe('written');
    await recorder.drain();
    expect(await eventsOf('late-lock')).toEqual([]);
    // Cancelled by statement_timeout, or dropped past its deadline: both a deadline missed.
    expect(failures).toEqual(['too_late']);
    await recorder.record(entry({ requestId: 'after-lock' }));
    expect(await eventsOf('after-lock')).toHaveLength(1);
  });

  test('the deadline is checked once the lock is held: a late event of a batch is dropped, the others committed without a gap', async () => {
    // The writer's only connection is taken: events wait outside PostgreSQL, where no statement_timeout runs.
    const writerPool = db.pool({ max: 1 });
    const failures: string[] = [];
    const recorder = new ExchangeRecorder(writerPool, {
      maxBatchSize: 10,
      writeTimeoutMs: 1000,
      onFailure: (reason) => failures.push(reason),
    });
    const held = await writerPool.connect();
    const early = recorder.record(entry({ requestId: 'deadline-early' })).then(
      () => 'written',
      (error: Error) => error.message,
    );
    await new Promise((r) => setTimeout(r, 700));
    const timely = recorder.record(entry({ requestId: 'deadline-timely' })).then(
      () => 'written',
      (error: Error) => error.message,
    );
    await new Promise((r) => setTimeout(r, 600));
    held.release();
    expect(await early).toMatch(/too late/);
    expect(await timely).toBe('written');
    expect((await eventsOf('deadline-%')).map((r) => r.data.requestId)).toEqual(['deadline-timely']);
    // The metric passerelle_gateway_audit_write_failures_total counts it, by reason.
    expect(failures).toEqual(['too_late']);
  });

  test('a failed write rejects every request of its transaction, and nothing of it is written', async () => {
    const failures: string[] = [];
    const recorder = new ExchangeRecorder(pool, {
      maxBatchSize: 100,
      writeTimeoutMs: 5000,
      onFailure: (reason) => failures.push(reason),
    });
    const head = (await pool.query('SELECT count(*)::int AS n FROM audit.events')).rows[0].n;
    // The first event goes alone; the next two queue meanwhile and go together.
    // PostgreSQL refuses a NUL character in jsonb: their whole transaction fails.
    const results = await Promise.allSettled([
      recorder.record(entry({ requestId: 'fail-0' })),
      recorder.record(entry({ requestId: 'fail-1' })),
      recorder.record(entry({ requestId: 'fail-2\u0000' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(failures).toEqual(['error', 'error']);
    expect((await eventsOf('fail-%')).map((r) => r.data.requestId)).toEqual(['fail-0']);
    expect((await pool.query('SELECT count(*)::int AS n FROM audit.events')).rows[0].n).toBe(head + 1);
    await recorder.record(entry({ requestId: 'after-failure' }));
    expect(await eventsOf('after-failure')).toHaveLength(1);
  });
  test('under a mandate: the exchange under the mandator and its copy under the representative, both or neither', async () => {
    const recorder = new ExchangeRecorder(db.pool({ max: 1 }), { maxBatchSize: 10, writeTimeoutMs: 300 });
    const represented = { mandateId: 'mdt_1', citizenRef: 'mandator-1', representativeRef: 'representative-1' };
    await recorder.record(entry({ requestId: 'mandate-ok', ...represented }));
    const rows = (
      await pool.query(
        "SELECT kind, citizen_ref, data, xmin::text AS tx FROM audit.events WHERE data->>'requestId' = 'mandate-ok' ORDER BY kind",
      )
    ).rows;
    expect(rows.map((r) => [r.kind, r.citizen_ref])).toEqual([
      ['gateway.exchange', 'mandator-1'],
      ['gateway.representative_exchange', 'representative-1'],
    ]);
    expect(rows[0].data).toEqual(rows[1].data);
    expect(rows[0].data.mandateId).toBe('mdt_1');
    expect(rows[0].tx).toBe(rows[1].tx);
    // Without a mandate, one event and no `mandateId` (the data hashes as before).
    await recorder.record(entry({ requestId: 'own-ok' }));
    expect((await eventsOf('own-ok')).map((r) => Object.hasOwn(r.data, 'mandateId'))).toEqual([false]);

    // Held past the deadline: neither is written.
    const blocker = await pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM audit.shards FOR UPDATE');
    const late = recorder.record(entry({ requestId: 'mandate-late', ...represented })).then(
      () => 'written',
      (error: Error) => error.name,
    );
    await new Promise((r) => setTimeout(r, 800));
    await blocker.query('ROLLBACK');
    blocker.release();
    expect(await late).not.toBe('written');
    await recorder.drain();
    expect(await eventsOf('mandate-late')).toEqual([]);
  });
});
