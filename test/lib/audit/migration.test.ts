import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompactSign } from 'jose';
import { migrate } from '../../../lib/db/migrate.ts';
import type { Pool } from '../../../lib/db/database.ts';
import {
  appendEvents,
  createCheckpoint,
  DEFAULT_SHARD_COUNT,
  migrateAudit,
  purgeBefore,
  verifyChain,
  type AuditEvent,
} from '../../../lib/audit/index.ts';
import { toAppendInput } from '../../../lib/audit/append.ts';
import { inTransaction } from '../../../lib/db/database.ts';
import { auditFixture, tamper, type AuditFixture } from '../../helpers/audit-trail.ts';

/**
 * A database of the single-chain trail (migrations 001–003: one head, one anchor,
 * checkpoints of {seq, hash}), with a purge already done, upgraded to shards (004): the
 * old chain is shard 0 as it was, its checkpoints still verify, new events continue it
 * or go to the new shards, and tampering with the old part is still caught.
 */
let fixture: AuditFixture;
let pool: Pool;
/** The legacy checkpoints' (seq, hash), and the legacy head. */
const legacy: { checkpoints: Array<{ seq: number; hash: string }>; head?: { seq: number; hash: string } } = {
  checkpoints: [],
};

const MIGRATIONS = new URL('../../../lib/audit/migrations/', import.meta.url);

beforeAll(async () => {
  // A fresh database with the single-chain schema only.
  fixture = await auditFixture({ migrate: false });
  pool = fixture.pool;
  const dir = mkdtempSync(join(tmpdir(), 'audit-single-chain-'));
  try {
    for (const file of readdirSync(fileURLToPath(MIGRATIONS)).filter((f) => /^00[1-3]_/.test(f)))
      copyFileSync(join(fileURLToPath(MIGRATIONS), file), join(dir, file));
    await migrate(pool, 'audit', dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
  await pool.query('SELECT audit.ensure_partitions(3)');

  // As the single-chain code appended and signed.
  const append = (events: AuditEvent[]) =>
    pool.query(`SELECT idx, event_seq, event_hash FROM audit.append($1::jsonb)`, [
      JSON.stringify(events.map((e) => toAppendInput(e))),
    ]);
  const signHead = async () => {
    const {
      rows: [head],
    } = await pool.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id = 1');
    const jws = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ seq: head!.seq, hash: head!.hash, iat: 1_600_000_000 })),
    )
      .setProtectedHeader({ alg: 'ES256', kid: fixture.key.kid, typ: 'passerelle-audit-checkpoint+jws' })
      .sign(fixture.key.privateKey);
    await pool.query('INSERT INTO audit.checkpoints (seq, hash, signed_at, jws) VALUES ($1, $2, now(), $3)', [
      head!.seq,
      head!.hash,
      jws,
    ]);
    legacy.checkpoints.push(head!);
  };
  const at = (iso: string) => new Date(iso);
  await append(
    Array.from({ length: 5 }, (_, i) => ({
      kind: 'broker.sign_in',
      citizenRef: `old-${i}`,
      occurredAt: at('2020-03-01T10:00:00Z'),
      data: { i },
    })),
  );
  await signHead();
  await append(
    Array.from({ length: 5 }, (_, i) => ({
      kind: 'gateway.exchange',
      citizenRef: `old-${i}`,
      occurredAt: at('2021-03-01T10:00:00Z'),
      data: { i },
    })),
  );
  await signHead();
  await append([
    { kind: 'gateway.exchange', citizenRef: 'old-0', data: {} },
    { kind: 'broker.consent_given', citizenRef: 'old-1', data: {} },
  ]);
  // The single-chain retention purge, up to the first checkpoint.
  await inTransaction(pool, async (client) => {
    await client.query("SELECT set_config('passerelle.audit_purge', 'on', true)");
    await client.query('DELETE FROM audit.events WHERE seq <= $1', [legacy.checkpoints[0]!.seq]);
    await client.query('UPDATE audit.chain_anchor SET seq = $1, hash = $2 WHERE id = 1', [
      legacy.checkpoints[0]!.seq,
      legacy.checkpoints[0]!.hash,
    ]);
  });
  legacy.head = (
    await pool.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id = 1')
  ).rows[0];
});
afterAll(() => fixture.db.drop());

test('the single chain becomes shard 0 as it was, its anchor and signed checkpoints with it', async () => {
  expect(await migrateAudit(pool)).toEqual({ shardsBefore: 1, shards: DEFAULT_SHARD_COUNT });
  const { rows: shards } = await pool.query(
    'SELECT shard, head_seq, head_hash, anchor_seq, anchor_hash FROM audit.shards ORDER BY shard',
  );
  expect(shards[0]).toEqual({
    shard: 0,
    head_seq: 12,
    head_hash: legacy.head!.hash,
    anchor_seq: 5,
    anchor_hash: legacy.checkpoints[0]!.hash,
  });
  expect(shards.slice(1).every((s) => s.head_seq === 0 && s.anchor_seq === 0)).toBe(true);
  expect(shards).toHaveLength(DEFAULT_SHARD_COUNT);
  const { rows: checkpoints } = await pool.query(
    'SELECT c.id, c.root, h.shard, h.seq, h.hash FROM audit.checkpoints c JOIN audit.checkpoint_heads h ON h.checkpoint_id = c.id ORDER BY c.id',
  );
  expect(checkpoints).toEqual(
    legacy.checkpoints.map((c, i) => ({ id: i + 1, root: null, shard: 0, seq: c.seq, hash: c.hash })),
  );
  const result = await verifyChain(pool, fixture.publicKeys);
  expect(result).toMatchObject({ ok: true, events: 7, checkpoints: 2 });
  expect(result.shards[0]).toEqual({ shard: 0, events: 7, headSeq: 12 });
  // Migrating again changes nothing.
  expect(await migrateAudit(pool)).toEqual({ shardsBefore: DEFAULT_SHARD_COUNT, shards: DEFAULT_SHARD_COUNT });
});

test('new events continue the old chain in shard 0 or start the other shards; seq goes on from the old head', async () => {
  const recorded = await inTransaction(pool, (c) =>
    appendEvents(
      c,
      Array.from({ length: 40 }, (_, i) => ({ kind: 'gateway.exchange', citizenRef: `new-${i}`, data: {} })),
    ),
  );
  expect(Math.min(...recorded.map((r) => r.seq))).toBe(13);
  const firstInZero = recorded.filter((r) => r.shard === 0).sort((a, b) => a.seq - b.seq)[0]!;
  const {
    rows: [row],
  } = await pool.query('SELECT prev_hash FROM audit.events WHERE seq = $1', [firstInZero.seq]);
  expect(row.prev_hash).toBe(legacy.head!.hash);
  const checkpoint = await createCheckpoint(pool, fixture.key);
  expect(checkpoint!.heads).toHaveLength(DEFAULT_SHARD_COUNT);
  expect(await verifyChain(pool, fixture.publicKeys)).toMatchObject({ ok: true, events: 47, checkpoints: 3 });
});

test('tampering with the old part of the chain is still caught, against the old checkpoints too', async () => {
  const {
    rows: [original],
  } = await pool.query('SELECT data FROM audit.events WHERE seq = 7');
  await tamper(pool, `UPDATE audit.events SET data = '{"i": 99}' WHERE seq = 7`);
  expect((await verifyChain(pool, fixture.publicKeys)).firstBroken).toEqual({
    shard: 0,
    seq: 7,
    reason: expect.stringMatching(/altered/),
  });
  await tamper(pool, 'UPDATE audit.events SET data = $1 WHERE seq = 7', [original.data]);
  await tamper(pool, "UPDATE audit.checkpoint_heads SET hash = repeat('e', 64) WHERE checkpoint_id = 2");
  expect((await verifyChain(pool, fixture.publicKeys)).firstBroken).toEqual({
    checkpoint: 2,
    reason: expect.stringMatching(/stored head is not the one it signs/),
  });
  await tamper(pool, 'UPDATE audit.checkpoint_heads SET hash = $1 WHERE checkpoint_id = 2', [
    legacy.checkpoints[1]!.hash,
  ]);
  expect(await verifyChain(pool, fixture.publicKeys)).toMatchObject({ ok: true });
});

test("the retention purge moves shard 0's anchor to an old checkpoint", async () => {
  const result = await purgeBefore(pool, new Date('2022-01-01T00:00:00Z'));
  expect(result.shards.filter((s) => s.removed)).toEqual([
    { shard: 0, removed: 5, anchorSeq: legacy.checkpoints[1]!.seq },
  ]);
  expect(await verifyChain(pool, fixture.publicKeys)).toMatchObject({ ok: true, events: 42 });
});
