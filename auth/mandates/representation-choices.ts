import { randomBytes } from 'node:crypto';
import type { Pool } from '../../lib/db/database.ts';
import { storedHash } from '../stored-hash.ts';

/**
 * The answer to "For whom are you doing this procedure?" of one interaction
 * (auth/migrations/006_representation_choices.sql), protected like the consent form
 * (auth/interactions/consent-forms.ts): each rendering gets a fresh one-time token (only
 * its hash is kept), the first answer with the latest token wins, atomically, before the
 * interaction expires. `mandateId` null means "for myself".
 */
export type TakeChoice = 'ok' | 'chosen' | 'invalid';

export interface RepresentationChoices {
  /** The token of a new rendering of the page; undefined once the question was answered. */
  issue(interactionUid: string, ttlSeconds: number): Promise<string | undefined>;
  /** Records the answer if `token` is this interaction's live, unanswered one. */
  take(interactionUid: string, token: string, mandateId: string | null): Promise<TakeChoice>;
  /** The answer given, or undefined while there is none. */
  chosen(interactionUid: string): Promise<{ mandateId: string | null } | undefined>;
}

export function createRepresentationChoices(pool: Pool): RepresentationChoices {
  const chosen = async (interactionUid: string) => {
    const { rows } = await pool.query<{ mandate_id: string | null }>(
      'SELECT mandate_id FROM auth.representation_choices WHERE interaction_uid = $1 AND chosen_at IS NOT NULL',
      [interactionUid],
    );
    return rows[0] ? { mandateId: rows[0].mandate_id } : undefined;
  };
  return {
    async issue(interactionUid, ttlSeconds) {
      const token = randomBytes(32).toString('base64url');
      const { rowCount } = await pool.query(
        `INSERT INTO auth.representation_choices (interaction_uid, token_hash, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3::float8))
         ON CONFLICT (interaction_uid) DO UPDATE SET token_hash = EXCLUDED.token_hash, expires_at = EXCLUDED.expires_at
         WHERE auth.representation_choices.chosen_at IS NULL`,
        [interactionUid, storedHash(token), ttlSeconds],
      );
      return rowCount ? token : undefined;
    },
    async take(interactionUid, token, mandateId) {
      const { rowCount } = await pool.query(
        `UPDATE auth.representation_choices SET chosen_at = now(), mandate_id = $3
         WHERE interaction_uid = $1 AND token_hash = $2 AND chosen_at IS NULL AND expires_at > now()`,
        [interactionUid, storedHash(token), mandateId],
      );
      if (rowCount) return 'ok';
      return (await chosen(interactionUid)) ? 'chosen' : 'invalid';
    },
    chosen,
  };
}
