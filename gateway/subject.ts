import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import type { ConsentedOperation } from '../lib/contracts/pivot-token.ts';
import type { ScopeInfo } from '../lib/federation/compose.ts';
import type { ActingCompany } from './pivot-token.ts';

/**
 * Whom a token may read about (docs/companies.md): a pivot token issued for a company
 * (`company` claim) may carry only company scopes (catalog `subject: "company"`), one
 * without it only citizen scopes. The broker never mixes them; the gateway checks again,
 * before any provider is called, on the consented operation's scopes:
 * COMPANY_TOKEN_REQUIRED (company scopes, no company in the token) and
 * CITIZEN_TOKEN_REQUIRED (citizen scopes in a company's token). A scope no catalog knows
 * any more counts as a citizen scope (the default subject).
 */
export function enforceSubject(
  company: ActingCompany | undefined,
  operation: ConsentedOperation,
  scopes: ReadonlyMap<string, ScopeInfo>,
): void {
  const subjectOf = (scope: string) => scopes.get(scope)?.subject ?? 'citizen';
  if (!company) {
    const companyScopes = operation.scopes.filter((s) => subjectOf(s) === 'company');
    if (companyScopes.length)
      throw gatewayErrors.error('COMPANY_TOKEN_REQUIRED', { scopes: [...companyScopes].sort() });
    return;
  }
  const citizenScopes = operation.scopes.filter((s) => subjectOf(s) === 'citizen');
  if (citizenScopes.length) throw gatewayErrors.error('CITIZEN_TOKEN_REQUIRED', { scopes: [...citizenScopes].sort() });
}
