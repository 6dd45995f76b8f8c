import type { PivotTokenCompany } from '../../lib/contracts/pivot-token.ts';
import type { AccountRecord } from '../accounts.ts';

/**
 * What a service provider reads about a grant obtained for a company (ID token and
 * userinfo, docs/companies.md): the company is the subject — `sub` (made the company's
 * pairwise subject by `subjectOf`), `siren`, `siret` of the establishment chosen,
 * `company_name` — and the person acting is `act` (RFC 8693 style): their own pairwise
 * subject, their names and e-mail when the granted scopes release them, and their role.
 */
export const COMPANY_CLAIMS = ['siren', 'siret', 'company_name', 'act'] as const;

export function companyClaims(input: {
  accountId: string;
  person: AccountRecord;
  personSubject: string;
  company: PivotTokenCompany;
  scope: string;
}): Record<string, unknown> {
  const { accountId, person, personSubject, company, scope } = input;
  const granted = new Set(scope.split(' '));
  const pivot = person.pivot;
  const allows = (claim: string) => granted.has(claim) || (claim !== 'email' && granted.has('identite_pivot'));
  return {
    // Replaced by oidc-provider with the account id, then made pairwise (`subjectOf`: the company's).
    sub: accountId,
    siren: company.siren,
    siret: company.siret,
    company_name: company.legal_name,
    act: {
      sub: personSubject,
      ...(allows('given_name') ? { given_name: pivot.given_name } : {}),
      ...(allows('family_name') ? { family_name: pivot.family_name } : {}),
      ...(allows('email') && person.email ? { email: person.email } : {}),
      role: company.role,
      ...(company.function ? { function: company.function } : {}),
      ...(company.mandate_id ? { mandate_id: company.mandate_id } : {}),
    },
  };
}
