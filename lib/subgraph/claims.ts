import type { PivotIdentity } from '../contracts/pivot-identity.ts';
import type { CompanyRole } from '../contracts/pivot-token.ts';
import { ProviderTokenClaimsSchema } from '../contracts/provider-token.ts';

/**
 * The claims of an internal provider token (lib/contracts/provider-token.ts) that a data
 * provider relies on, checked after the signature, issuer, audience and times are verified.
 */
export interface ProviderClaims {
  sub: string;
  pivot: PivotIdentity;
  /** Scopes granted for this provider. */
  scopes: ReadonlySet<string>;
  acr?: string | undefined;
  clientId?: string | undefined;
  jti?: string | undefined;
  requestId?: string | undefined;
  /** Under a mandate: this provider's identifier for the representative acting, and the mandate. */
  actor?: { sub: string; mandateId: string | undefined } | undefined;
  /**
   * Acting for a company (docs/companies.md): the only `Company` the request may read
   * (`siren`), the establishment chosen and why the person may act for it. `sub` and
   * `pivot` stay the person's.
   */
  company?: { siren: string; siret: string; role: CompanyRole } | undefined;
}

/** Parses the verified payload; the error names the first bad claim (never its value). */
export function readProviderClaims(payload: unknown): { claims: ProviderClaims } | { invalidClaim: string } {
  const parsed = ProviderTokenClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { invalidClaim: issue.path.join('.') || '(payload)' };
  }
  const { sub, pivot, scope, acr, client_id, jti, rid, act, mandate_id, company } = parsed.data;
  return {
    claims: {
      sub,
      pivot,
      scopes: new Set(scope.split(' ').filter(Boolean)),
      acr,
      clientId: client_id,
      jti,
      requestId: rid,
      actor: act ? { sub: act.sub, mandateId: mandate_id } : undefined,
      company,
    },
  };
}
