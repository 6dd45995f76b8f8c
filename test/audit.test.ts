import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { inTransaction, type Pool } from '../lib/db/database.ts';
import { appendEvents, AuditWriter, createCheckpoint, migrateAudit, purgeBefore, verifyChain, type AuditEvent } from '../lib/audit/index.ts';
import { GENESIS_HASH, linkHash } from '../lib/audit/chain.ts';
import { createTestDatabase, type TestDatabase } from '../harness/database.ts';

let db: TestDatabase;
let pool: Pool;
let key: { privateKey: CryptoKey; kid: string };
let publicKeys: JWK[];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  await migrateAudit(pool);
  const pair = await generateKeyPair('ES256');
  key = { privateKey: pair.privateKey, kid: 'broker-1' };
  publicKeys = [{ ...(await exportJWK(pair.publicKey)), kid: 'broker-1' }];
});
afterAll(async () => { await db.drop(); });

/** Runs `sql` as someone with full database rights would: bypassing the append-only triggers. */
async function tamper(sql: string, params: unknown[] = []): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(sql, params);
  });
}

async function reset(): Promise<void> {
  await tamper('DELETE FROM audit.events');
  await tamper('DELETE FROM audit.checkpoints');
  await pool.query("UPDATE audit.chain_head SET seq = 0, hash = repeat('0', 64)");
  await pool.query("UPDATE audit.chain_anchor SET seq = 0, hash = repeat('0', 64)");
}

async function appendSome(n: number, kind = 'exchange'): Promise<void> {
  await inTransaction(pool, (client) => appendEvents(client, Array.from({ length: n }, (_, i) => ({
    kind, citizenRef: `citizen-${i % 3}`, clientId: 'parking-nimes', data: { fields: ['Citizen.taxAddress'], outcome: 'ok', i },
  }))));
}

describe('the audit trail', () => {
  beforeEach(reset);

  test('an intact chain verifies, with its signed checkpoints', async () => {
    await appendSome(10);
    await createCheckpoint(pool, key);
    await appendSome(5);
    expect(await verifyChain(pool, publicKeys)).toEqual({ ok: true, events: 15, checkpoints: 1 });
  });

  test('the hashes PostgreSQL computes are those the application verifies, whatever the text', async () => {
    // audit.append completes each event's JCS body with its seq and hashes it in the database.
    const tricky: AuditEvent[] = [
      { kind: 'k', data: { purpose: 'Quotient familial — « aides » 2026\n"quoted" \\ back\\slash \u00e9\u0301 \ud83d\ude97', n: 1.5, big: 1e21, small: 1e-7, neg: -0, t: true, z: null } },
      { kind: 'k', citizenRef: 'ref', clientId: 'c', data: { nested: { b: [1, 'two', { c: 'ü' }], a: {} }, '€': 'key', 'a"b': 'x' } },
      { kind: 'k', data: {} },
    ];
    const inTx = await inTransaction(pool, (client) => appendEvents(client, tricky));
    const writer = new AuditWriter(pool, { timeoutMs: 10_000 });
    const viaWriter = await Promise.all(tricky.map((e) => writer.record(e)));
    expect([...inTx, ...viaWriter].map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const { rows } = await pool.query('SELECT seq, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash FROM audit.events ORDER BY seq');
    let previous = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prev_hash).toBe(previous);
      expect(row.hash).toBe(linkHash(previous, { seq: Number(row.seq), occurredAt: row.occurred_at, kind: row.kind, citizenRef: row.citizen_ref, clientId: row.client_id, data: row.data }));
      previous = row.hash;
    }
    expect(rows.map((r) => r.data)).toEqual([...tricky, ...tricky].map((e) => JSON.parse(JSON.stringify(e.data))));
    expect(await verifyChain(pool, publicKeys)).toEqual({ ok: true, events: 6, checkpoints: 0 });
  });

  test('signing an unchanged head again keeps the first checkpoint', async () => {
    await appendSome(3);
    const first = await createCheckpoint(pool, key);
    const again = await createCheckpoint(pool, key);
    expect(first).toMatchObject({ seq: 3, created: true });
    expect(again).toMatchObject({ seq: 3, created: false, jws: first!.jws });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM audit.checkpoints');
    expect(rows[0].n).toBe(1);
  });

  test('rows cannot be updated, deleted or truncated through normal access', async () => {
    await appendSome(2);
    await expect(pool.query("UPDATE audit.events SET kind = 'x'")).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM audit.events')).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE audit.events')).rejects.toThrow(/append-only/);
  });

  test('an altered row is caught', async () => {
    await appendSome(6);
    await tamper(`UPDATE audit.events SET data = jsonb_set(data, '{outcome}', '"refused"') WHERE seq = 4`);
    expect((await verifyChain(pool, publicKeys)).firstBroken).toEqual({ seq: 4, reason: expect.stringMatching(/altered/) });
  });

  test('a deleted row is caught', async () => {
    await appendSome(6);
    await tamper('DELETE FROM audit.events WHERE seq = 3');
    expect((await verifyChain(pool, publicKeys)).firstBroken).toEqual({ seq: 3, reason: expect.stringMatching(/missing/) });
  });

  test('reordered rows are caught', async () => {
    await appendSome(6);
    await tamper('UPDATE audit.events SET seq = -2 WHERE seq = 2; UPDATE audit.events SET seq = 2 WHERE seq = 5; UPDATE audit.events SET seq = 5 WHERE seq = -2');
    expect((await verifyChain(pool, publicKeys)).firstBroken?.seq).toBe(2);
  });

  test('a deleted tail is caught', async () => {
    await appendSome(6);
    await tamper('DELETE FROM audit.events WHERE seq > 4');
    expect((await verifyChain(pool, publicKeys)).firstBroken).toEqual({ seq: 5, reason: expect.stringMatching(/deleted/) });
  });

  test('a chain rewritten with recomputed hashes is caught by the signed checkpoint', async () => {
    await appendSome(6);
    await createCheckpoint(pool, key);
    // Someone with database access alters row 2 and recomputes every later hash.
    const { linkHash } = await import('../lib/audit/chain.ts');
    const { rows } = await pool.query('SELECT * FROM audit.events ORDER BY seq');
    let prev = '0'.repeat(64);
    for (const row of rows) {
      const data = row.seq === 2 ? { ...row.data, outcome: 'refused' } : row.data;
      const hash = linkHash(prev, { seq: row.seq, occurredAt: row.occurred_at, kind: row.kind, citizenRef: row.citizen_ref, clientId: row.client_id, data });
      await tamper('UPDATE audit.events SET data = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [row.seq, data, prev, hash]);
      prev = hash;
    }
    await pool.query('UPDATE audit.chain_head SET hash = $1', [prev]);
    expect((await verifyChain(pool, publicKeys)).firstBroken).toEqual({ seq: 6, reason: expect.stringMatching(/signed checkpoint/) });
  });

  test('a forged checkpoint is caught', async () => {
    await appendSome(3);
    const other = await generateKeyPair('ES256');
    await createCheckpoint(pool, { privateKey: other.privateKey, kid: 'broker-1' });
    expect((await verifyChain(pool, publicKeys)).firstBroken?.reason).toMatch(/signature/);
  });

  test('parallel writers from several pools keep one valid chain and lose no row', async () => {
    // Three pools stand for three processes (gateways and brokers) on one database.
    const pools = [db.pool({ max: 4 }), db.pool({ max: 4 }), db.pool({ max: 4 })];
    // Each writer keeps up to 3 transactions in flight (the gateway's `concurrency`).
    const writers = pools.map((p) => new AuditWriter(p, { concurrency: 3, maxBatch: 7 }));
    const perWriter = 60;
    await Promise.all([
      ...writers.flatMap((w, wi) => Array.from({ length: perWriter }, (_, i) => w.record({ kind: 'exchange', clientId: `sp-${wi}`, data: { i } }))),
      ...pools.map((p) => Promise.all(Array.from({ length: 20 }, () => inTransaction(p, (c) => appendEvents(c, [{ kind: 'consent', data: {} }, { kind: 'signin', data: {} }]))))),
    ]);
    const expected = writers.length * perWriter + pools.length * 20 * 2;
    const { rows } = await pool.query('SELECT count(*)::int AS n, max(seq)::int AS max FROM audit.events');
    expect(rows[0]).toEqual({ n: expected, max: expected });
    expect(await verifyChain(pool, publicKeys)).toMatchObject({ ok: true, events: expected });
    await Promise.all(pools.map((p) => p.end()));
  });

  test('an action whose record fails does not happen', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS public.grants_demo (id int)');
    await expect(inTransaction(pool, async (client) => {
      await client.query('INSERT INTO public.grants_demo VALUES (1)');
      await appendEvents(client, [{ kind: 'revocation', data: { bad: '\u0000' } }]); // PostgreSQL refuses NUL in jsonb
    })).rejects.toThrow();
    expect((await pool.query('SELECT count(*)::int AS n FROM public.grants_demo')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT seq FROM audit.chain_head')).rows[0].seq).toBe(0);
  });

  test('purging old events keeps the rest verifiable from a signed anchor', async () => {
    await inTransaction(pool, (c) => appendEvents(c, Array.from({ length: 5 }, () => ({ kind: 'signin', occurredAt: new Date('2020-01-15T10:00:00Z') }))));
    await createCheckpoint(pool, key);
    await appendSome(4);
    const result = await purgeBefore(pool, new Date('2021-01-01T00:00:00Z'));
    expect(result).toEqual({ removed: 5, anchorSeq: 5 });
    expect(await verifyChain(pool, publicKeys)).toMatchObject({ ok: true, events: 4 });
    await pool.query('UPDATE audit.chain_anchor SET seq = 3'); // a moved anchor is not a signed checkpoint
    expect((await verifyChain(pool, publicKeys)).firstBroken?.reason).toMatch(/anchor/);
  });
});
