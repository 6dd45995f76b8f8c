import { generateKeyPair } from 'jose';
import { inTransaction, type Pool } from '../../../lib/db/database.ts';
import {
  appendEvents,
  AuditWriter,
  createCheckpoint,
  DEFAULT_SHARD_COUNT,
  purgeBefore,
  shardOf,
  verifyChain,
  type AuditEvent,
} from '../../../lib/audit/index.ts';
import { GENESIS_HASH, linkHash } from '../../../lib/audit/chain.ts';
import {
  appendFor,
  auditFixture,
  citizensOfTwoShards,
  resetAudit,
  rewriteShard,
  tamper,
  type AuditFixture,
} from '../../helpers/audit-trail.ts';

/**
 * The audit trail: appending, and the tamper evidence of each shard's chain (the detection
 * tests of the single chain, now per shard). Shard-specific attacks: test/lib/audit/shards.test.ts.
 */
let fixture: AuditFixture;
let pool: Pool;

beforeAll(async () => {
  fixture = await auditFixture();
  pool = fixture.pool;
});
afterAll(async () => {
  await fixture.db.drop();
});

const verify = () => verifyChain(pool, fixture.publicKeys);
/** The broken shards of a verification. */
const brokenShards = async () => (await verify()).shards.filter((s) => s.broken).map((s) => s.shard);

describe('the audit trail', () => {
  beforeEach(() => resetAudit(pool));

  test('an intact trail verifies, every shard with its signed checkpoints', async () => {
    for (let i = 0; i < 10; i++) await appendFor(pool, `citizen-${i}`, 1);
    await createCheckpoint(pool, fixture.key);
    await appendFor(pool, 'citizen-0', 5);
    const result = await verify();
    expect(result).toMatchObject({ ok: true, events: 15, checkpoints: 1, broken: [] });
    expect(result.shards.map((s) => s.shard)).toEqual(Array.from({ length: DEFAULT_SHARD_COUNT }, (_, i) => i));
  });

  test("a citizen's events all go to its shard, the same in the database and in shards.ts; events of no citizen spread", async () => {
    const citizens = Array.from({ length: 200 }, (_, i) => `ref-${i}-${'é'.repeat(i % 3)}`);
    for (const citizen of citizens.slice(0, 20)) await appendFor(pool, citizen, 2);
    const { rows } = await pool.query<{ citizen_ref: string; shards: number[] }>(
      'SELECT citizen_ref, array_agg(DISTINCT shard) AS shards FROM audit.events GROUP BY citizen_ref',
    );
    expect(rows).toHaveLength(20);
    for (const row of rows) expect(row.shards).toEqual([shardOf(row.citizen_ref, DEFAULT_SHARD_COUNT)]);
    const inDatabase = await pool.query<{ shard: number }>(
      'SELECT audit.shard_of(ref, $2) AS shard FROM unnest($1::text[]) WITH ORDINALITY AS t(ref, n) ORDER BY n',
      [citizens, DEFAULT_SHARD_COUNT],
    );
    expect(inDatabase.rows.map((r) => r.shard)).toEqual(citizens.map((c) => shardOf(c, DEFAULT_SHARD_COUNT)));
    expect(new Set(citizens.map((c) => shardOf(c, DEFAULT_SHARD_COUNT))).size).toBe(DEFAULT_SHARD_COUNT);
    const anonymous = await inTransaction(pool, (c) =>
      appendEvents(
        c,
        Array.from({ length: 64 }, () => ({ kind: 'gateway.exchange', data: {} })),
      ),
    );
    expect(new Set(anonymous.map((r) => r.shard)).size).toBeGreaterThan(DEFAULT_SHARD_COUNT / 2);
  });

  test('the hashes PostgreSQL computes are those the application verifies, whatever the text', async () => {
    // audit.append completes each event's JCS body with its seq and hashes it in the database.
    const tricky: AuditEvent[] = [
      {
        kind: 'k',
        data: {
          purpose: 'Quotient familial — « aides » 2026\n"quoted" \\ back\\slash \u00e9\u0301 \ud83d\ude97',
          n: 1.5,
          big: 1e21,
          small: 1e-7,
          neg: -0,
          t: true,
          z: null,
        },
      },
      {
        kind: 'k',
        citizenRef: 'ref',
        clientId: 'c',
        data: { nested: { b: [1, 'two', { c: 'ü' }], a: {} }, '€': 'key', 'a"b': 'x' },
      },
      { kind: 'k', citizenRef: 'ref', data: {} },
    ];
    const inTx = await inTransaction(pool, (client) => appendEvents(client, tricky));
    const writer = new AuditWriter(pool, { timeoutMs: 10_000 });
    const viaWriter = await Promise.all(tricky.map((e) => writer.record(e)));
    const recorded = [...inTx, ...viaWriter];
    expect(new Set(recorded.map((r) => r.seq)).size).toBe(6);
    const { rows } = await pool.query(
      'SELECT seq, shard, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash FROM audit.events ORDER BY shard, seq',
    );
    const previous = new Map<number, string>();
    for (const row of rows) {
      expect(row.prev_hash).toBe(previous.get(row.shard) ?? GENESIS_HASH);
      expect(row.hash).toBe(
        linkHash(row.prev_hash, {
          seq: Number(row.seq),
          occurredAt: row.occurred_at,
          kind: row.kind,
          citizenRef: row.citizen_ref,
          clientId: row.client_id,
          data: row.data,
        }),
      );
      previous.set(row.shard, row.hash);
    }
    expect(
      recorded.map((r) => rows.find((row) => Number(row.seq) === r.seq)).map((row) => [row.shard, row.hash]),
    ).toEqual(recorded.map((r) => [r.shard, r.hash]));
    const bySeq = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq));
    expect(bySeq.map((r) => r.data)).toEqual([...tricky, ...tricky].map((e) => JSON.parse(JSON.stringify(e.data))));
    expect(await verify()).toMatchObject({ ok: true, events: 6, checkpoints: 0 });
  });

  test('signing unchanged heads again keeps the first checkpoint', async () => {
    await appendFor(pool, 'citizen-a', 3);
    const first = await createCheckpoint(pool, fixture.key);
    const again = await createCheckpoint(pool, fixture.key);
    expect(first).toMatchObject({
      created: true,
      heads: expect.arrayContaining([
        { shard: shardOf('citizen-a', DEFAULT_SHARD_COUNT), seq: expect.any(Number), hash: expect.any(String) },
      ]),
    });
    expect(first!.heads).toHaveLength(DEFAULT_SHARD_COUNT);
    expect(again).toMatchObject({ id: first!.id, created: false, jws: first!.jws });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM audit.checkpoints');
    expect(rows[0].n).toBe(1);
  });

  test('events, checkpoints and their heads cannot be updated, deleted or truncated through normal access', async () => {
    await appendFor(pool, 'citizen-a', 2);
    await createCheckpoint(pool, fixture.key);
    await expect(pool.query("UPDATE audit.events SET kind = 'x'")).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM audit.events')).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE audit.events')).rejects.toThrow(/append-only/);
    for (const table of ['checkpoints', 'checkpoint_heads']) {
      await expect(pool.query(`DELETE FROM audit.${table}`)).rejects.toThrow(/append-only/);
      await expect(pool.query(`TRUNCATE audit.${table} CASCADE`)).rejects.toThrow(/append-only/);
    }
    await expect(pool.query("UPDATE audit.checkpoint_heads SET hash = 'x'")).rejects.toThrow(/append-only/);
  });

  describe('tampering with one shard is caught in that shard, the others still verify', () => {
    let shard: number;
    let seqs: number[];
    beforeEach(async () => {
      await appendFor(pool, 'someone-else', 4);
      const events = await appendFor(pool, 'citizen-a', 6);
      shard = events[0]!.shard;
      seqs = events.map((e) => e.seq);
    });
    const only = async () => expect(await brokenShards()).toEqual([shard]);

    test('an altered row', async () => {
      await tamper(pool, `UPDATE audit.events SET data = jsonb_set(data, '{outcome}', '"refused"') WHERE seq = $1`, [
        seqs[3],
      ]);
      expect((await verify()).firstBroken).toEqual({ shard, seq: seqs[3], reason: expect.stringMatching(/altered/) });
      await only();
    });

    test('a deleted row', async () => {
      await tamper(pool, 'DELETE FROM audit.events WHERE seq = $1', [seqs[2]]);
      expect((await verify()).firstBroken).toEqual({ shard, seq: seqs[3], reason: expect.stringMatching(/deleted/) });
      await only();
    });

    test('reordered rows', async () => {
      await tamper(pool, 'UPDATE audit.events SET seq = -2 WHERE seq = $1', [seqs[1]]);
      await tamper(pool, 'UPDATE audit.events SET seq = $1 WHERE seq = $2', [seqs[1], seqs[4]]);
      await tamper(pool, 'UPDATE audit.events SET seq = $1 WHERE seq = -2', [seqs[4]]);
      expect((await verify()).firstBroken).toMatchObject({ shard, seq: seqs[1] });
      await only();
    });

    test('a deleted tail', async () => {
      await tamper(pool, 'DELETE FROM audit.events WHERE seq > $1 AND shard = $2', [seqs[3], shard]);
      expect((await verify()).firstBroken).toEqual({
        shard,
        seq: seqs[5],
        reason: expect.stringMatching(/end were deleted/),
      });
      await only();
    });

    test('a deleted tail with the head moved back, against the signed checkpoint', async () => {
      await createCheckpoint(pool, fixture.key);
      await tamper(pool, 'DELETE FROM audit.events WHERE seq > $1 AND shard = $2', [seqs[3], shard]);
      await pool.query(
        'UPDATE audit.shards SET head_seq = seq, head_hash = hash FROM audit.events WHERE events.seq = $1 AND shards.shard = $2',
        [seqs[3], shard],
      );
      expect((await verify()).firstBroken).toEqual({
        shard,
        seq: seqs[5],
        reason: expect.stringMatching(/checkpoint \d+ signed event .* missing: deleted/),
      });
      await only();
    });

    test('a chain rewritten with recomputed hashes, against the signed checkpoint', async () => {
      await createCheckpoint(pool, fixture.key);
      // Someone with database access alters an event and recomputes every later hash and the head.
      await rewriteShard(pool, shard, (events) =>
        events.map((e) => (e.seq === seqs[1] ? { ...e, data: { ...e.data, outcome: 'refused' } } : e)),
      );
      expect((await verify()).firstBroken).toEqual({
        shard,
        seq: seqs[5],
        reason: expect.stringMatching(/differs from what checkpoint \d+ signed: rewritten/),
      });
      await only();
    });

    test('a forged checkpoint', async () => {
      const other = await generateKeyPair('ES256');
      const forged = await createCheckpoint(pool, { privateKey: other.privateKey, kid: 'broker-1' });
      expect((await verify()).firstBroken).toEqual({
        checkpoint: forged!.id,
        reason: expect.stringMatching(/signature is invalid/),
      });
    });
  });

  test('parallel writers from several pools keep every shard one valid chain and lose no row', async () => {
    // Three pools stand for three processes (gateways and brokers) on one database.
    const pools = [fixture.db.pool({ max: 4 }), fixture.db.pool({ max: 4 }), fixture.db.pool({ max: 4 })];
    // Each writer keeps up to 3 transactions in flight (the gateway's `concurrency`); its batches mix shards.
    const writers = pools.map((p) => new AuditWriter(p, { concurrency: 3, maxBatch: 7 }));
    const perWriter = 60;
    await Promise.all([
      ...writers.flatMap((w, wi) =>
        Array.from({ length: perWriter }, (_, i) =>
          w.record({ kind: 'exchange', citizenRef: `c-${i % 23}`, clientId: `sp-${wi}`, data: { i } }),
        ),
      ),
      ...pools.map((p, pi) =>
        Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            inTransaction(p, (c) =>
              appendEvents(c, [
                { kind: 'consent', citizenRef: `b-${pi}-${i}`, data: {} },
                { kind: 'signin', citizenRef: `b-${pi}-${i}`, data: {} },
              ]),
            ),
          ),
        ),
      ),
    ]);
    const expected = writers.length * perWriter + pools.length * 20 * 2;
    const { rows } = await pool.query('SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM audit.events');
    expect(rows[0]).toEqual({ n: expected, seqs: expected });
    expect(await verify()).toMatchObject({ ok: true, events: expected });
    await Promise.all(pools.map((p) => p.end()));
  });

  test('batches over many shards, locking them in whatever order their events come, never deadlock', async () => {
    const pools = [fixture.db.pool({ max: 6 }), fixture.db.pool({ max: 6 })];
    const citizens = Array.from({ length: 12 }, (_, i) => `order-${i}`);
    await Promise.all(
      pools.flatMap((p, pi) =>
        Array.from({ length: 30 }, (_, i) =>
          inTransaction(p, (c) =>
            appendEvents(
              c,
              (pi + i) % 2
                ? citizens.map((citizenRef) => ({ kind: 'k', citizenRef }))
                : [...citizens].reverse().map((citizenRef) => ({ kind: 'k', citizenRef })),
            ),
          ),
        ),
      ),
    );
    expect(await verify()).toMatchObject({ ok: true, events: 2 * 30 * citizens.length });
    await Promise.all(pools.map((p) => p.end()));
  });

  test('an action whose record fails does not happen', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS public.grants_demo (id int)');
    await expect(
      inTransaction(pool, async (client) => {
        await client.query('INSERT INTO public.grants_demo VALUES (1)');
        await appendEvents(client, [{ kind: 'revocation', citizenRef: 'citizen-a', data: { bad: '\u0000' } }]); // PostgreSQL refuses NUL in jsonb
      }),
    ).rejects.toThrow();
    expect((await pool.query('SELECT count(*)::int AS n FROM public.grants_demo')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT sum(head_seq)::int AS moved FROM audit.shards')).rows[0].moved).toBe(0);
  });

  test('purging old events, shard by shard, keeps the rest verifiable from signed anchors', async () => {
    const old = new Date('2020-01-15T10:00:00Z');
    const [first, second] = citizensOfTwoShards();
    const [a, b] = [await appendFor(pool, first, 5, old), await appendFor(pool, second, 3, old)];
    await createCheckpoint(pool, fixture.key);
    await appendFor(pool, first, 4);
    await appendFor(pool, second, 1, old); // old, but after the checkpoint: kept
    const result = await purgeBefore(pool, new Date('2021-01-01T00:00:00Z'));
    expect(result.removed).toBe(8);
    expect(result.shards.filter((s) => s.removed)).toEqual(
      [
        { shard: a[0]!.shard, removed: 5, anchorSeq: a[4]!.seq },
        { shard: b[0]!.shard, removed: 3, anchorSeq: b[2]!.seq },
      ].sort((x, y) => x.shard - y.shard),
    );
    expect(await verify()).toMatchObject({ ok: true, events: 5 });
    await pool.query('UPDATE audit.shards SET anchor_seq = $2 WHERE shard = $1', [a[0]!.shard, a[2]!.seq]); // a moved anchor is not a signed head
    expect((await verify()).firstBroken).toEqual({
      shard: a[0]!.shard,
      seq: a[2]!.seq,
      reason: expect.stringMatching(/anchor/),
    });
  });
});
