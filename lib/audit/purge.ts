import { inTransaction, type Pool } from '../db/database.ts';

/**
 * Retention: removes the events recorded before `cutoff`, but only up to the latest
 * signed checkpoint they reach, and moves the chain anchor to that checkpoint, so the
 * remaining chain still verifies from a signed starting point. Returns what was removed.
 * `passerelle audit purge` runs it with `audit.retentionDays`; a monthly partition it
 * empties can then be dropped.
 */
export async function purgeBefore(pool: Pool, cutoff: Date): Promise<{ removed: number; anchorSeq: number }> {
  return inTransaction(pool, async (client) => {
    // Same lock as appenders: nothing is appended while the anchor moves.
    await client.query('SELECT 1 FROM audit.chain_head WHERE id = 1 FOR UPDATE');
    const { rows } = await client.query<{ seq: number; hash: string }>(
      `SELECT c.seq, c.hash FROM audit.checkpoints c
        WHERE c.seq <= (SELECT coalesce(max(seq), 0) FROM audit.events WHERE occurred_at < $1)
          AND c.seq > (SELECT seq FROM audit.chain_anchor WHERE id = 1)
        ORDER BY c.seq DESC LIMIT 1`, [cutoff]);
    const anchor = rows[0];
    if (!anchor) return { removed: 0, anchorSeq: (await client.query<{ seq: number }>('SELECT seq FROM audit.chain_anchor')).rows[0]!.seq };
    await client.query("SELECT set_config('passerelle.audit_purge', 'on', true)");
    const removed = await client.query('DELETE FROM audit.events WHERE seq <= $1', [anchor.seq]);
    await client.query('UPDATE audit.chain_anchor SET seq = $1, hash = $2 WHERE id = 1', [anchor.seq, anchor.hash]);
    return { removed: removed.rowCount ?? 0, anchorSeq: anchor.seq };
  });
}
