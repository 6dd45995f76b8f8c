import type { PivotTokenCompany } from '../../lib/contracts/pivot-token.ts';
import type { Pool } from '../../lib/db/database.ts';

/**
 * Which grants were obtained for a company, and for which (auth.company_grants): written
 * at consent, read whenever a token of the grant is issued or used (ID token, userinfo,
 * pivot token), so that every token of the grant describes the same company.
 */
export interface CompanyGrants {
  link(grantId: string, company: PivotTokenCompany): Promise<void>;
  forGrant(grantId: string | undefined): Promise<PivotTokenCompany | undefined>;
}

export function createCompanyGrants(pool: Pool): CompanyGrants {
  return {
    async link(grantId, company) {
      await pool.query('INSERT INTO auth.company_grants (grant_id, company) VALUES ($1, $2)', [
        grantId,
        JSON.stringify(company),
      ]);
    },
    async forGrant(grantId) {
      if (!grantId) return undefined;
      const { rows } = await pool.query<{ company: PivotTokenCompany }>(
        'SELECT company FROM auth.company_grants WHERE grant_id = $1',
        [grantId],
      );
      return rows[0]?.company;
    },
  };
}

/**
 * The account id whose pairwise subject an SP sees as `sub` for a company (HMAC of the SP's
 * sector and this, auth/pairwise.ts): one subject per company per sector, whoever acts.
 */
export function companyAccountId(siren: string): string {
  return `company:${siren}`;
}
