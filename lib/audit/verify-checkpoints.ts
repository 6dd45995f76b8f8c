import type { JWK } from 'jose';
import type { Pool } from '../db/database.ts';
import { verifyCheckpointSignature } from './checkpoint.ts';
import { merkleRoot, type ShardHead } from './merkle.ts';

/**
 * The first half of `audit verify`: every signed checkpoint on its own — its signature
 * (the broker's public keys), the root stored beside it against the one signed, and the
 * shard heads stored beside it against that root. What passes becomes, per shard, the
 * heads its chain must contain (verify-shard.ts).
 */
export interface Broken {
  /** The shard whose chain breaks (none for a problem of a checkpoint itself). */
  shard?: number;
  /** The event where it breaks. */
  seq?: number;
  /** The checkpoint concerned. */
  checkpoint?: number;
  reason: string;
}

/** A head of a shard that a valid checkpoint signed. */
export interface SignedHead {
  checkpoint: number;
  seq: number;
  hash: string;
}

export interface CheckpointCheck {
  count: number;
  /** Per shard, the heads valid checkpoints signed for it. */
  signed: Map<number, SignedHead[]>;
  broken: Broken[];
}

interface CheckpointRow {
  id: number;
  root: string | null;
  jws: string;
  heads: ShardHead[];
}

export async function checkCheckpoints(pool: Pool, publicKeys: readonly JWK[]): Promise<CheckpointCheck> {
  const { rows } = await pool.query<CheckpointRow>(
    `SELECT c.id, c.root, c.jws,
            coalesce(json_agg(json_build_object('shard', h.shard, 'seq', h.seq, 'hash', h.hash) ORDER BY h.shard)
                     FILTER (WHERE h.shard IS NOT NULL), '[]') AS heads
       FROM audit.checkpoints c LEFT JOIN audit.checkpoint_heads h ON h.checkpoint_id = c.id
      GROUP BY c.id ORDER BY c.id`,
  );
  const signed = new Map<number, SignedHead[]>();
  const broken: Broken[] = [];
  for (const row of rows) {
    const problem = await checkpointProblem(row, publicKeys);
    if (problem) {
      broken.push({ checkpoint: row.id, reason: problem });
      continue;
    }
    for (const head of row.heads) {
      if (!signed.has(head.shard)) signed.set(head.shard, []);
      signed.get(head.shard)!.push({ checkpoint: row.id, seq: head.seq, hash: head.hash });
    }
  }
  return { count: rows.length, signed, broken };
}

async function checkpointProblem(row: CheckpointRow, publicKeys: readonly JWK[]): Promise<string | undefined> {
  const signed = await verifyCheckpointSignature(row.jws, publicKeys);
  if (!signed) return "its signature is invalid (not the broker's key, or altered): forged";
  if ('root' in signed) {
    if (row.root !== signed.root) return 'the Merkle root stored beside it is not the one signed: forged';
    if (row.heads.length !== signed.shards)
      return `it signs the heads of ${signed.shards} shards, ${row.heads.length} are stored beside it: a shard head dropped or added`;
    if (merkleRoot(row.heads) !== signed.root)
      return 'the shard heads stored beside it do not give its signed Merkle root: a head altered or moved';
    return undefined;
  }
  // Signed before the chain had shards: the head of that one chain, now shard 0.
  const [head, ...more] = row.heads;
  if (
    row.root !== null ||
    more.length ||
    !head ||
    head.shard !== 0 ||
    head.seq !== signed.seq ||
    head.hash !== signed.hash
  ) {
    return 'its stored head is not the one it signs (a single-chain checkpoint covers shard 0 alone): forged';
  }
  return undefined;
}
