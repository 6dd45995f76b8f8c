import * as oidc from 'openid-client';
import { spClient } from '../auth/support/broker.ts';
import type { TestPlatform } from '../../harness/platform.ts';

/**
 * A sandbox service provider as a test drives it: openid-client against the running
 * broker (private_key_jwt for parking-nimes, client_secret_post and PAR for
 * simulateur-caf, as configured), with any authorization parameters a test needs.
 * The example of docs/service-providers.md (docs/examples/service-provider.ts) is the happy path; this
 * is for requests the example would never send.
 */
export interface ServiceProvider {
  clientId: string;
  redirectUri: string;
  client: oidc.Configuration;
  requirePar: boolean;
  /** The document of a registered operation. */
  operation(name: string): string;
}

export async function serviceProvider(platform: TestPlatform, clientId: string): Promise<ServiceProvider> {
  const sp = platform.config.serviceProviders.find((s) => s.clientId === clientId)!;
  return {
    clientId,
    redirectUri: sp.metadata.redirect_uris[0]!,
    client: await spClient(platform.issuer, clientId, platform.config),
    requirePar: sp.requirePar,
    operation(name) {
      const document = sp.operations[name];
      if (!document) throw new Error(`${clientId} registered no operation ${name}`);
      return document;
    },
  };
}

export interface Checks {
  pkceCodeVerifier: string;
  expectedState: string;
  expectedNonce: string;
}

/**
 * An authorization URL asking for `details` (raw `authorization_details` entries),
 * pushed first when `par` (default: as the SP is configured).
 */
export async function authorizationUrl(
  sp: ServiceProvider,
  request: {
    details?: unknown[];
    acr?: string;
    scope?: string;
    par?: boolean;
    extra?: Record<string, string>;
  },
): Promise<{ url: URL; checks: Checks }> {
  const checks = {
    pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
    expectedState: oidc.randomState(),
    expectedNonce: oidc.randomNonce(),
  };
  const params: Record<string, string> = {
    redirect_uri: sp.redirectUri,
    scope: request.scope ?? 'openid given_name family_name',
    code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    ...(request.acr ? { acr_values: request.acr } : {}),
    ...(request.details ? { authorization_details: JSON.stringify(request.details) } : {}),
    ...request.extra,
  };
  const par = request.par ?? sp.requirePar;
  const url = par
    ? await oidc.buildAuthorizationUrlWithPAR(sp.client, params)
    : oidc.buildAuthorizationUrl(sp.client, params);
  return { url, checks };
}

/** An `authorization_details` entry for a registered operation. */
export function registered(name: string, purpose = 'Calculer le tarif de votre abonnement'): Record<string, unknown> {
  return { type: 'graphql_operation', operation_name: name, purpose };
}

/** An `authorization_details` entry with an inline document. */
export function inline(
  document: string,
  purpose = 'Vérifier votre situation',
  operationName?: string,
): Record<string, unknown> {
  return { type: 'graphql_operation', document, purpose, ...(operationName ? { operation_name: operationName } : {}) };
}

/** The OAuth error an SP receives at its redirect URI (or undefined). */
export function redirectError(url: URL): { error: string; description: string; state: string | null } | undefined {
  const error = url.searchParams.get('error');
  return error
    ? { error, description: url.searchParams.get('error_description') ?? '', state: url.searchParams.get('state') }
    : undefined;
}

/** POSTs a GraphQL request to the gateway as an SP does. */
export async function postGraphQL(
  platform: TestPlatform,
  token: string | undefined,
  query: string,
  operationName?: string | null,
): Promise<{ status: number; body: any }> {
  const response = await fetch(platform.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, ...(operationName ? { operationName } : {}) }),
  });
  return { status: response.status, body: await response.json() };
}
