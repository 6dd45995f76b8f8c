import { CompactSign, generateKeyPair } from 'jose';
import type { Pool } from '../../../lib/db/database.ts';
import {
  createCheckpoint,
  DEFAULT_SHARD_COUNT,
  migrateAudit,
  purgeBefore,
  shardOf,
  verifyChain,
} from '../../../lib/audit/index.ts';
import { merkleRoot } from '../../../lib/audit/merkle.ts';
import {
  appendFor,
  auditFixture,
  citizensOfTwoShards,
  resetAudit,
  rewriteShard,
  tamper,
  type AuditFixture,
} from '../../helpers/audit-trail.ts';

/** What shards add to the tamper evidence, and changing their number. */
let fixture: AuditFixture;
let pool: Pool;

beforeAll(async () => {
  fixture = await auditFixture();
  pool = fixture.pool;
});
afterAll(async () => {
  await fixture.db.drop();
});
beforeEach(() => resetAudit(pool));

const verify = () => verifyChain(pool, fixture.publicKeys);
const [alice, bob] = citizensOfTwoShards();
const aliceShard = shardOf(alice, DEFAULT_SHARD_COUNT);
const bobShard = shardOf(bob, DEFAULT_SHARD_COUNT);

describe('attacks on the shards', () => {
  test('an event moved to another shard breaks both chains', async () => {
    const events = await appendFor(pool, alice, 4);
    await appendFor(pool, bob, 2);
    await tamper(pool, 'UPDATE audit.events SET shard = $2 WHERE seq = $1', [events[1]!.seq, bobShard]);
    const result = await verify();
    expect(result.shards.filter((s) => s.broken).map((s) => s.shard)).toEqual(
      [aliceShard, bobShard].sort((a, b) => a - b),
    );
    expect(result.shards[aliceShard]!.broken).toMatchObject({
      seq: events[2]!.seq,
      reason: expect.stringMatching(/deleted, inserted or reordered/),
    });
  });

  test('verified in worker threads, the result is the same, breaks included', async () => {
    const events = await appendFor(pool, alice, 4);
    await appendFor(pool, bob, 3);
    await createCheckpoint(pool, fixture.key);
    await tamper(pool, 'DELETE FROM audit.events WHERE seq = $1', [events[1]!.seq]);
    const inThread = await verify();
    expect(inThread.ok).toBe(false);
    expect(
      await verifyChain(pool, fixture.publicKeys, { workers: { databaseUrl: fixture.db.url, threads: 2 } }),
    ).toEqual(inThread);
  });

  test('an event moved to another shard with both chains rewritten and their heads moved is caught by the checkpoint', async () => {
    const events = await appendFor(pool, alice, 4);
    await appendFor(pool, bob, 2);
    await createCheckpoint(pool, fixture.key);
    const moved = {
      ...(
        await pool.query(
          'SELECT seq, occurred_at, kind, citizen_ref, client_id, data FROM audit.events WHERE seq = $1',
          [events[3]!.seq],
        )
      ).rows[0],
    };
    await rewriteShard(pool, aliceShard, (rows) => rows.filter((r) => r.seq !== moved.seq));
    await rewriteShard(pool, bobShard, (rows) => [...rows, moved]);
    const result = await verify();
    expect(result.shards[aliceShard]!.broken).toEqual({
      shard: aliceShard,
      seq: events[3]!.seq,
      reason: expect.stringMatching(/missing: deleted/),
    });
    expect(result.shards[bobShard]!.broken).toMatchObject({
      shard: bobShard,
      reason: expect.stringMatching(/rewritten|missing/),
    });
  });

  test('a shard head dropped from a checkpoint', async () => {
    await appendFor(pool, alice, 3);
    const checkpoint = await createCheckpoint(pool, fixture.key);
    await tamper(pool, 'DELETE FROM audit.checkpoint_heads WHERE checkpoint_id = $1 AND shard = $2', [
      checkpoint!.id,
      aliceShard,
    ]);
    expect((await verify()).firstBroken).toEqual({
      checkpoint: checkpoint!.id,
      reason: expect.stringMatching(/signs the heads of 16 shards, 15 are stored beside it: a shard head dropped/),
    });
  });

  test('a head of a checkpoint altered to match a rewritten chain', async () => {
    await appendFor(pool, alice, 3);
    const checkpoint = await createCheckpoint(pool, fixture.key);
    const head = await rewriteShard(pool, aliceShard, (rows) =>
      rows.map((r, i) => (i === 0 ? { ...r, kind: 'forged' } : r)),
    );
    await tamper(pool, 'UPDATE audit.checkpoint_heads SET hash = $3 WHERE checkpoint_id = $1 AND shard = $2', [
      checkpoint!.id,
      aliceShard,
      head.hash,
    ]);
    const result = await verify();
    expect(result.firstBroken).toEqual({
      checkpoint: checkpoint!.id,
      reason: expect.stringMatching(/do not give its signed Merkle root/),
    });
    // That checkpoint no longer vouches for anything: the rewritten shard has no signed head left to match, and says nothing false.
    expect(result.broken).toHaveLength(1);
  });

  test('a Merkle root forged beside a checkpoint, with its heads', async () => {
    await appendFor(pool, alice, 3);
    const checkpoint = await createCheckpoint(pool, fixture.key);
    const head = await rewriteShard(pool, aliceShard, (rows) =>
      rows.map((r, i) => (i === 2 ? { ...r, data: { outcome: 'refused' } } : r)),
    );
    const heads = checkpoint!.heads.map((h) => (h.shard === aliceShard ? { ...h, ...head } : h));
    await tamper(pool, 'UPDATE audit.checkpoint_heads SET hash = $3 WHERE checkpoint_id = $1 AND shard = $2', [
      checkpoint!.id,
      aliceShard,
      head.hash,
    ]);
    await tamper(pool, 'UPDATE audit.checkpoints SET root = $2 WHERE id = $1', [checkpoint!.id, merkleRoot(heads)]);
    expect((await verify()).firstBroken).toEqual({
      checkpoint: checkpoint!.id,
      reason: expect.stringMatching(/root stored beside it is not the one signed/),
    });
  });

  test('a checkpoint over rewritten heads signed with another key', async () => {
    await appendFor(pool, alice, 3);
    const forger = await generateKeyPair('ES256');
    const root = merkleRoot([{ shard: aliceShard, seq: 1, hash: 'f'.repeat(64) }]);
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify({ root, shards: 1, iat: 0 })))
      .setProtectedHeader({ alg: 'ES256', kid: 'broker-1', typ: 'passerelle-audit-checkpoint+jws' })
      .sign(forger.privateKey);
    await pool.query('INSERT INTO audit.checkpoints (root, signed_at, jws) VALUES ($1, now(), $2)', [root, jws]);
    expect((await verify()).firstBroken).toMatchObject({ reason: expect.stringMatching(/signature is invalid/) });
  });

  test('events slipped into a shard that has no head', async () => {
    await appendFor(pool, alice, 2);
    await tamper(
      pool,
      `INSERT INTO audit.events (seq, shard, occurred_at, kind, data, prev_hash, hash) VALUES (999999, 900, now(), 'forged', '{}', repeat('0', 64), repeat('1', 64))`,
    );
    expect((await verify()).firstBroken).toEqual({
      shard: 900,
      reason: expect.stringMatching(/no head row: inserted/),
    });
  });

  test('a whole shard removed, head row included, after a checkpoint', async () => {
    await appendFor(pool, alice, 2);
    await createCheckpoint(pool, fixture.key);
    await tamper(pool, 'DELETE FROM audit.events WHERE shard = $1', [aliceShard]);
    await pool.query('DELETE FROM audit.shards WHERE shard = $1', [aliceShard]);
    expect((await verify()).firstBroken).toEqual({
      shard: aliceShard,
      reason: expect.stringMatching(/no head row any more: deleted/),
    });
  });

  test('a whole shard emptied, its head reset, after a checkpoint', async () => {
    await appendFor(pool, alice, 2);
    await createCheckpoint(pool, fixture.key);
    await tamper(pool, 'DELETE FROM audit.events WHERE shard = $1', [aliceShard]);
    await pool.query("UPDATE audit.shards SET head_seq = 0, head_hash = repeat('0', 64) WHERE shard = $1", [
      aliceShard,
    ]);
    expect((await verify()).firstBroken).toMatchObject({
      shard: aliceShard,
      reason: expect.stringMatching(/missing: deleted/),
    });
  });

  test('an event put back under the anchor of a purged shard', async () => {
    const old = await appendFor(pool, alice, 3, new Date('2020-01-01T00:00:00Z'));
    await createCheckpoint(pool, fixture.key);
    const {
      rows: [removed],
    } = await pool.query('SELECT * FROM audit.events WHERE seq = $1', [old[0]!.seq]);
    await purgeBefore(pool, new Date('2021-01-01T00:00:00Z'));
    expect(await verify()).toMatchObject({ ok: true, events: 0 });
    await tamper(
      pool,
      'INSERT INTO audit.events (seq, shard, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [
        removed.seq,
        removed.shard,
        removed.occurred_at,
        removed.kind,
        removed.citizen_ref,
        removed.client_id,
        removed.data,
        removed.prev_hash,
        removed.hash,
      ],
    );
    expect((await verify()).firstBroken).toEqual({
      shard: aliceShard,
      seq: old[0]!.seq,
      reason: expect.stringMatching(/before the shard's anchor/),
    });
  });
});

describe('changing the number of shards', () => {
  afterEach(() => migrateAudit(pool));

  test('growing and shrinking rewrites nothing: every chain still verifies, new events go to the shards of the new count only', async () => {
    const citizens = Array.from({ length: 40 }, (_, i) => `grow-${i}`);
    for (const c of citizens) await appendFor(pool, c, 1);
    const first = await createCheckpoint(pool, fixture.key);

    expect(await migrateAudit(pool, { shards: 32 })).toEqual({ shardsBefore: DEFAULT_SHARD_COUNT, shards: 32 });
    for (const c of citizens) await appendFor(pool, c, 1);
    const { rows: later } = await pool.query<{ citizen_ref: string; shard: number }>(
      'SELECT citizen_ref, shard FROM audit.events WHERE seq > $1',
      [Math.max(...first!.heads.map((h) => h.seq))],
    );
    expect(later.every((r) => r.shard === shardOf(r.citizen_ref, 32))).toBe(true);
    expect(later.some((r) => r.shard >= DEFAULT_SHARD_COUNT)).toBe(true);
    const grown = await createCheckpoint(pool, fixture.key);
    expect(grown!.heads).toHaveLength(32);
    expect(await verify()).toMatchObject({ ok: true, events: 80, checkpoints: 2 });

    await migrateAudit(pool, { shards: 4 });
    for (const c of citizens) await appendFor(pool, c, 1);
    const {
      rows: [counts],
    } = await pool.query('SELECT count(*)::int AS n, max(shard)::int AS top FROM audit.events WHERE seq > $1', [
      Math.max(...grown!.heads.map((h) => h.seq)),
    ]);
    expect(counts).toEqual({ n: 40, top: 3 });
    // Shards 4..31 keep their chains, still verified and covered by checkpoints.
    const result = await verify();
    expect(result).toMatchObject({ ok: true, events: 120 });
    expect(result.shards).toHaveLength(32);
    expect((await createCheckpoint(pool, fixture.key))!.heads).toHaveLength(32);
  });

  test('a count out of bounds is refused by the database too', async () => {
    await expect(pool.query('SELECT audit.set_shard_count(0)')).rejects.toThrow(/between 1 and 1024/);
    await expect(pool.query('SELECT audit.set_shard_count(2000)')).rejects.toThrow(/between 1 and 1024/);
  });
});

test("a citizen's history is one chain: its events in seq order are exactly its shard's links", async () => {
  await appendFor(pool, alice, 3);
  await appendFor(pool, bob, 2);
  await appendFor(pool, alice, 2);
  const { rows } = await pool.query<{ prev_hash: string; hash: string }>(
    'SELECT prev_hash, hash FROM audit.events WHERE citizen_ref = $1 ORDER BY seq',
    [alice],
  );
  expect(rows).toHaveLength(5);
  rows.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(rows[i]!.hash));
});
