import { randomBytes } from 'node:crypto';
import type { PivotTokenCompany } from '../../lib/contracts/pivot-token.ts';
import type { Pool } from '../../lib/db/database.ts';
import type { CompanyOption } from '../companies/registry.ts';
import { storedHash } from '../stored-hash.ts';

/**
 * The answer to "For whom are you doing this procedure?" of one interaction
 * (auth/migrations/006_representation_choices.sql), protected like the consent form
 * (auth/interactions/consent-forms.ts): each rendering gets a fresh one-time token (only
 * its hash is kept), the first answer with the latest token wins, atomically, before the
 * interaction expires. `mandateId` null means "for myself". The "Pour quelle entreprise ?"
 * page (auth/interactions/company.ts) keeps its answers here too: the companies `offered`
 * with each rendering, the `company` chosen (auth/migrations/007_company_choices.sql).
 */
export type TakeChoice = 'ok' | 'chosen' | 'invalid';

export interface Choice {
  mandateId: string | null;
  company?: PivotTokenCompany | undefined;
}

export interface RepresentationChoices {
  /** The token of a new rendering of the page (which lists `offered`); undefined once the question was answered. */
  issue(interactionUid: string, ttlSeconds: number, offered?: CompanyOption[]): Promise<string | undefined>;
  /** What the latest rendering offered, while the question is open. */
  offered(interactionUid: string): Promise<CompanyOption[] | undefined>;
  /** Records the answer if `token` is this interaction's live, unanswered one. */
  take(interactionUid: string, token: string, choice: Choice): Promise<TakeChoice>;
  /** The answer given, or undefined while there is none. */
  chosen(interactionUid: string): Promise<Choice | undefined>;
}

export function createRepresentationChoices(pool: Pool): RepresentationChoices {
  const chosen = async (interactionUid: string) => {
    const { rows } = await pool.query<{ mandate_id: string | null; company: PivotTokenCompany | null }>(
      'SELECT mandate_id, company FROM auth.representation_choices WHERE interaction_uid = $1 AND chosen_at IS NOT NULL',
      [interactionUid],
    );
    const row = rows[0];
    return row ? { mandateId: row.mandate_id, ...(row.company ? { company: row.company } : {}) } : undefined;
  };
  return {
    async issue(interactionUid, ttlSeconds, offered) {
      const token = randomBytes(32).toString('base64url');
      const { rowCount } = await pool.query(
        `INSERT INTO auth.representation_choices (interaction_uid, token_hash, expires_at, offered)
         VALUES ($1, $2, now() + make_interval(secs => $3::float8), $4)
         ON CONFLICT (interaction_uid) DO UPDATE
           SET token_hash = EXCLUDED.token_hash, expires_at = EXCLUDED.expires_at, offered = EXCLUDED.offered
         WHERE auth.representation_choices.chosen_at IS NULL`,
        [interactionUid, storedHash(token), ttlSeconds, offered ? JSON.stringify(offered) : null],
      );
      return rowCount ? token : undefined;
    },
    async offered(interactionUid) {
      const { rows } = await pool.query<{ offered: CompanyOption[] | null }>(
        `SELECT offered FROM auth.representation_choices
         WHERE interaction_uid = $1 AND chosen_at IS NULL AND expires_at > now()`,
        [interactionUid],
      );
      return rows[0]?.offered ?? undefined;
    },
    async take(interactionUid, token, { mandateId, company }) {
      const { rowCount } = await pool.query(
        `UPDATE auth.representation_choices SET chosen_at = now(), mandate_id = $3, company = $4
         WHERE interaction_uid = $1 AND token_hash = $2 AND chosen_at IS NULL AND expires_at > now()`,
        [interactionUid, storedHash(token), mandateId, company ? JSON.stringify(company) : null],
      );
      if (rowCount) return 'ok';
      return (await chosen(interactionUid)) ? 'chosen' : 'invalid';
    },
    chosen,
  };
}
