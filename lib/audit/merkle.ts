import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * One signed checkpoint covers every shard's head through a Merkle tree (RFC 6962,
 * section 2.1, the Certificate Transparency tree): leaves are the heads in shard order,
 *
 *   leaf(head)  = SHA-256( 0x00 || JCS({ hash, seq, shard }) )
 *   node(l, r)  = SHA-256( 0x01 || l || r )
 *
 * an n-leaf tree splitting at the largest power of two below n. The root changes if any
 * head changes, is dropped, added or moved to another shard number. (The RFC's audit
 * paths would prove one shard's head against the root with log2(n) hashes: the way to
 * check a shard kept apart from the others, docs/audit-scaling.md.)
 */
export interface ShardHead {
  shard: number;
  seq: number;
  hash: string;
}

export function leafHash(head: ShardHead): Buffer {
  const body = canonicalize({ hash: head.hash, seq: head.seq, shard: head.shard }) ?? '';
  return createHash('sha256').update(Buffer.of(0)).update(body).digest();
}

/** The hex Merkle root of `heads` (any order: they are sorted by shard). */
export function merkleRoot(heads: readonly ShardHead[]): string {
  const leaves = [...heads].sort((a, b) => a.shard - b.shard).map(leafHash);
  return treeHash(leaves).toString('hex');
}

function treeHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0]!;
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return createHash('sha256')
    .update(Buffer.of(1))
    .update(treeHash(leaves.slice(0, split)))
    .update(treeHash(leaves.slice(split)))
    .digest();
}
