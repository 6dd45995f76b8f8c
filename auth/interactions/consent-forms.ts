import { randomBytes } from 'node:crypto';
import type { Pool } from '../../lib/db/database.ts';
import type { ConsentedOperation } from '../../lib/contracts/pivot-token.ts';
import { storedHash } from '../stored-hash.ts';

/**
 * The consent form's protection against forgery and replay: each rendering of the
 * consent page gets a fresh one-time token (only its hash is stored, with the
 * operations shown), bound to the interaction; a decision is accepted once, with the
 * latest token of that interaction, before the interaction expires. A new rendering
 * (reload) replaces the token. The check-and-mark is one statement, so two processes
 * receiving the same form cannot both accept it.
 */
export type Decision = 'allow' | 'refuse';

export type TakeResult = { ok: true; shown: ConsentedOperation[] } | { ok: false; reason: 'decided' | 'invalid' };

export interface ConsentForms {
  /** Stores what the page shows; returns the token to put in the form. */
  issue(interactionUid: string, shown: ConsentedOperation[], ttlSeconds: number): Promise<string>;
  /** Accepts the decision if `token` is this interaction's live, undecided one. */
  take(interactionUid: string, token: string, decision: Decision): Promise<TakeResult>;
  /** Whether the interaction's form was already answered. */
  decided(interactionUid: string): Promise<boolean>;
  /** What the interaction's live, undecided form shows, if any (checked before the decision is taken). */
  shown(interactionUid: string): Promise<ConsentedOperation[] | undefined>;
}

export function createConsentForms(pool: Pool): ConsentForms {
  return {
    async issue(interactionUid, shown, ttlSeconds) {
      const token = randomBytes(32).toString('base64url');
      const { rowCount } = await pool.query(
        `INSERT INTO auth.consent_forms (interaction_uid, token_hash, shown, expires_at)
         VALUES ($1, $2, $3::jsonb, now() + make_interval(secs => $4::float8))
         ON CONFLICT (interaction_uid) DO UPDATE SET token_hash = EXCLUDED.token_hash, shown = EXCLUDED.shown, expires_at = EXCLUDED.expires_at
         WHERE auth.consent_forms.decided_at IS NULL`,
        [interactionUid, storedHash(token), JSON.stringify(shown), ttlSeconds],
      );
      if (rowCount === 0) throw new ConsentAlreadyDecided();
      return token;
    },
    async take(interactionUid, token, decision) {
      const { rows } = await pool.query<{ shown: ConsentedOperation[] }>(
        `UPDATE auth.consent_forms SET decided_at = now(), decision = $3
         WHERE interaction_uid = $1 AND token_hash = $2 AND decided_at IS NULL AND expires_at > now()
         RETURNING shown`,
        [interactionUid, storedHash(token), decision],
      );
      if (rows[0]) return { ok: true, shown: rows[0].shown };
      return { ok: false, reason: (await this.decided(interactionUid)) ? 'decided' : 'invalid' };
    },
    async decided(interactionUid) {
      const { rows } = await pool.query(
        'SELECT 1 FROM auth.consent_forms WHERE interaction_uid = $1 AND decided_at IS NOT NULL',
        [interactionUid],
      );
      return rows.length > 0;
    },
    async shown(interactionUid) {
      const { rows } = await pool.query<{ shown: ConsentedOperation[] }>(
        `SELECT shown FROM auth.consent_forms WHERE interaction_uid = $1 AND decided_at IS NULL AND expires_at > now()`,
        [interactionUid],
      );
      return rows[0]?.shown;
    },
  };
}

/** Thrown by `issue` when the interaction's consent was already answered. */
export class ConsentAlreadyDecided extends Error {
  override name = 'ConsentAlreadyDecided';
}
