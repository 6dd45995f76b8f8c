import type { Account, FindAccount } from 'oidc-provider';
import type { Config } from '../../lib/config/load.ts';
import { PIVOT_CLAIMS, type PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import type { PivotTokenActor, PivotTokenCompany, PivotTokenMandate } from '../../lib/contracts/pivot-token.ts';
import type { AccountStore } from '../accounts.ts';
import { serviceProviderById } from '../clients.ts';
import { companyClaims } from '../companies/company-claims.ts';
import { companyAccountId, type CompanyGrants } from '../companies/company-grants.ts';
import { pairwiseSubject } from '../pairwise.ts';
import { actsNow } from './coverage.ts';
import type { Mandate, MandateStore } from './store.ts';

/**
 * Tokens of a grant obtained under a mandate (docs/mandates.md "For service providers"):
 * the grant, the code and the tokens stay the REPRESENTATIVE's in oidc-provider (their
 * session, their account id), but what the service provider reads describes the MANDATOR
 * as the subject and the representative as the actor:
 * - ID token and userinfo: `sub` = the SP's pairwise subject of the mandator (through
 *   `subjectOf`, which the configuration's `pairwiseIdentifier` calls), the mandator's
 *   identity claims as the scopes allow, and `act` = { sub: the representative's pairwise
 *   subject for that SP, given_name and family_name when the SP may read names };
 * - pivot token: the mandator's pivot identity and citizen_ref, `act` and `mandate`
 *   (auth/pivot-token.ts, lib/contracts/pivot-token.ts).
 * A grant whose mandate is no longer in force finds no account: oidc-provider then refuses
 * the code (invalid_grant) and the access token at userinfo (invalid_token). Ending a
 * mandate also revokes its grants (auth/mandates/store.ts), this is the second lock.
 *
 * A grant obtained for a company (docs/companies.md) is the person's own too, but what
 * the SP reads describes the COMPANY as the subject (auth/companies/company-claims.ts):
 * `sub` is the company's pairwise subject, the person is `act`.
 */
export interface RepresentedAccounts {
  /** oidc-provider's `findAccount`, mandate-aware when `token` belongs to a grant. */
  findAccount: FindAccount;
  /** The account whose pairwise subject a request's `sub` is: the mandator under a mandate. */
  subjectOf(ctx: object | undefined, accountId: string): string;
  /** The mandate a grant acts under, if it is still in force (undefined for one's own grant). */
  mandateOf(grantId: string | undefined): Promise<{ mandate: Mandate } | undefined | 'ended'>;
  /** The company a grant was obtained for (undefined for a citizen's grant). */
  companyOf(grantId: string | undefined): Promise<PivotTokenCompany | undefined>;
}

/** Per request (oidc-provider's context): the representative acting and the mandator they act for. */
const represented = new WeakMap<object, { representative: string; mandator: string }>();

export function createRepresentedAccounts(inputs: {
  config: Config;
  accounts: AccountStore;
  mandates: MandateStore;
  companies: CompanyGrants;
  pairwiseSecret: string;
}): RepresentedAccounts {
  const { config, accounts, mandates, companies, pairwiseSecret } = inputs;

  const mandateOf: RepresentedAccounts['mandateOf'] = async (grantId) => {
    if (!grantId) return undefined;
    const mandate = await mandates.forGrant(grantId);
    if (!mandate) return undefined;
    return actsNow(mandate) && mandate.representative ? { mandate } : 'ended';
  };

  return {
    mandateOf,
    companyOf: (grantId) => companies.forGrant(grantId),
    subjectOf(ctx, accountId) {
      const acting = ctx ? represented.get(ctx) : undefined;
      return acting && acting.representative === accountId ? acting.mandator : accountId;
    },
    async findAccount(ctx, accountId, token) {
      const grantId = (token as { grantId?: string } | undefined)?.grantId;
      const company = await companies.forGrant(grantId);
      if (company) {
        // Under a company mandate, only while the mandate is in force.
        if (company.mandate_id && (await mandateOf(grantId)) === 'ended') return undefined;
        const person = await accounts.find(accountId);
        const sp = serviceProviderById(config, String((token as { clientId?: string }).clientId));
        if (!person || !sp) return undefined;
        represented.set(ctx, { representative: accountId, mandator: companyAccountId(company.siren) });
        const personSubject = pairwiseSubject(accountId, sp.sectorIdentifier, pairwiseSecret);
        return {
          accountId,
          claims: async (_use, scope) => companyClaims({ accountId, person, personSubject, company, scope }) as never,
        } satisfies Account;
      }
      const found = await mandateOf(grantId);
      if (found === undefined) return accounts.findAccount(ctx, accountId, token);
      if (found === 'ended' || found.mandate.representative?.accountId !== accountId) return undefined;
      const { mandate } = found;
      // Only a service provider's grant can be under a mandate (never the broker's own dashboard).
      const sp = serviceProviderById(config, String((token as { clientId?: string }).clientId));
      if (!sp) return undefined;
      represented.set(ctx, { representative: accountId, mandator: mandate.mandator.accountId });
      return {
        accountId,
        async claims(_use, scope) {
          return {
            ...identityClaims(mandate.mandator.pivot),
            // Replaced by oidc-provider with the account id, then made pairwise (`subjectOf`).
            sub: accountId,
            act: actClaim(mandate, pairwiseSubject(accountId, sp.sectorIdentifier, pairwiseSecret), scope),
          };
        },
      } satisfies Account;
    },
  };
}

/** The pivot token's `act` and `mandate` claims for a grant under `mandate`, issued to `clientId`. */
export function pivotTokenRepresentation(
  config: Config,
  pairwiseSecret: string,
  mandate: Mandate,
  clientId: string,
): { act: PivotTokenActor; mandate: PivotTokenMandate } {
  const representative = mandate.representative!.accountId;
  const sp = serviceProviderById(config, clientId);
  if (!sp) throw new Error(`no sector identifier for client ${clientId}`);
  return {
    act: { sub: pairwiseSubject(representative, sp.sectorIdentifier, pairwiseSecret), citizen_ref: representative },
    mandate: { id: mandate.id, domains: [...mandate.domains], ends_at: Math.floor(mandate.endsAt.getTime() / 1000) },
  };
}

function identityClaims(pivot: PivotIdentity): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const name of PIVOT_CLAIMS) if (pivot[name] !== undefined) claims[name] = pivot[name]!;
  return claims;
}

/** `act`: the representative's subject, and their names only when the granted scopes release names. */
function actClaim(mandate: Mandate, sub: string, scope: string): Record<string, string> {
  const granted = new Set(scope.split(' '));
  const pivot = mandate.representative!.pivot;
  return {
    sub,
    ...(granted.has('given_name') || granted.has('identite_pivot') ? { given_name: pivot.given_name } : {}),
    ...(granted.has('family_name') || granted.has('identite_pivot') ? { family_name: pivot.family_name } : {}),
  };
}
