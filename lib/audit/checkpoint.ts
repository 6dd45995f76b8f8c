import { CompactSign, compactVerify, type CryptoKey, type JWK, type KeyObject } from 'jose';
import type { Pool } from '../db/database.ts';

/**
 * Signed checkpoints: from time to time the broker signs the chain head (seq, hash)
 * with its key. A third party holding the broker's public JWKS can then check that
 * the chain up to that point is the one the platform had — and a deleted tail or a
 * rewritten chain (hashes recomputed by someone without the key) no longer matches.
 */
export interface Checkpoint { seq: number; hash: string; signedAt: Date; jws: string }

export async function createCheckpoint(pool: Pool, key: { privateKey: CryptoKey | KeyObject; kid: string }): Promise<Checkpoint | null> {
  const { rows } = await pool.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id = 1');
  const { seq, hash } = rows[0]!;
  if (seq === 0) return null;
  const signedAt = new Date();
  const payload = new TextEncoder().encode(JSON.stringify({ seq, hash, iat: Math.floor(signedAt.getTime() / 1000) }));
  const jws = await new CompactSign(payload).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'passerelle-audit-checkpoint+jws' }).sign(key.privateKey);
  await pool.query('INSERT INTO audit.checkpoints (seq, hash, signed_at, jws) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING', [seq, hash, signedAt, jws]);
  return { seq, hash, signedAt, jws };
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
