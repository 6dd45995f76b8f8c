import type { JWK } from 'jose';
import type { Pool } from '../db/database.ts';
import { linkHash } from './chain.ts';
import { verifyCheckpointSignature } from './checkpoint.ts';

/**
 * Walks the whole chain from its anchor, in seq order, recomputing each link, then
 * checks the head and every signed checkpoint. Stops at the first broken link and
 * says where and why.
 */
export interface Verification {
  ok: boolean;
  /** Events checked. */
  events: number;
  checkpoints: number;
  firstBroken?: { seq: number; reason: string };
}

const PAGE = 5000;

export async function verifyChain(pool: Pool, publicKeys: readonly JWK[]): Promise<Verification> {
  const anchor = (await pool.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_anchor WHERE id = 1')).rows[0]!;
  let prevSeq = anchor.seq;
  let prevHash = anchor.hash;
  let events = 0;
  const hashes = new Map<number, string>(); // seq -> hash, for checkpoint checks
  const broken = (seq: number, reason: string): Verification => ({ ok: false, events, checkpoints: 0, firstBroken: { seq, reason } });

  const checkpoints = (await pool.query<{ seq: number; hash: string; jws: string }>('SELECT seq, hash, jws FROM audit.checkpoints ORDER BY seq')).rows;
  const wanted = new Set(checkpoints.map((c) => c.seq));
  if (anchor.seq > 0) {
    // After a purge, the chain starts from a signed checkpoint: the anchor must be one.
    const signedAnchor = checkpoints.find((c) => c.seq === anchor.seq);
    const signed = signedAnchor && await verifyCheckpointSignature(signedAnchor.jws, publicKeys);
    if (!signed || signed.seq !== anchor.seq || signed.hash !== anchor.hash) {
      return broken(anchor.seq, 'the chain anchor (start after a purge) is not a validly signed checkpoint');
    }
  }

  for (;;) {
    const { rows } = await pool.query<{ seq: number; occurred_at: Date; kind: string; citizen_ref: string | null; client_id: string | null; data: Record<string, never>; prev_hash: string; hash: string }>(
      'SELECT seq, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash FROM audit.events WHERE seq > $1 ORDER BY seq LIMIT $2',
      [prevSeq, PAGE]);
    if (!rows.length) break;
    for (const row of rows) {
      if (row.seq !== prevSeq + 1) return broken(prevSeq + 1, `event ${prevSeq + 1} is missing (next is ${row.seq}): deleted`);
      if (row.prev_hash !== prevHash) return broken(row.seq, 'its previous-hash does not match the event before it: events inserted, deleted or reordered');
      const expected = linkHash(prevHash, { seq: row.seq, occurredAt: row.occurred_at, kind: row.kind, citizenRef: row.citizen_ref, clientId: row.client_id, data: row.data });
      if (row.hash !== expected) return broken(row.seq, 'its content does not match its hash: altered');
      if (wanted.has(row.seq)) hashes.set(row.seq, row.hash);
      prevSeq = row.seq;
      prevHash = row.hash;
      events++;
    }
  }

  const head = (await pool.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id = 1')).rows[0]!;
  if (head.seq !== prevSeq || head.hash !== prevHash) {
    return broken(prevSeq + 1, `the chain ends at ${prevSeq} but its head says ${head.seq}: events at the end were deleted`);
  }
  for (const checkpoint of checkpoints) {
    const signed = await verifyCheckpointSignature(checkpoint.jws, publicKeys);
    if (!signed || signed.seq !== checkpoint.seq || signed.hash !== checkpoint.hash) {
      return broken(checkpoint.seq, 'a checkpoint signature is invalid or does not match its row');
    }
    if (checkpoint.seq <= anchor.seq) continue;
    const actual = hashes.get(checkpoint.seq);
    if (actual === undefined) return broken(checkpoint.seq, `a signed checkpoint covers event ${checkpoint.seq}, which is missing: deleted`);
    if (actual !== checkpoint.hash) return broken(checkpoint.seq, 'the chain differs from the signed checkpoint: rewritten');
  }
  return { ok: true, events, checkpoints: checkpoints.length };
}
