import type { JWK } from 'jose';
import { ConfigError, listenPort, type Config } from '../../lib/config/load.ts';
import type { BrokerClientSettings } from './broker-client.ts';
import type { ServiceProviderSection } from './config.ts';
import { canonicalDocument, type RegisteredOperation } from './operation.ts';

/** Everything the shared code needs of a sandbox service, resolved from its section once at start. */
export interface ServiceProviderSettings extends BrokerClientSettings {
  /** Public base URL (no trailing slash). */
  url: string;
  host: string;
  port: number;
  serviceName: string;
  gatewayEndpoint: string;
  cookieKeys: string[];
  sessionTtlSeconds: number;
  requestTimeoutMs: number;
}

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * Reads the shared settings of the section `name` (`parking`, `bank`…); `baseUrl` replaces
 * its URL when a test listens on a port chosen at start. Every message names the section.
 */
export function serviceProviderSettings(
  config: Config,
  name: string,
  section: ServiceProviderSection,
  baseUrl?: string,
): ServiceProviderSettings {
  const url = trim(baseUrl ?? section.url);
  const keys = config.secretJson<{ keys?: JWK[] }>(section.keys, `${name}.keys`);
  const signingKey = keys.keys?.find((k) => typeof k.d === 'string');
  if (!signingKey) throw new ConfigError(`${name}.keys: no private key in the JWKS`);
  const cookieKeys = config.secretJson<unknown>(section.cookieKeys, `${name}.cookieKeys`);
  if (
    !Array.isArray(cookieKeys) ||
    !cookieKeys.length ||
    !cookieKeys.every((k) => typeof k === 'string' && k.length >= 16)
  ) {
    throw new ConfigError(`${name}.cookieKeys: must be a JSON list of strings of at least 16 characters`);
  }
  return {
    url,
    host: section.host,
    port: listenPort(section),
    clientId: section.clientId,
    serviceName: section.serviceName,
    issuer: trim(section.issuer ?? config.broker.issuer),
    signingKey,
    redirectUri: baseUrl || !section.redirectUri ? `${url}/callback` : section.redirectUri,
    postLogoutRedirectUri:
      baseUrl || !section.postLogoutRedirectUri ? `${url}/logged-out` : section.postLogoutRedirectUri,
    gatewayEndpoint: section.gatewayUrl ?? `${trim(config.gateway.url)}/graphql`,
    gatewayAudience: section.gatewayAudience ?? config.gateway.audience,
    acr: section.acr,
    cookieKeys: cookieKeys as string[],
    sessionTtlSeconds: section.sessionTtlSeconds,
    requestTimeoutMs: section.requestTimeoutMs,
  };
}

/**
 * The service's entry in `serviceProviders`, when this configuration holds it, must agree
 * with its settings (redirect URIs, back-channel logout, the operations it runs): a mismatch
 * stops start-up with a message rather than a sign-in that fails later. Returns the entry.
 */
export function checkRegistration(
  config: Config,
  name: string,
  settings: ServiceProviderSettings,
  operations: ReadonlyArray<RegisteredOperation & { registeredAs?: string }>,
): Config['serviceProviders'][number] | undefined {
  const registered = config.serviceProviders.find((sp) => sp.clientId === settings.clientId);
  if (!registered) return undefined;
  const where = `serviceProviders[${settings.clientId}]`;
  const uris = (key: string) => ((registered.metadata as Record<string, unknown>)[key] as string[] | undefined) ?? [];
  const hint = (key: string, value: unknown) =>
    `PASSERELLE__serviceProviders__${settings.clientId.replaceAll('-', '_')}__metadata__${key}='${JSON.stringify(value)}'`;
  const mismatch = (what: string, value: string, registeredValues: string[], key: string, setting: unknown) =>
    new ConfigError(
      `${name}: its ${what} ${value} is not registered at the broker (${where}.metadata.${key}: ${registeredValues.join(', ') || 'none'}); ` +
        `change both together, e.g. ${hint(key, setting)}`,
    );
  if (!uris('redirect_uris').includes(settings.redirectUri)) {
    throw mismatch('redirect URI', settings.redirectUri, uris('redirect_uris'), 'redirect_uris', [
      settings.redirectUri,
    ]);
  }
  if (!uris('post_logout_redirect_uris').includes(settings.postLogoutRedirectUri)) {
    throw mismatch(
      'post-logout redirect URI',
      settings.postLogoutRedirectUri,
      uris('post_logout_redirect_uris'),
      'post_logout_redirect_uris',
      [settings.postLogoutRedirectUri],
    );
  }
  const backchannel = (registered.metadata as Record<string, unknown>).backchannel_logout_uri;
  const ownBackchannel = `${settings.url}/backchannel-logout`;
  if (typeof backchannel === 'string' && backchannel !== ownBackchannel) {
    throw mismatch('back-channel logout URI', ownBackchannel, [backchannel], 'backchannel_logout_uri', ownBackchannel);
  }
  for (const { document, file, operationName, registeredAs } of operations) {
    const key = registeredAs ?? operationName;
    const operation = registered.operations[key];
    if (operation === undefined) {
      throw new ConfigError(
        `${name}: no operation ${key} registered at the broker (${where}.operations); register ${file} under that name`,
      );
    }
    if (canonicalDocument(operation) !== canonicalDocument(document)) {
      throw new ConfigError(
        `${name}: the operation registered as ${where}.operations.${key} is not ${file}; register the same document`,
      );
    }
  }
  return registered;
}
