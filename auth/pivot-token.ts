import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { errors, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { Config } from '../lib/config/load.ts';
import { ConfigError } from '../lib/config/load.ts';
import type { AcrLevel } from '../lib/contracts/eidas.ts';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';
import {
  PIVOT_TOKEN_CONTENT_ENCRYPTION,
  PIVOT_TOKEN_KEY_MANAGEMENT_ALG,
  PIVOT_TOKEN_SIGNING_ALG,
  type PivotTokenExtraClaims,
} from '../lib/contracts/pivot-token.ts';
import { publicJwks } from '../lib/keys.ts';
import type { AccountStore } from './accounts.ts';
import { pivotTokenRepresentation, type RepresentedAccounts } from './mandates/represented-account.ts';
import { serviceProviderById } from './clients.ts';
import { assertFapiTokenRequest } from './authorization-details/fapi-profile.ts';
import { withCode } from './request-checks.ts';

type ResourceIndicators = NonNullable<NonNullable<Configuration['features']>['resourceIndicators']>;

/**
 * The pivot token (docs/tokens.md, lib/contracts/pivot-token.ts): the access token for
 * the gateway, issued by oidc-provider itself as a resource-server JWT — signed with the
 * broker's ES256 key (`typ: at+jwt`), then encrypted to the gateway's ECDH-ES key — with
 * the consented operations (`authorization_details`) and `extraTokenClaims`: `acr`,
 * `pivot`, `grant_id`, `citizen_ref`. The gateway is the only resource server; a token
 * for it is issued only for a code that carries consented operations. A sign-in without
 * operations gets an opaque access token for `/userinfo`, as before.
 * `pivotTokenFormat` and `pivotTokenExtraClaims` are the token itself: the test and
 * benchmark issuer (harness/pivot-issuer.ts) mints with them too.
 */

export interface GatewayEncryptionKey {
  key: KeyObject;
  kid: string;
}

/** The gateway's public `enc` key, from `broker.gatewayEncryptionKeys` (private members dropped). */
export function loadGatewayEncryptionKey(config: Config): GatewayEncryptionKey {
  const where = 'broker.gatewayEncryptionKeys';
  return gatewayEncryptionKeyOf(config.secretJson<{ keys?: JWK[] }>(config.broker.gatewayEncryptionKeys, where), where);
}

/** The encryption key of a gateway JWKS; `where` names its origin in errors. */
export function gatewayEncryptionKeyOf(set: { keys?: JWK[] }, where: string): GatewayEncryptionKey {
  if (!Array.isArray(set?.keys)) throw new ConfigError(`${where}: expected a JWKS`);
  const jwk = publicJwks({ keys: set.keys }).keys.find((k) => k.use === 'enc' && k.alg === 'ECDH-ES');
  if (!jwk?.kid)
    throw new ConfigError(
      `${where}: needs an ECDH-ES key with use "enc" and a kid (the gateway's published encryption key)`,
    );
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256')
    throw new ConfigError(`${where}: the ECDH-ES key must be an EC P-256 key`);
  return { key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), kid: jwk.kid };
}

/** What oidc-provider needs to issue a pivot token (its resource server information): JWT, signed, then encrypted to the gateway. */
export function pivotTokenFormat(input: {
  audience: string;
  scope: string;
  ttlSeconds: number;
  encryption: GatewayEncryptionKey;
}): ResourceServer {
  return {
    scope: input.scope,
    audience: input.audience,
    accessTokenTTL: input.ttlSeconds,
    accessTokenFormat: 'jwt',
    jwt: {
      sign: { alg: PIVOT_TOKEN_SIGNING_ALG },
      encrypt: {
        alg: PIVOT_TOKEN_KEY_MANAGEMENT_ALG,
        enc: PIVOT_TOKEN_CONTENT_ENCRYPTION,
        key: input.encryption.key,
        kid: input.encryption.kid,
      },
    },
  };
}

/** The claims the broker adds to a pivot token, for the grant of `accountId` signed in at `acr`. */
export function pivotTokenExtraClaims(input: {
  acr: AcrLevel;
  pivot: PivotIdentity;
  grantId: string;
  accountId: string;
}): PivotTokenExtraClaims {
  return { acr: input.acr, pivot: input.pivot, grant_id: input.grantId, citizen_ref: input.accountId };
}

/** oidc-provider's `resourceIndicators` feature: the gateway, pivot-token format. */
export function gatewayResourceIndicators(
  config: Config,
  dataScopes: ReadonlySet<string>,
  encryption: GatewayEncryptionKey,
): ResourceIndicators {
  const audience = config.gateway.audience;
  return {
    enabled: true,
    // Only a request for data involves the gateway; a plain sign-in stays with /userinfo.
    defaultResource: (ctx: KoaContextWithOIDC) =>
      (ctx.oidc.params?.authorization_details ? audience : undefined) as string,
    // The code's resource is used when it carries consented operations.
    useGrantedResource: (_ctx, model) => Boolean((model as { rar?: unknown[] }).rar?.length),
    getResourceServerInfo(ctx, resource, client) {
      if (resource !== audience)
        throw withCode(new errors.InvalidTarget('the only resource is the gateway'), 'RESOURCE_NOT_ALLOWED');
      if (ctx.oidc.route === 'token') {
        if (!ctx.oidc.entities.AuthorizationCode?.rar?.length)
          throw withCode(
            new errors.InvalidTarget('an access token for the gateway needs consented authorization_details'),
            'RESOURCE_NOT_ALLOWED',
          );
        assertFapiTokenRequest(ctx);
      }
      const entitled = serviceProviderById(config, client.clientId)?.scopes.filter((s) => dataScopes.has(s)) ?? [];
      // `scope` is informational in the token; the per-operation scopes are what the gateway enforces.
      return pivotTokenFormat({
        audience,
        scope: entitled.join(' '),
        ttlSeconds: config.broker.accessTokenTtlSeconds,
        encryption,
      });
    },
  } as ResourceIndicators;
}

/**
 * Claims added to pivot tokens (and only to them): the level of the sign-in that led
 * to the code, the validated pivot identity, the grant (revocation) and the broker's
 * account id (`citizen_ref`: the gateway files exchanges in the citizen's history).
 * For a grant obtained under a mandate, the identity and `citizen_ref` are the mandator's,
 * with `act` and `mandate` (auth/mandates/represented-account.ts); for a grant obtained
 * for a company, the person's, with `company` (auth/companies/company-grants.ts).
 */
export function pivotTokenClaims(
  config: Config,
  accounts: AccountStore,
  represented: RepresentedAccounts,
  pairwiseSecret: string,
): NonNullable<Configuration['extraTokenClaims']> {
  const audience = config.gateway.audience;
  return async (ctx, token) => {
    const { resourceServer, accountId, grantId, clientId } = token as {
      resourceServer?: { audience?: string };
      accountId?: string;
      grantId?: string;
      clientId?: string;
    };
    if (resourceServer?.audience !== audience || !accountId) return undefined;
    const acr = ctx.oidc.entities.AuthorizationCode?.acr as AcrLevel;
    const under = await represented.mandateOf(grantId);
    if (under === 'ended') throw new errors.InvalidGrant('the mandate this consent was given under has ended');
    // For a company (docs/companies.md): the person's identity, and the company they act for.
    const company = await represented.companyOf(grantId);
    if (under && !company) {
      const { mandate } = under;
      return {
        ...pivotTokenExtraClaims({
          acr,
          pivot: mandate.mandator.pivot,
          grantId: grantId!,
          accountId: mandate.mandator.accountId,
        }),
        ...pivotTokenRepresentation(config, pairwiseSecret, mandate, clientId!),
      } as unknown as Record<string, unknown>;
    }
    const account = await accounts.find(accountId);
    if (!account) throw new errors.InvalidGrant('the citizen’s sign-in is no longer available; sign in again');
    return {
      ...pivotTokenExtraClaims({ acr, pivot: account.pivot, grantId: grantId!, accountId }),
      ...(company ? { company } : {}),
    } as unknown as Record<string, unknown>;
  };
}
