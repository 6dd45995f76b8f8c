import * as oidc from 'openid-client';
import type { Config } from '../../lib/config/load.ts';
import type { IdentityProvider } from '../../lib/config/sections/identity-providers.ts';
import { brokerErrors } from '../errors.ts';
import { classifyIdpError } from './failures.ts';
import { tracingEnabled } from '../../lib/telemetry/tracing.ts';
import { idpFetch } from '../tracing.ts';

/**
 * The identity providers the broker signs citizens in with, and their OpenID
 * configurations (discovered lazily, kept once found; a failed discovery is tried
 * again at the next sign-in, so an IdP that comes back needs no restart).
 */
/** ID token algorithms accepted from IdPs, preferred first; never `none` nor HMAC. */
const PREFERRED_ID_TOKEN_ALGS = ['ES256', 'PS256', 'RS256'];

export interface IdpRegistry {
  list(): IdentityProvider[];
  get(name: string): IdentityProvider | undefined;
  /** The discovered client configuration; throws IDP_UNAVAILABLE / IDP_RESPONSE_INVALID. */
  client(idp: IdentityProvider): Promise<oidc.Configuration>;
  /** Our redirect URI at that IdP (agreed with the IdPs: `<broker.url>/idp/<name>/callback`). */
  redirectUri(idp: IdentityProvider): string;
}

export function createIdpRegistry(config: Config, brokerUrl: string): IdpRegistry {
  const byName = new Map(config.identityProviders.map((idp) => [idp.name, idp]));
  const discovered = new Map<string, Promise<oidc.Configuration>>();
  const timeout = Math.ceil(config.broker.idpTimeoutMs / 1000);

  const discover = async (idp: IdentityProvider): Promise<oidc.Configuration> => {
    const issuer = new URL(idp.issuer);
    const insecure = issuer.protocol === 'http:';
    if (insecure && !config.sandbox && !isLoopback(issuer.hostname)) {
      throw brokerErrors.error('IDP_UNAVAILABLE', {
        idp: idp.name,
        reason: 'plain http is only allowed in the sandbox',
      });
    }
    const secret = config.secret(idp.clientSecret, `identityProviders[${idp.name}].clientSecret`);
    try {
      const found = await oidc.discovery(issuer, idp.clientId, undefined, oidc.ClientSecretBasic(secret), {
        timeout,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        ...(tracingEnabled() ? { [oidc.customFetch]: idpFetch(idp.name) } : {}),
      });
      // Expect the strongest ID token algorithm the IdP offers (openid-client assumes RS256).
      const server = found.serverMetadata();
      const alg =
        PREFERRED_ID_TOKEN_ALGS.find((a) => server.id_token_signing_alg_values_supported?.includes(a)) ?? 'RS256';
      const client = new oidc.Configuration(
        server,
        idp.clientId,
        { id_token_signed_response_alg: alg },
        oidc.ClientSecretBasic(secret),
      );
      if (insecure) oidc.allowInsecureRequests(client);
      client.timeout = timeout;
      if (tracingEnabled()) client[oidc.customFetch] = idpFetch(idp.name);
      return client;
    } catch (error) {
      throw classifyIdpError(error, idp.name);
    }
  };

  return {
    list: () => [...byName.values()],
    get: (name) => byName.get(name),
    redirectUri: (idp) => new URL(`idp/${idp.name}/callback`, withSlash(brokerUrl)).href,
    client(idp) {
      let pending = discovered.get(idp.name);
      if (!pending) {
        pending = discover(idp);
        discovered.set(idp.name, pending);
        pending.catch(() => discovered.delete(idp.name));
      }
      return pending;
    },
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}
