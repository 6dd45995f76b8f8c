import type { Domain } from '../lib/contracts/domains.ts';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import type { ConsentedOperation } from '../lib/contracts/pivot-token.ts';
import type { ScopeInfo } from '../lib/federation/compose.ts';
import type { Representation } from './pivot-token.ts';

/**
 * The gateway's checks of a representative's token (docs/mandates.md): the broker grants
 * an operation under a mandate only if the mandate covers every domain of its scopes, and
 * its tokens carry the mandate (`mandate`: id, domains, end). The gateway checks both
 * again, before any provider is called: the mandate's end has not passed (MANDATE_EXPIRED;
 * a mandate ended early revokes its grants: GRANT_REVOKED, through the revocation list),
 * and the consented operation's domains are the mandate's (MANDATE_DOMAIN_NOT_COVERED).
 */
export function enforceMandateTime(representation: Representation | undefined, now: number = Date.now()): void {
  if (representation && now >= representation.mandate.endsAt * 1000)
    throw gatewayErrors.error('MANDATE_EXPIRED', { mandateId: representation.mandate.id });
}

export function enforceMandateDomains(
  representation: Representation | undefined,
  operation: ConsentedOperation,
  scopes: ReadonlyMap<string, ScopeInfo>,
): void {
  if (!representation) return;
  const missing = new Set<Domain>();
  for (const scope of operation.scopes) {
    const domain = scopes.get(scope)?.domain;
    // A scope no catalog knows any more cannot be proved covered.
    if (!domain || !representation.mandate.domains.includes(domain)) missing.add(domain ?? (scope as Domain));
  }
  if (missing.size)
    throw gatewayErrors.error('MANDATE_DOMAIN_NOT_COVERED', {
      mandateId: representation.mandate.id,
      missing: [...missing].sort(),
    });
}
