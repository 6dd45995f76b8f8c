import type { CitizenIds } from './citizen-keys.ts';
import type { PivotClaims } from './pivot-token.ts';
import type { ProviderTokenRequest } from './provider-token.ts';
import { providerSubject } from './provider-subject.ts';

/**
 * What one data provider learns about a request (docs/tokens.md, the internal provider
 * token): its own identifier for the citizen (gateway/provider-subject.ts), never the
 * service provider's; the pivot identity it matches the citizen by; the scopes granted for
 * it alone; the sign-in level; and who is reading — the service provider's `client_id` —
 * only when its catalog declares it needs it (`provider.serviceProviderIdentity`,
 * lib/federation/catalog.ts); under a mandate, the mandator is the citizen and the
 * representative is the actor (`act`, its own identifier for them too); acting for a
 * company, every provider is told the company (SIREN, the establishment's SIRET, the role),
 * never its name or the mandate behind it.
 */
export interface DisclosedProvider {
  name: string;
  audience: string;
  /** The catalog asks for the service provider's identity. */
  receivesServiceProvider: boolean;
}

export interface DisclosureContext {
  claims: Pick<PivotClaims, 'sub' | 'citizenRef' | 'pivot' | 'acr' | 'clientId' | 'representation' | 'company'>;
  scopesByProvider: ReadonlyMap<string, readonly string[]>;
  requestId: string;
}

export class ProviderDisclosure {
  private readonly providers: ReadonlyMap<string, DisclosedProvider>;

  constructor(
    private readonly secret: string,
    providers: readonly DisclosedProvider[],
  ) {
    this.providers = new Map(providers.map((p) => [p.name, p]));
  }

  /** The citizen at the gateway (the service provider's subject) and at `provider`. */
  citizenIds(provider: string, claims: DisclosureContext['claims']): CitizenIds {
    return { gateway: claims.sub, provider: providerSubject(this.secret, provider, claims.citizenRef) };
  }

  /** The claims of `provider`'s internal token for this request, `sub` its identifier for the citizen. */
  tokenRequest(provider: string, context: DisclosureContext, sub: string): ProviderTokenRequest {
    const entry = this.providers.get(provider);
    if (!entry) throw new Error(`unknown data provider ${provider}`);
    const { claims } = context;
    return {
      audience: entry.audience,
      sub,
      pivot: claims.pivot,
      scopes: context.scopesByProvider.get(provider) ?? [],
      acr: claims.acr,
      ...(entry.receivesServiceProvider ? { clientId: claims.clientId } : {}),
      requestId: context.requestId,
      // The representative, under this provider's own identifier for them (never the SP's, never the account id).
      ...(claims.representation
        ? {
            actor: {
              sub: providerSubject(this.secret, provider, claims.representation.actor.citizenRef),
              mandateId: claims.representation.mandate.id,
            },
          }
        : {}),
      ...(claims.company
        ? { company: { siren: claims.company.siren, siret: claims.company.siret, role: claims.company.role } }
        : {}),
    };
  }
}
