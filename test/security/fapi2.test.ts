import { calculateJwkThumbprint, compactDecrypt, decodeJwt, decodeProtectedHeader, exportJWK } from 'jose';
import * as oidc from 'openid-client';
import { Citizen, consentPage } from '../../harness/citizen.ts';
import { CAF_WITH_CLIENT_SECRET } from '../auth/support/broker.ts';
import { signDpopProof } from '../../harness/dpop-key.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { loadGatewayKeys } from '../../gateway/keys.ts';
import type { Pool } from '../../lib/db/database.ts';
import {
  authorizationUrl,
  postGraphQL,
  redeemCode,
  redirectError,
  registered,
  serviceProvider,
  type ServiceProvider,
} from '../helpers/service-provider.ts';

/**
 * FAPI 2.0 Security Profile with DPoP (RFC 9449) for every request that reads data:
 * an authorization request with `authorization_details` must be pushed (PAR) by a client
 * authenticating with private_key_jwt, with a DPoP proof that binds the code; the code is
 * redeemed with a proof of the same key; the pivot token carries `cnf.jkt` and the gateway
 * wants a fresh proof of that key on every request. Each refusal has its code, and nothing
 * is issued or stored. Plain sign-ins are not concerned.
 */
let platform: TestPlatform;
let parking: ServiceProvider;
let pool: Pool;

beforeAll(async () => {
  platform = await startTestPlatform({
    // simulateur-caf as a client that still authenticates with a shared secret.
    overrides: CAF_WITH_CLIENT_SECRET,
  });
  parking = await serviceProvider(platform, 'parking-nimes');
  pool = platform.database.pool({ max: 1 });
}, 90000);
afterAll(async () => {
  await pool?.end();
  await platform?.close();
});

async function stored(model: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM auth.oidc_payloads WHERE model = $1', [
    model,
  ]);
  return Number(rows[0]!.n);
}

const PARKING = [registered('Parking')];

/** Marie consents to Parking through a request built by `authorizationUrl`; the callback, not yet redeemed. */
async function consented(sp = parking) {
  const { url, checks } = await authorizationUrl(sp, { details: PARKING });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login: 'marie.dupont', idp: 'impots' }));
  return { callback: (await citizen.decide(page, 'allow')).url, checks };
}

describe('the discovery document says what is required', () => {
  test('DPoP algorithms, the iss response parameter, PAR', async () => {
    const metadata = await (await fetch(`${platform.issuer}/.well-known/openid-configuration`)).json();
    expect(metadata.dpop_signing_alg_values_supported).toEqual(['ES256', 'PS256', 'EdDSA']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${platform.issuer}/par`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    // Required per request (data), not for every sign-in: the global flag is not set.
    expect(metadata.require_pushed_authorization_requests).not.toBe(true);
  });
});

describe('authorization requests for data', () => {
  test('sent through the browser instead of PAR: FAPI_PAR_REQUIRED at the redirect URI, no code', async () => {
    const codes = await stored('AuthorizationCode');
    const { url } = await authorizationUrl(parking, { details: PARKING, par: false });
    const response = await fetch(url, { redirect: 'manual' });
    const back = new URL(response.headers.get('location')!);
    expect(back.origin).toBe('http://localhost:3000');
    expect(redirectError(back)).toMatchObject({ error: 'invalid_request' });
    expect(redirectError(back)!.description).toMatch(/^FAPI_PAR_REQUIRED: /);
    expect(back.searchParams.get('iss')).toBe(platform.issuer);
    expect(await stored('AuthorizationCode')).toBe(codes);
  });

  test('pushed without a DPoP proof: 400 FAPI_DPOP_REQUIRED, nothing stored', async () => {
    const pushed = await stored('PushedAuthorizationRequest');
    await expect(authorizationUrl(parking, { details: PARKING, dpop: false })).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^FAPI_DPOP_REQUIRED: /),
      status: 400,
    });
    expect(await stored('PushedAuthorizationRequest')).toBe(pushed);
  });

  test('pushed by a client authenticating with a shared secret: 400 FAPI_CLIENT_AUTH_NOT_ALLOWED', async () => {
    const caf = await serviceProvider(platform, 'simulateur-caf');
    const pushed = await stored('PushedAuthorizationRequest');
    await expect(authorizationUrl(caf, { details: [registered('FamilyQuotient')] })).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^FAPI_CLIENT_AUTH_NOT_ALLOWED: /),
    });
    expect(await stored('PushedAuthorizationRequest')).toBe(pushed);
    // The same client still signs citizens in (no data).
    const plain = await authorizationUrl(caf, {});
    expect((await fetch(plain.url, { redirect: 'manual' })).status).toBe(303);
  });

  test('a plain sign-in needs neither PAR nor DPoP (positive control)', async () => {
    const { url } = await authorizationUrl(parking, { par: false });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!, platform.issuer).pathname).toMatch(/^\/interaction\//);
  });
});

describe('the code is bound to the key of the pushed request', () => {
  test('redeemed without a proof: invalid_grant, no token', async () => {
    const { callback, checks } = await consented();
    const tokens = await stored('AccessToken');
    await expect(redeemCode(parking, callback, checks, undefined, { dpop: false })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(await stored('AccessToken')).toBe(tokens);
  });

  test('redeemed with a proof of another key: invalid_grant', async () => {
    const { callback, checks } = await consented();
    const thief = { ...parking, dpop: oidc.getDPoPHandle(parking.client, await oidc.randomDPoPKeyPair()) };
    await expect(redeemCode(thief, callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('the pivot token is bound to the key and useless without it', () => {
  let token: string;
  beforeAll(async () => {
    const { callback, checks } = await consented();
    token = (await redeemCode(parking, callback, checks)).access_token;
  }, 60000);

  test('it carries cnf.jkt, the thumbprint of the SP key', async () => {
    const keys = loadGatewayKeys(platform.config);
    const { kid } = decodeProtectedHeader(token);
    const { plaintext } = await compactDecrypt(token, keys.decryption.get(kid!)!);
    const claims = decodeJwt(new TextDecoder().decode(plaintext));
    expect(claims.cnf).toEqual({ jkt: await calculateJwkThumbprint(await exportJWK(parking.dpopKeys.publicKey)) });
  });

  test('with its proof: 200; the same proof again: 401 DPOP_PROOF_REPLAYED', async () => {
    const publicJwk = await exportJWK(parking.dpopKeys.publicKey);
    const proof = await signDpopProof(
      { privateKey: parking.dpopKeys.privateKey, publicJwk },
      { htm: 'POST', htu: platform.graphqlUrl, accessToken: token },
    );
    const send = () =>
      fetch(platform.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: proof },
        body: JSON.stringify({ query: parking.operation('Parking'), operationName: 'Parking' }),
      });
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect((await replay.json()).errors[0].extensions.code).toBe('DPOP_PROOF_REPLAYED');
    expect(replay.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
  });

  test('as a bearer token (a copy from a log or a proxy): 401 PIVOT_TOKEN_BEARER_NOT_ALLOWED', async () => {
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: parking.operation('Parking'), operationName: 'Parking' }),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].extensions.code).toBe('PIVOT_TOKEN_BEARER_NOT_ALLOWED');
  });

  test("with a proof of the thief's own key: 401 DPOP_KEY_MISMATCH", async () => {
    const thief = await oidc.randomDPoPKeyPair();
    const proof = await signDpopProof(
      { privateKey: thief.privateKey, publicJwk: await exportJWK(thief.publicKey) },
      { htm: 'POST', htu: platform.graphqlUrl, accessToken: token },
    );
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: proof },
      body: JSON.stringify({ query: parking.operation('Parking'), operationName: 'Parking' }),
    });
    expect(response.status).toBe(401);
    expect((await response.json()).errors[0].extensions.code).toBe('DPOP_KEY_MISMATCH');
  });

  test('the SP helper posts with a fresh proof each time (positive control)', async () => {
    for (let i = 0; i < 2; i++)
      expect((await postGraphQL(platform, token, parking.operation('Parking'), 'Parking')).status).toBe(200);
  });
});
