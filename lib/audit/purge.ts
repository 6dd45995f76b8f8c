import { inTransaction, type Pool } from '../db/database.ts';

/**
 * Retention, shard by shard: removes the events recorded before `cutoff`, but only up to
 * the latest signed checkpoint they reach in that shard, and moves the shard's anchor to
 * that checkpoint's head, so that what remains still verifies from a signed starting
 * point. Each shard is purged in its own transaction, under its head lock (its appenders
 * wait, the other shards' do not). `passerelle audit purge` runs it with
 * `audit.retentionDays`; a monthly partition it empties can then be dropped.
 */
export interface ShardPurge {
  shard: number;
  removed: number;
  anchorSeq: number;
}

export async function purgeBefore(pool: Pool, cutoff: Date): Promise<{ removed: number; shards: ShardPurge[] }> {
  const { rows } = await pool.query<{ shard: number }>('SELECT shard FROM audit.shards ORDER BY shard');
  const shards: ShardPurge[] = [];
  for (const { shard } of rows) shards.push(await purgeShard(pool, shard, cutoff));
  return { removed: shards.reduce((sum, s) => sum + s.removed, 0), shards };
}

async function purgeShard(pool: Pool, shard: number, cutoff: Date): Promise<ShardPurge> {
  return inTransaction(pool, async (client) => {
    // The appenders' lock: nothing is appended to this shard while its anchor moves.
    const {
      rows: [state],
    } = await client.query<{ anchor_seq: number }>('SELECT anchor_seq FROM audit.shards WHERE shard = $1 FOR UPDATE', [
      shard,
    ]);
    const {
      rows: [anchor],
    } = await client.query<{ seq: number; hash: string }>(
      `SELECT h.seq, h.hash FROM audit.checkpoint_heads h
        WHERE h.shard = $1 AND h.seq > $2
          AND h.seq <= (SELECT coalesce(max(seq), 0) FROM audit.events WHERE shard = $1 AND occurred_at < $3)
        ORDER BY h.seq DESC LIMIT 1`,
      [shard, state!.anchor_seq, cutoff],
    );
    if (!anchor) return { shard, removed: 0, anchorSeq: state!.anchor_seq };
    await client.query("SELECT set_config('passerelle.audit_purge', 'on', true)");
    const removed = await client.query('DELETE FROM audit.events WHERE shard = $1 AND seq <= $2', [shard, anchor.seq]);
    await client.query('UPDATE audit.shards SET anchor_seq = $2, anchor_hash = $3 WHERE shard = $1', [
      shard,
      anchor.seq,
      anchor.hash,
    ]);
    return { shard, removed: removed.rowCount ?? 0, anchorSeq: anchor.seq };
  });
}
