import { exportJWK } from 'jose';
import * as oidc from 'openid-client';
import { spClient } from '../auth/support/broker.ts';
import { signDpopProof } from '../../harness/dpop-key.ts';
import type { TestPlatform } from '../../harness/platform.ts';

/**
 * A sandbox service provider as a test drives it: openid-client against the running
 * broker (private_key_jwt for parking-nimes, client_secret_post and PAR for
 * simulateur-caf, as configured), with any authorization parameters a test needs.
 * The example of docs/service-providers.md (docs/examples/service-provider.ts) is the happy path; this
 * is for requests the example would never send. A request for data follows FAPI 2.0 as the
 * broker requires: pushed, with a DPoP proof of the SP's key (one key per SP here), and the
 * code redeemed and the gateway called with proofs of that key.
 */
export interface ServiceProvider {
  clientId: string;
  redirectUri: string;
  client: oidc.Configuration;
  requirePar: boolean;
  /** The SP's DPoP key, and openid-client's handle on it. */
  dpopKeys: CryptoKeyPair;
  dpop: oidc.DPoPHandle;
  /** The document of a registered operation. */
  operation(name: string): string;
}

export async function serviceProvider(
  platform: Pick<TestPlatform, 'issuer' | 'config'>,
  clientId: string,
): Promise<ServiceProvider> {
  const sp = platform.config.serviceProviders.find((s) => s.clientId === clientId)!;
  const client = await spClient(platform.issuer, clientId, platform.config);
  const dpopKeys = await oidc.randomDPoPKeyPair();
  return {
    clientId,
    redirectUri: sp.metadata.redirect_uris[0]!,
    client,
    requirePar: sp.requirePar,
    dpopKeys,
    dpop: oidc.getDPoPHandle(client, dpopKeys),
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
 * pushed first when `par` (default: always for data, else as the SP is configured), with
 * a DPoP proof binding the code when it asks for data (unless `dpop: false`).
 */
export async function authorizationUrl(
  sp: ServiceProvider,
  request: {
    details?: unknown[];
    acr?: string;
    scope?: string;
    par?: boolean;
    dpop?: boolean;
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
  const forData = request.details !== undefined;
  const par = request.par ?? (forData || sp.requirePar);
  const dpop = forData && request.dpop !== false ? { DPoP: sp.dpop } : {};
  const url = par
    ? await oidc.buildAuthorizationUrlWithPAR(sp.client, params, dpop)
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

/** Which SP's key each redeemed access token is bound to (postGraphQL signs its proofs with it). */
const boundKeys = new Map<string, CryptoKeyPair>();

/**
 * The SP's token request for the code in `callback`: with a DPoP proof of its key
 * (unless `dpop: false`), so the pivot token is bound to it.
 */
export async function redeemCode(
  sp: ServiceProvider,
  callback: URL,
  checks: Checks,
  parameters?: Record<string, string>,
  options: { dpop?: boolean } = {},
) {
  const tokens = await oidc.authorizationCodeGrant(
    sp.client,
    callback,
    checks,
    parameters,
    options.dpop === false ? {} : { DPoP: sp.dpop },
  );
  if (options.dpop !== false) boundKeys.set(tokens.access_token, sp.dpopKeys);
  return tokens;
}

/**
 * POSTs a GraphQL request to the gateway as an SP does: `Authorization: DPoP` and a fresh
 * proof when the token came from `redeemCode`; any other token is sent as it is, a bearer.
 */
export async function postGraphQL(
  platform: TestPlatform,
  token: string | undefined,
  query: string,
  operationName?: string | null,
): Promise<{ status: number; body: any }> {
  const keys = token ? boundKeys.get(token) : undefined;
  const proof =
    token && keys
      ? await signDpopProof(
          { privateKey: keys.privateKey, publicJwk: await exportJWK(keys.publicKey) },
          { htm: 'POST', htu: platform.graphqlUrl, accessToken: token },
        )
      : undefined;
  const response = await fetch(platform.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `${proof ? 'DPoP' : 'Bearer'} ${token}` } : {}),
      ...(proof ? { dpop: proof } : {}),
    },
    body: JSON.stringify({ query, ...(operationName ? { operationName } : {}) }),
  });
  return { status: response.status, body: await response.json() };
}
