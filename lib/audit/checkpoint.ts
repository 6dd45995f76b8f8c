import { CompactSign, compactVerify, type CryptoKey, type JWK, type KeyObject } from 'jose';
import type { Pool, PoolClient } from '../db/database.ts';
import { importFirstKey, type Jwks } from '../keys.ts';

/**
 * Signed checkpoints: from time to time the broker signs the chain head (seq, hash)
 * with its key. A third party holding the broker's public JWKS can then check that
 * the chain up to that point is the one the platform had — and a deleted tail or a
 * rewritten chain (hashes recomputed by someone without the key) no longer matches.
 */
export interface Checkpoint {
  seq: number;
  hash: string;
  signedAt: Date;
  jws: string;
  /** false when that head was already signed (the stored checkpoint is returned). */
  created: boolean;
}

export interface SigningKey { privateKey: CryptoKey | KeyObject; kid: string }

/** The key checkpoints are signed with: the broker's first ES256 key, the one signing its tokens now (auth/keys.ts). */
export async function checkpointKey(brokerKeys: Jwks): Promise<SigningKey> {
  const { key, kid } = await importFirstKey(brokerKeys, 'ES256');
  return { privateKey: key, kid };
}

/** Signs the committed chain head (on `db`: a pool, or a client inside a transaction); null when the chain is empty. */
export async function createCheckpoint(db: Pool | PoolClient, key: SigningKey): Promise<Checkpoint | null> {
  const { rows } = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id = 1');
  const { seq, hash } = rows[0]!;
  if (seq === 0) return null;
  const signedAt = new Date();
  const payload = new TextEncoder().encode(JSON.stringify({ seq, hash, iat: Math.floor(signedAt.getTime() / 1000) }));
  const jws = await new CompactSign(payload).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'passerelle-audit-checkpoint+jws' }).sign(key.privateKey);
  const inserted = await db.query('INSERT INTO audit.checkpoints (seq, hash, signed_at, jws) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING', [seq, hash, signedAt, jws]);
  if (inserted.rowCount) return { seq, hash, signedAt, jws, created: true };
  const existing = await db.query<{ signed_at: Date; jws: string }>('SELECT signed_at, jws FROM audit.checkpoints WHERE seq = $1', [seq]);
  return { seq, hash, signedAt: existing.rows[0]!.signed_at, jws: existing.rows[0]!.jws, created: false };
}

/** Checks a checkpoint's signature against public keys; returns the signed (seq, hash). */
export async function verifyCheckpointSignature(jws: string, publicKeys: readonly JWK[]): Promise<{ seq: number; hash: string } | null> {
  for (const jwk of publicKeys) {
    try {
      const { payload, protectedHeader } = await compactVerify(jws, jwk, { algorithms: ['ES256'] });
      if (protectedHeader.kid !== undefined && jwk.kid !== undefined && protectedHeader.kid !== jwk.kid) continue;
      const signed = JSON.parse(new TextDecoder().decode(payload)) as { seq: number; hash: string };
      return { seq: signed.seq, hash: signed.hash };
    } catch {
      // try the next key
    }
  }
  return null;
}
