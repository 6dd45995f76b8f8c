import { CompactSign, compactVerify, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { inTransaction, type Pool, type PoolClient } from '../db/database.ts';
import { importFirstKey, type Jwks } from '../keys.ts';
import { merkleRoot, type ShardHead } from './merkle.ts';

/**
 * Signed checkpoints: from time to time the broker signs the heads of every shard at
 * once — the Merkle root over them (merkle.ts) — with its key. A third party holding the
 * broker's public JWKS can then check that each shard's chain up to that point is the one
 * the platform had — and a deleted tail or a rewritten chain (hashes recomputed by
 * someone without the key) no longer matches. The heads are stored beside the checkpoint
 * (`audit.checkpoint_heads`); the signature covers them through the root.
 */
export interface Checkpoint {
  id: number;
  root: string;
  /** Every shard's head, in shard order. */
  heads: ShardHead[];
  signedAt: Date;
  jws: string;
  /** false when those heads were already signed (the stored checkpoint is returned). */
  created: boolean;
}

export interface SigningKey {
  privateKey: CryptoKey | KeyObject;
  kid: string;
}

/**
 * What a checkpoint's JWS signs: the root over `shards` heads; or, for a checkpoint
 * signed before the chain had shards, the head of that one chain (now shard 0).
 */
export type SignedCheckpoint = { root: string; shards: number } | { seq: number; hash: string };

/** The key checkpoints are signed with: the broker's first ES256 key, the one signing its tokens now (auth/keys.ts). */
export async function checkpointKey(brokerKeys: Jwks): Promise<SigningKey> {
  const { key, kid } = await importFirstKey(brokerKeys, 'ES256');
  return { privateKey: key, kid };
}

/** The committed heads of every shard, in shard order (one statement: one consistent view). */
export async function currentHeads(db: Pool | PoolClient): Promise<ShardHead[]> {
  const { rows } = await db.query<ShardHead>(
    'SELECT shard, head_seq AS seq, head_hash AS hash FROM audit.shards ORDER BY shard',
  );
  return rows;
}

/** Signs the committed heads of every shard; null when every shard is empty. */
export async function createCheckpoint(pool: Pool, key: SigningKey): Promise<Checkpoint | null> {
  return inTransaction(pool, (client) => signHeads(client, key));
}

/** `createCheckpoint` inside the caller's transaction. */
export async function signHeads(client: PoolClient, key: SigningKey): Promise<Checkpoint | null> {
  const heads = await currentHeads(client);
  if (heads.every((head) => head.seq === 0)) return null;
  const root = merkleRoot(heads);
  const signedAt = new Date();
  const payload = new TextEncoder().encode(
    JSON.stringify({ root, shards: heads.length, iat: Math.floor(signedAt.getTime() / 1000) }),
  );
  const jws = await new CompactSign(payload)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'passerelle-audit-checkpoint+jws' })
    .sign(key.privateKey);
  const inserted = await client.query<{ id: number }>(
    'INSERT INTO audit.checkpoints (root, signed_at, jws) VALUES ($1, $2, $3) ON CONFLICT (root) DO NOTHING RETURNING id',
    [root, signedAt, jws],
  );
  if (inserted.rows[0]) {
    const id = inserted.rows[0].id;
    await client.query(
      'INSERT INTO audit.checkpoint_heads (checkpoint_id, shard, seq, hash) SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::text[])',
      [id, heads.map((h) => h.shard), heads.map((h) => h.seq), heads.map((h) => h.hash)],
    );
    return { id, root, heads, signedAt, jws, created: true };
  }
  const existing = await client.query<{ id: number; signed_at: Date; jws: string }>(
    'SELECT id, signed_at, jws FROM audit.checkpoints WHERE root = $1',
    [root],
  );
  const { id, signed_at: signedAtBefore, jws: jwsBefore } = existing.rows[0]!;
  return { id, root, heads, signedAt: signedAtBefore, jws: jwsBefore, created: false };
}

/** Checks a checkpoint's signature against public keys; returns what it signs, or null. */
export async function verifyCheckpointSignature(
  jws: string,
  publicKeys: readonly JWK[],
): Promise<SignedCheckpoint | null> {
  for (const jwk of publicKeys) {
    try {
      const { payload, protectedHeader } = await compactVerify(jws, jwk, { algorithms: ['ES256'] });
      if (protectedHeader.kid !== undefined && jwk.kid !== undefined && protectedHeader.kid !== jwk.kid) continue;
      const signed = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      if (typeof signed.root === 'string' && typeof signed.shards === 'number')
        return { root: signed.root, shards: signed.shards };
      if (typeof signed.seq === 'number' && typeof signed.hash === 'string')
        return { seq: signed.seq, hash: signed.hash };
      return null;
    } catch {
      // try the next key
    }
  }
  return null;
}
