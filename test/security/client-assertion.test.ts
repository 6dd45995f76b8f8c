import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Pool } from '../../lib/db/database.ts';
import { sandboxSpKey } from '../../harness/sandbox-keys.ts';
import {
  CAF_WITH_CLIENT_SECRET,
  clientAssertion,
  startTestBroker,
  testConfig,
  type TestBroker,
} from '../auth/support/broker.ts';
import {
  CAF,
  json,
  PARKING,
  PARKING_REQUEST,
  parkingAuth,
  postForm,
  redeemCode,
  storedCount,
} from './support/oauth.ts';

/**
 * private_key_jwt (RFC 7523, OpenID Core §9; FAPI 2.0 §5.3.3; RFC 9700 §2.5): an
 * assertion is signed with the client's registered asymmetric key, names the broker as
 * audience, is fresh and used once. Everything else is `401 invalid_client` at both
 * endpoints that authenticate clients, and stores nothing: no pushed request, no
 * remembered `jti`, no token.
 */
let t: TestBroker;
let pool: Pool;
let issuer: string;
const STORED = ['PushedAuthorizationRequest', 'ReplayDetection', 'AccessToken'];

beforeAll(async () => {
  t = await startTestBroker({ config: testConfig(CAF_WITH_CLIENT_SECRET) });
  pool = t.database.pool({ max: 1 });
  issuer = t.broker.issuer;
}, 60000);
afterAll(async () => {
  await pool?.end();
  await t?.close();
});

/** The two endpoints where an SP authenticates; the token one gets a made-up code, so auth is all that can pass. */
const endpoints = {
  par: (auth: Record<string, string>) => postForm(new URL('/par', issuer), { ...PARKING_REQUEST, ...auth }),
  token: (auth: Record<string, string>) =>
    redeemCode(issuer, { code: 'x'.repeat(43), code_verifier: 'y'.repeat(43) }, auth),
};
const ENDPOINTS = Object.keys(endpoints) as Array<keyof typeof endpoints>;

/** HS256 over the claims of a valid assertion, keyed with `secret` (an alg-confusion attempt). */
async function hs256(clientId: string, secret: Uint8Array): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: clientId, sub: clientId, aud: issuer, jti: crypto.randomUUID(), iat: now, exp: now + 60 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(secret);
}

const cafSecret = () => {
  const config = testConfig(CAF_WITH_CLIENT_SECRET);
  return config.secret(config.serviceProviders.find((s) => s.clientId === CAF.clientId)!.clientSecret!, 'test');
};

test.each(ENDPOINTS)(
  'positive control at /%s: a valid assertion authenticates (and its jti is remembered)',
  async (name) => {
    const before = await storedCount(pool, ['ReplayDetection']);
    const response = await endpoints[name](await parkingAuth(issuer));
    // PAR: the request is stored; token: authentication passed, the made-up code is what fails.
    expect(response.status).toBe(name === 'par' ? 201 : 400);
    if (name === 'token') expect((await json(response)).error).toBe('invalid_grant');
    expect(await storedCount(pool, ['ReplayDetection'])).toBe(before + 1);
  },
);

/** Label, assertion, and the answer when it is not `401 invalid_client`. */
const TAMPERED: Array<[string, () => Promise<string>, number?, string?]> = [
  ['alg none', () => clientAssertion({ clientId: PARKING.clientId, audience: issuer, alg: 'none' })],
  [
    'HS256 keyed with its public key (alg confusion)',
    () => hs256(PARKING.clientId, new TextEncoder().encode(JSON.stringify(publicPart(sandboxSpKey(PARKING.clientId))))),
  ],
  [
    'a key it has not registered',
    async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const key = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: sandboxSpKey(PARKING.clientId).kid };
      return clientAssertion({ clientId: PARKING.clientId, audience: issuer, key });
    },
  ],
  ['a wrong audience', () => clientAssertion({ clientId: PARKING.clientId, audience: 'http://localhost:9/elsewhere' })],
  [
    'an audience list with only another server',
    () => clientAssertion({ clientId: PARKING.clientId, audience: issuer, claims: { aud: ['https://as.example'] } }),
  ],
  ['an expired assertion', () => clientAssertion({ clientId: PARKING.clientId, audience: issuer, expiresIn: -120 })],
  [
    'an assertion not valid yet (nbf in the future)',
    () =>
      clientAssertion({
        clientId: PARKING.clientId,
        audience: issuer,
        claims: { nbf: Math.floor(Date.now() / 1000) + 600 },
      }),
  ],
  ['no jti', () => clientAssertion({ clientId: PARKING.clientId, audience: issuer, claims: { jti: undefined } })],
  ['no exp', () => clientAssertion({ clientId: PARKING.clientId, audience: issuer, claims: { exp: undefined } })],
  [
    "another client's name in iss and sub",
    () =>
      clientAssertion({
        clientId: PARKING.clientId,
        audience: issuer,
        claims: { iss: CAF.clientId, sub: CAF.clientId },
      }),
    400,
    'invalid_request',
  ],
  [
    'a wrong issuer',
    () => clientAssertion({ clientId: PARKING.clientId, audience: issuer, claims: { iss: CAF.clientId } }),
  ],
];

describe.each(ENDPOINTS)('at /%s', (name) => {
  // Every row with four members: jest takes a missing one for a `done` callback.
  const rows = TAMPERED.map(
    ([label, make, status, error]) => [label, make, status ?? 401, error ?? 'invalid_client'] as const,
  );
  test.each(rows)('an assertion with %s is refused (%i %s), nothing stored', async (_label, make, status, error) => {
    const before = await storedCount(pool, STORED);
    const response = await endpoints[name](await parkingAuth(issuer, await make()));
    expect(response.status).toBe(status);
    expect((await json(response)).error).toBe(error);
    expect(await storedCount(pool, STORED)).toBe(before);
  });

  test('a replayed assertion (same jti) is refused, at this endpoint or the other', async () => {
    const assertion = await clientAssertion({ clientId: PARKING.clientId, audience: issuer });
    expect((await endpoints[name](await parkingAuth(issuer, assertion))).status).not.toBe(401);
    const before = await storedCount(pool, STORED);
    for (const endpoint of ENDPOINTS) {
      const replay = await endpoints[endpoint](await parkingAuth(issuer, assertion));
      expect(replay.status).toBe(401);
      expect((await json(replay)).error).toBe('invalid_client');
    }
    expect(await storedCount(pool, STORED)).toBe(before);
  });

  test('a fresh assertion with a jti already used is refused', async () => {
    const jti = crypto.randomUUID();
    const first = await clientAssertion({ clientId: PARKING.clientId, audience: issuer, claims: { jti } });
    expect((await endpoints[name](await parkingAuth(issuer, first))).status).not.toBe(401);
    const second = await clientAssertion({
      clientId: PARKING.clientId,
      audience: issuer,
      claims: { jti },
      expiresIn: 90,
    });
    expect((await endpoints[name](await parkingAuth(issuer, second))).status).toBe(401);
  });

  test("simulateur-caf's secret as an HS256 assertion (client_secret_jwt) is refused", async () => {
    const before = await storedCount(pool, STORED);
    const response = await endpoints[name]({
      client_id: CAF.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await hs256(CAF.clientId, new TextEncoder().encode(cafSecret())),
      redirect_uri: CAF.redirectUri,
    });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toBe('invalid_client');
    expect(await storedCount(pool, STORED)).toBe(before);
  });

  test("parking-nimes' valid assertion presented for simulateur-caf is refused", async () => {
    const before = await storedCount(pool, STORED);
    const response = await endpoints[name]({
      ...(await parkingAuth(issuer)),
      client_id: CAF.clientId,
      redirect_uri: CAF.redirectUri,
    });
    expect([400, 401]).toContain(response.status);
    expect(['invalid_client', 'invalid_request']).toContain((await json(response)).error);
    expect(await storedCount(pool, STORED)).toBe(before);
  });
});

/** The public members of a JWK (what the broker holds). */
function publicPart(jwk: Record<string, unknown>): Record<string, unknown> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
}
