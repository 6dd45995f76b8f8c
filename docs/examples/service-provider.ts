// A service provider reading a citizen's data through Passerelle, with openid-client 6.
// docs/service-providers.md "Reading data as a service provider" shows this file; test/auth/consent/journeys.test.ts runs it.
import * as client from 'openid-client';

/** 1. Discover the broker; authenticate with private_key_jwt (the SP's registered ES256 key). */
export async function connect(
  issuer: string,
  clientId: string,
  privateKey: CryptoKey,
  options: { sandbox?: boolean } = {},
) {
  return client.discovery(
    new URL(issuer),
    clientId,
    undefined,
    client.PrivateKeyJwt(privateKey),
    // The sandbox runs on http://localhost; production brokers are https only.
    options.sandbox ? { execute: [client.allowInsecureRequests] } : undefined,
  );
}

/**
 * 2. Send the citizen to the broker, asking for one GraphQL operation and saying why.
 * A request for data follows FAPI 2.0: pushed (PAR) with a DPoP proof of a key of the SP's,
 * to which the code, then the pivot token, are bound (RFC 9449).
 */
export async function startSignIn(
  broker: client.Configuration,
  request: {
    redirectUri: string;
    /** A registered operation's name, or the name of the operation in `document`. */
    operationName: string;
    /** Inline GraphQL document; leave it out for a registered operation. */
    document?: string;
    purpose: string;
    acr?: 'eidas1' | 'eidas2' | 'eidas3';
  },
) {
  // Keep these in the user's session until the citizen comes back: the checks, and the key.
  const dpop = client.getDPoPHandle(broker, await client.randomDPoPKeyPair());
  const checks = {
    pkceCodeVerifier: client.randomPKCECodeVerifier(),
    expectedState: client.randomState(),
    expectedNonce: client.randomNonce(),
  };
  const parameters = {
    redirect_uri: request.redirectUri,
    scope: 'openid given_name family_name',
    acr_values: request.acr ?? 'eidas1',
    code_challenge: await client.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    authorization_details: JSON.stringify([
      {
        type: 'graphql_operation',
        operation_name: request.operationName,
        ...(request.document ? { document: request.document } : {}),
        purpose: request.purpose,
      },
    ]),
  };
  // Pushed to /par first (required for data: the browser carries only a request_uri).
  const url = await client.buildAuthorizationUrlWithPAR(broker, parameters, { DPoP: dpop });
  return { url, checks, dpop };
}

/** 3. Back at the redirect URI: exchange the code (PKCE, state, nonce and ID token are checked). */
export async function finishSignIn(
  broker: client.Configuration,
  callbackUrl: URL,
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string },
  dpop: client.DPoPHandle,
) {
  const tokens = await client.authorizationCodeGrant(broker, callbackUrl, checks, undefined, { DPoP: dpop });
  return {
    // Identity claims consented: in the ID token (the access token is for the gateway, not /userinfo).
    identity: tokens.claims()!,
    // The pivot token: opaque to the SP (encrypted to the gateway), valid about a minute,
    // useless without the DPoP key.
    accessToken: tokens.access_token,
    // What the citizen consented to: operation name and hash, scopes.
    consented: tokens.authorization_details,
  };
}

/** 4. One POST to the gateway: exactly the consented document, with a fresh DPoP proof. */
export async function queryGateway(
  broker: client.Configuration,
  dpop: client.DPoPHandle,
  graphqlUrl: string,
  accessToken: string,
  document: string,
  operationName: string,
) {
  let response: Response;
  try {
    response = await client.fetchProtectedResource(
      broker,
      accessToken,
      new URL(graphqlUrl),
      'POST',
      JSON.stringify({ query: document, operationName }),
      new Headers({ 'content-type': 'application/json' }),
      { DPoP: dpop },
    );
  } catch (error) {
    // A refused token or proof (401) comes as an error that carries the gateway's answer.
    if (!(error instanceof client.WWWAuthenticateChallengeError)) throw error;
    response = error.response;
  }
  const body = (await response.json()) as {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, ...body };
}
