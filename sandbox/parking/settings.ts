import type { JWK } from 'jose';
import { ConfigError, listenPort, type Config } from '../../lib/config/load.ts';
import type { ParkingConfig } from './config.ts';
import { canonicalDocument, PARKING_DOCUMENT, PARKING_FOR_SOMEONE_DOCUMENT } from './operation.ts';
import type { Tariff } from './pricing.ts';

/** Everything the parking service needs, resolved from the configuration once at start. */
export interface ParkingSettings {
  /** Public base URL (no trailing slash). */
  url: string;
  host: string;
  port: number;
  clientId: string;
  serviceName: string;
  issuer: string;
  /** The signing key of `private_key_jwt` (the first private key of the service's JWKS). */
  signingKey: JWK;
  redirectUri: string;
  postLogoutRedirectUri: string;
  gatewayEndpoint: string;
  gatewayAudience: string;
  operationName: string;
  purpose: string;
  /** The procedure for someone else (docs/parking.md "Acting for someone"): its operation and purpose. */
  forSomeone: { operationName: string; purpose: string };
  acr: string | undefined;
  cookieKeys: string[];
  sessionTtlSeconds: number;
  requestTimeoutMs: number;
  tariff: Tariff;
}

const trim = (url: string) => url.replace(/\/+$/, '');

/** A configuration that may hold the parking service's section (sandbox/parking/config.ts). */
export type WithParking = Config & { parking?: ParkingConfig | undefined };

/**
 * Reads `config.parking`; `baseUrl` replaces its URL when a test listens on a
 * port chosen at start. When the same configuration registers the service at the
 * broker, a mismatch (redirect URI, operation) stops start-up with a message
 * rather than a sign-in that fails later.
 */
export function parkingSettings(config: WithParking, baseUrl?: string): ParkingSettings {
  const section = config.parking;
  if (!section)
    throw new ConfigError('parking: the configuration has no "parking" section (the sandbox parking service)');
  const url = trim(baseUrl ?? section.url);
  const keys = config.secretJson<{ keys?: JWK[] }>(section.keys, 'parking.keys');
  const signingKey = keys.keys?.find((k) => typeof k.d === 'string');
  if (!signingKey) throw new ConfigError('parking.keys: no private key in the JWKS');
  const cookieKeys = config.secretJson<unknown>(section.cookieKeys, 'parking.cookieKeys');
  if (
    !Array.isArray(cookieKeys) ||
    !cookieKeys.length ||
    !cookieKeys.every((k) => typeof k === 'string' && k.length >= 16)
  ) {
    throw new ConfigError('parking.cookieKeys: must be a JSON list of strings of at least 16 characters');
  }
  const settings: ParkingSettings = {
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
    operationName: section.operationName,
    purpose: section.purpose,
    forSomeone: { operationName: section.forSomeoneOperationName, purpose: section.forSomeonePurpose },
    acr: section.acr,
    cookieKeys: cookieKeys as string[],
    sessionTtlSeconds: section.sessionTtlSeconds,
    requestTimeoutMs: section.requestTimeoutMs,
    tariff: section.tariff,
  };
  checkRegistration(config, settings);
  return settings;
}

/** The service's entry in `serviceProviders`, when this configuration holds it, must agree with it. */
function checkRegistration(config: Config, settings: ParkingSettings): void {
  const registered = config.serviceProviders.find((sp) => sp.clientId === settings.clientId);
  if (!registered) return;
  const where = `serviceProviders[${settings.clientId}]`;
  const uris = (name: string) => ((registered.metadata as Record<string, unknown>)[name] as string[] | undefined) ?? [];
  const hint = (key: string, value: unknown) =>
    `PASSERELLE__serviceProviders__${settings.clientId.replaceAll('-', '_')}__metadata__${key}='${JSON.stringify(value)}'`;
  const mismatch = (what: string, value: string, registeredValues: string[], key: string, setting: unknown) =>
    new ConfigError(
      `parking: its ${what} ${value} is not registered at the broker (${where}.metadata.${key}: ${registeredValues.join(', ') || 'none'}); ` +
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
  const operations: Array<[string, string, string]> = [
    [settings.operationName, PARKING_DOCUMENT, 'parking.graphql'],
    [settings.forSomeone.operationName, PARKING_FOR_SOMEONE_DOCUMENT, 'parking-for-someone.graphql'],
  ];
  for (const [name, document, file] of operations) {
    const operation = registered.operations[name];
    if (operation === undefined) {
      throw new ConfigError(
        `parking: no operation ${name} registered at the broker (${where}.operations); register sandbox/parking/${file} under that name`,
      );
    }
    if (canonicalDocument(operation) !== canonicalDocument(document)) {
      throw new ConfigError(
        `parking: the operation registered as ${where}.operations.${name} is not sandbox/parking/${file}; register the same document`,
      );
    }
  }
  if (!registered.scopes.includes('representation')) {
    throw new ConfigError(
      `parking: acting for someone needs the "representation" scope among ${where}.scopes (docs/mandates.md)`,
    );
  }
}
