import type { Pool } from '../db/database.ts';
import { linkHash, type Json } from './chain.ts';
import type { Broken, SignedHead } from './verify-checkpoints.ts';

/**
 * The second half of `audit verify`, for one shard: walks its chain from its anchor in seq
 * order, recomputing each link, then checks its head and the heads valid checkpoints
 * signed for it. Stops at the shard's first broken link and says where and why. Reads in
 * one REPEATABLE READ transaction: the head, the anchor and the events are one consistent
 * view while appenders go on.
 */
export interface ShardVerification {
  shard: number;
  /** Events checked. */
  events: number;
  /** Its head's seq (0: empty since its anchor). */
  headSeq: number;
  broken?: Broken;
}

interface EventRow {
  seq: number;
  occurred_at: Date;
  kind: string;
  citizen_ref: string | null;
  client_id: string | null;
  data: { [key: string]: Json };
  prev_hash: string;
  hash: string;
}

const PAGE = 5000;

export async function verifyShard(
  pool: Pool,
  shard: number,
  signed: readonly SignedHead[],
): Promise<ShardVerification> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const {
      rows: [state],
    } = await client.query<{ head_seq: number; head_hash: string; anchor_seq: number; anchor_hash: string }>(
      'SELECT head_seq, head_hash, anchor_seq, anchor_hash FROM audit.shards WHERE shard = $1',
      [shard],
    );
    let events = 0;
    const result = (broken?: { seq: number; reason: string }): ShardVerification => ({
      shard,
      events,
      headSeq: state!.head_seq,
      ...(broken ? { broken: { shard, ...broken } } : {}),
    });

    // After a purge, the chain starts from a signed checkpoint: the anchor must be one of its heads.
    if (state!.anchor_seq > 0 && !signed.some((h) => h.seq === state!.anchor_seq && h.hash === state!.anchor_hash)) {
      return result({
        seq: state!.anchor_seq,
        reason: 'the anchor of the shard (its start after a purge) is not a head a valid checkpoint signed',
      });
    }
    const wanted = new Map<number, SignedHead[]>();
    for (const head of signed) {
      if (head.seq > state!.anchor_seq) wanted.set(head.seq, [...(wanted.get(head.seq) ?? []), head]);
    }
    const seen = new Map<number, string>();

    let prevSeq = state!.anchor_seq;
    let prevHash = state!.anchor_hash;
    let after = -1;
    for (;;) {
      const { rows } = await client.query<EventRow>(
        `SELECT seq, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash FROM audit.events
          WHERE shard = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [shard, after, PAGE],
      );
      if (!rows.length) break;
      for (const row of rows) {
        if (row.seq <= state!.anchor_seq)
          return result({
            seq: row.seq,
            reason: "it lies before the shard's anchor, where everything was purged: inserted",
          });
        if (row.prev_hash !== prevHash) {
          return result({
            seq: row.seq,
            reason: `its previous-hash is not the hash of the event before it in the shard (${prevSeq}): events deleted, inserted or reordered`,
          });
        }
        const expected = linkHash(prevHash, {
          seq: row.seq,
          occurredAt: row.occurred_at,
          kind: row.kind,
          citizenRef: row.citizen_ref,
          clientId: row.client_id,
          data: row.data,
        });
        if (row.hash !== expected)
          return result({ seq: row.seq, reason: 'its content does not match its hash: altered' });
        if (wanted.has(row.seq)) seen.set(row.seq, row.hash);
        prevSeq = row.seq;
        prevHash = row.hash;
        events++;
      }
      after = rows.at(-1)!.seq;
    }

    if (state!.head_seq !== prevSeq || state!.head_hash !== prevHash) {
      return result(
        state!.head_seq > prevSeq
          ? {
              seq: state!.head_seq,
              reason: `the shard's chain ends at event ${prevSeq} but its head says ${state!.head_seq}: events at the end were deleted`,
            }
          : {
              seq: prevSeq,
              reason: `the shard's chain goes on after its head (event ${state!.head_seq}): events appended without moving the head, or the head moved back`,
            },
      );
    }
    for (const [seq, heads] of wanted) {
      const actual = seen.get(seq);
      if (actual === undefined)
        return result({
          seq,
          reason: `checkpoint ${heads[0]!.checkpoint} signed event ${seq} as the shard's head, and it is missing: deleted`,
        });
      const differing = heads.find((h) => h.hash !== actual);
      if (differing)
        return result({
          seq,
          reason: `the chain differs from what checkpoint ${differing.checkpoint} signed: rewritten`,
        });
    }
    return result();
  } finally {
    await client.query('COMMIT').catch(() => {});
    client.release();
  }
}
