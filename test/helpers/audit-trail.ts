import { exportJWK, generateKeyPair, type JWK } from 'jose';
import {
  appendEvents,
  DEFAULT_SHARD_COUNT,
  migrateAudit,
  shardOf,
  type RecordedEvent,
  type SigningKey,
} from '../../lib/audit/index.ts';
import { GENESIS_HASH, linkHash, type Json } from '../../lib/audit/chain.ts';
import { inTransaction, type Pool } from '../../lib/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';

/** The audit trail on a test database of its own, with a signing key and its public half. */
export interface AuditFixture {
  db: TestDatabase;
  pool: Pool;
  key: SigningKey;
  publicKeys: JWK[];
}

export async function auditFixture({ migrate = true } = {}): Promise<AuditFixture> {
  const db = await createTestDatabase();
  const pool = db.pool();
  if (migrate) await migrateAudit(pool);
  const pair = await generateKeyPair('ES256');
  return {
    db,
    pool,
    key: { privateKey: pair.privateKey, kid: 'broker-1' },
    publicKeys: [{ ...(await exportJWK(pair.publicKey)), kid: 'broker-1' }],
  };
}

/** Runs `sql` as someone with full database rights would: bypassing the append-only triggers. */
export async function tamper(pool: Pool, sql: string, params: unknown[] = []): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(sql, params);
  });
}

/** An empty trail of `DEFAULT_SHARD_COUNT` shards. */
export async function resetAudit(pool: Pool): Promise<void> {
  await tamper(pool, 'DELETE FROM audit.events');
  await tamper(pool, 'DELETE FROM audit.checkpoint_heads');
  await tamper(pool, 'DELETE FROM audit.checkpoints');
  await pool.query('DELETE FROM audit.shards WHERE shard >= $1', [DEFAULT_SHARD_COUNT]);
  await pool.query(
    "UPDATE audit.shards SET head_seq = 0, head_hash = repeat('0', 64), anchor_seq = 0, anchor_hash = repeat('0', 64)",
  );
  await pool.query('SELECT audit.set_shard_count($1)', [DEFAULT_SHARD_COUNT]);
}

/** `n` events of `citizenRef`, in one transaction (so in its shard). */
export function appendFor(pool: Pool, citizenRef: string, n: number, occurredAt?: Date): Promise<RecordedEvent[]> {
  return inTransaction(pool, (client) =>
    appendEvents(
      client,
      Array.from({ length: n }, (_, i) => ({
        kind: 'exchange',
        citizenRef,
        clientId: 'parking-nimes',
        data: { fields: ['Citizen.taxAddress'], outcome: 'ok', i },
        ...(occurredAt ? { occurredAt } : {}),
      })),
    ),
  );
}

/** Two citizens whose events go to two different shards (of the default count). */
export function citizensOfTwoShards(): [string, string] {
  const first = 'citizen-a';
  let other = 1;
  while (shardOf(`citizen-b${other}`, DEFAULT_SHARD_COUNT) === shardOf(first, DEFAULT_SHARD_COUNT)) other++;
  return [first, `citizen-b${other}`];
}

interface StoredEvent {
  seq: number;
  occurred_at: Date;
  kind: string;
  citizen_ref: string | null;
  client_id: string | null;
  data: { [key: string]: Json };
}

/**
 * What someone with database access but not the broker's key can do at most: rewrite a
 * shard's whole chain after `edit`ing its events (kept in seq order), every hash
 * recomputed, the head moved to match. Returns the new head.
 */
export async function rewriteShard(
  pool: Pool,
  shard: number,
  edit: (events: StoredEvent[]) => StoredEvent[],
): Promise<{ seq: number; hash: string }> {
  const { rows } = await pool.query<StoredEvent>(
    'SELECT seq, occurred_at, kind, citizen_ref, client_id, data FROM audit.events WHERE shard = $1 ORDER BY seq',
    [shard],
  );
  const edited = edit(rows).sort((a, b) => a.seq - b.seq);
  await tamper(pool, 'DELETE FROM audit.events WHERE shard = $1', [shard]);
  let prev = GENESIS_HASH;
  let seq = 0;
  for (const row of edited) {
    const hash = linkHash(prev, {
      seq: row.seq,
      occurredAt: row.occurred_at,
      kind: row.kind,
      citizenRef: row.citizen_ref,
      clientId: row.client_id,
      data: row.data,
    });
    await tamper(
      pool,
      `INSERT INTO audit.events (seq, shard, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [row.seq, shard, row.occurred_at, row.kind, row.citizen_ref, row.client_id, row.data, prev, hash],
    );
    prev = hash;
    seq = row.seq;
  }
  await pool.query('UPDATE audit.shards SET head_seq = $2, head_hash = $3 WHERE shard = $1', [shard, seq, prev]);
  return { seq, hash: prev };
}
