import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AcrLevel } from '../lib/contracts/eidas.ts';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';
import type { CompanyRole } from '../lib/contracts/pivot-token.ts';
import {
  PROVIDER_TOKEN_SIGNING_ALG,
  PROVIDER_TOKEN_TYPE,
  type ProviderTokenClaims,
} from '../lib/contracts/provider-token.ts';

/**
 * Mints the internal token of one subgraph fetch (docs/tokens.md, "internal provider
 * token", lib/contracts/provider-token.ts): ES256, audience that provider only, that
 * provider's granted scopes only, its own subject for the citizen. One ECDSA signature per fetch (~0.1 ms with jose).
 */
export interface ProviderTokenRequest {
  audience: string;
  sub: string;
  pivot: PivotIdentity;
  scopes: readonly string[];
  acr: AcrLevel;
  /** The service provider: only for a provider whose catalog needs it (gateway/provider-disclosure.ts). */
  clientId?: string | undefined;
  requestId: string;
  /** Under a mandate: this provider's own subject for the representative, and the mandate. */
  actor?: { sub: string; mandateId: string } | undefined;
  /** Acting for a company (docs/companies.md): the only `Company` this provider may read. */
  company?: { siren: string; siret: string; role: CompanyRole } | undefined;
}

export class ProviderTokenMinter {
  constructor(private readonly options: { issuer: string; kid: string; key: KeyObject; ttlSeconds: number }) {}

  mint(request: ProviderTokenRequest, now: number = Math.floor(Date.now() / 1000)): Promise<string> {
    const claims: Omit<ProviderTokenClaims, 'sub' | 'jti'> = {
      pivot: request.pivot,
      scope: request.scopes.join(' '),
      acr: request.acr,
      ...(request.clientId ? { client_id: request.clientId } : {}),
      rid: request.requestId,
      ...(request.actor ? { act: { sub: request.actor.sub }, mandate_id: request.actor.mandateId } : {}),
      ...(request.company
        ? { company: { siren: request.company.siren, siret: request.company.siret, role: request.company.role } }
        : {}),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: PROVIDER_TOKEN_SIGNING_ALG, kid: this.options.kid, typ: PROVIDER_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setAudience(request.audience)
      .setSubject(request.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + this.options.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.options.key);
  }
}
