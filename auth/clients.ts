import type { ClientMetadata } from 'oidc-provider';
import type { JWK } from 'jose';
import { BROKER_CLIENT_ID } from '../lib/contracts/pivot-token.ts';
import type { Config } from '../lib/config/load.ts';
import { ConfigError } from '../lib/config/load.ts';
import type { ServiceProvider } from '../lib/config/sections/service-providers.ts';
import { publicJwks, type Jwks } from '../lib/keys.ts';

/** Client authentication methods a service provider may use; `none` never. */
export const CLIENT_AUTH_METHODS = ['private_key_jwt', 'client_secret_post'] as const;

/** Metadata the configuration file must not set directly (they have their own keys, or are forbidden). */
const RESERVED_METADATA = [
  'client_id',
  'client_secret',
  'scope',
  'require_pushed_authorization_requests',
  'subject_type',
  'authorization_details_types',
];

/**
 * Turns the configured service providers into oidc-provider client metadata:
 * entitled scopes become the client's `scope` allow-list (others are refused with
 * invalid_scope), `requirePar` its PAR requirement, secrets and keys are read from
 * their references. Any inconsistency stops start-up with a message naming the SP.
 */
export function clientMetadataFor(config: Config): ClientMetadata[] {
  return config.serviceProviders.map((sp) => toClientMetadata(sp, config));
}

/**
 * The broker's own first-party client: the citizen's dashboard (auth/dashboard/). It is
 * no service provider: the configuration cannot declare it, and no SP may take its id.
 */
export const DASHBOARD_CLIENT = {
  clientId: 'passerelle-mon-compte',
  displayName: { fr: 'Mon compte Passerelle', en: 'My Passerelle account' },
} as const;

/** The broker reading through the gateway for itself (auth/gateway-reader.ts): `BROKER_CLIENT_ID`. */
const BROKER_READER = {
  fr: 'Passerelle (liste de vos entreprises)',
  en: 'Passerelle (list of your companies)',
} as const;

/** What citizens read for a client id: the SP's display name, the dashboard's, the broker's own reads, else the id itself. */
export function clientDisplayName(config: Config, clientId: string, lang: 'fr' | 'en' = 'fr'): string {
  if (clientId === DASHBOARD_CLIENT.clientId) return DASHBOARD_CLIENT.displayName[lang];
  if (clientId === BROKER_CLIENT_ID) return BROKER_READER[lang];
  return serviceProviderById(config, clientId)?.displayName ?? clientId;
}

function toClientMetadata(sp: ServiceProvider, config: Config): ClientMetadata {
  const where = `serviceProviders[${sp.clientId}]`;
  if (sp.clientId === DASHBOARD_CLIENT.clientId)
    throw new ConfigError(`${where}: this client id is the broker's own dashboard; choose another one`);
  if (sp.clientId === BROKER_CLIENT_ID)
    throw new ConfigError(`${where}: this client id is the broker's own reads through the gateway; choose another one`);
  for (const key of RESERVED_METADATA) {
    if (key in sp.metadata)
      throw new ConfigError(`${where}.metadata.${key}: set it with the service provider's own key, not in metadata`);
  }
  for (const [key, value] of Object.entries(sp.metadata)) {
    if (key.endsWith('_alg') && value === 'none')
      throw new ConfigError(`${where}.metadata.${key}: "none" is never accepted`);
  }
  const method = (sp.metadata.token_endpoint_auth_method ?? 'private_key_jwt') as string;
  if (!CLIENT_AUTH_METHODS.includes(method as never)) {
    throw new ConfigError(
      `${where}.metadata.token_endpoint_auth_method: must be one of ${CLIENT_AUTH_METHODS.join(', ')}`,
    );
  }
  const metadata: ClientMetadata = {
    ...sp.metadata,
    client_id: sp.clientId,
    client_name: (sp.metadata.client_name as string | undefined) ?? sp.displayName,
    token_endpoint_auth_method: method as ClientMetadata['token_endpoint_auth_method'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    scope: [...new Set(['openid', ...sp.scopes])].join(' '),
    require_pushed_authorization_requests: sp.requirePar,
    subject_type: 'pairwise',
    // Data is asked for as GraphQL operations (auth/authorization-details/).
    authorization_details_types: ['graphql_operation'],
  };
  if (method === 'client_secret_post') {
    if (!sp.clientSecret) throw new ConfigError(`${where}.clientSecret: required for client_secret_post`);
    const secret = config.secret(sp.clientSecret, `${where}.clientSecret`);
    if (secret.length < 32) throw new ConfigError(`${where}.clientSecret: must be at least 32 characters`);
    metadata.client_secret = secret;
  } else {
    if (sp.jwks) metadata.jwks = publicKeys(config.secretJson<Jwks>(sp.jwks, `${where}.jwks`), where);
    if (!metadata.jwks && !metadata.jwks_uri)
      throw new ConfigError(`${where}: private_key_jwt needs jwks (or metadata.jwks_uri)`);
  }
  return metadata;
}

/** The SP's public keys; sandbox files hold the private halves too, which the broker must not keep. */
function publicKeys(set: Jwks, where: string): { keys: JWK[] } {
  if (!Array.isArray(set?.keys) || set.keys.length === 0)
    throw new ConfigError(`${where}.jwks: expected a JWKS with at least one key`);
  return publicJwks(set);
}

/** The configured service provider behind an oidc-provider client id. */
export function serviceProviderById(config: Config, clientId: string): ServiceProvider | undefined {
  return config.serviceProviders.find((sp) => sp.clientId === clientId);
}
