import { randomUUID, sign, type KeyObject } from 'node:crypto';
import type { AcrLevel } from '../lib/config/common.ts';
import type { PivotIdentity } from '../lib/pivot/identity.ts';

/**
 * Mints the internal token of one subgraph fetch (docs/tokens.md, "internal provider
 * token"): ES256, audience that provider only, that provider's granted scopes only.
 * Signed with node:crypto directly: one ECDSA signature (~35 µs) per fetch, where
 * jose's WebCrypto path costs ~5 times more; providers verify it with jose.
 */
export const PROVIDER_TOKEN_TYPE = 'passerelle-dp+jwt';

export interface ProviderTokenClaims {
  audience: string;
  sub: string;
  pivot: PivotIdentity;
  scopes: readonly string[];
  acr: AcrLevel;
  clientId: string;
  requestId: string;
}

export class ProviderTokenMinter {
  private readonly encodedHeader: string;

  constructor(private readonly options: { issuer: string; kid: string; key: KeyObject; ttlSeconds: number }) {
    this.encodedHeader = base64url({ alg: 'ES256', kid: options.kid, typ: PROVIDER_TOKEN_TYPE });
  }

  mint(claims: ProviderTokenClaims, now: number = Math.floor(Date.now() / 1000)): string {
    const payload = base64url({
      iss: this.options.issuer,
      aud: claims.audience,
      iat: now,
      exp: now + this.options.ttlSeconds,
      jti: randomUUID(),
      sub: claims.sub,
      pivot: claims.pivot,
      scope: claims.scopes.join(' '),
      acr: claims.acr,
      client_id: claims.clientId,
      rid: claims.requestId,
    });
    const input = `${this.encodedHeader}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.options.key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
