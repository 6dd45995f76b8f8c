import { Agent } from '../../lib/http/agent.ts';
import type { Pool } from '../../lib/db/database.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { CAF_WITH_CLIENT_SECRET, clientAssertion, testConfig } from '../auth/support/broker.ts';
import { signIn } from '../auth/support/sign-in.ts';
import { CAF, json, PARKING, PARKING_REQUEST, parkingAuth, postForm, storedCount } from './support/oauth.ts';

/**
 * OpenID conformance (PAR and FAPI 2.0 tests), RFC 9126 §2, §4, §7.3: a pushed request's
 * `request_uri` is used once, before it expires, by the client that pushed it, and only
 * what was pushed counts; pushing needs the client's own authentication. A refused use
 * starts no interaction; a refused push stores nothing.
 */
let platform: TestPlatform;
let pool: Pool;
let issuer: string;
const STARTED = ['Interaction', 'AuthorizationCode', 'Session'];
const PUSHED = ['PushedAuthorizationRequest', 'ReplayDetection'];

beforeAll(async () => {
  // parking-nimes must push here, so that the sign-ins below go through PAR.
  platform = await startTestPlatform({
    components: ['impots', 'broker'],
    overrides: [['serviceProviders.parking-nimes.requirePar', true], ...CAF_WITH_CLIENT_SECRET],
  });
  pool = platform.pool;
  issuer = platform.issuer;
}, 60000);
afterAll(() => platform?.close());

const push = async (auth?: Record<string, string>) =>
  postForm(new URL('/par', issuer), { ...PARKING_REQUEST, ...(auth ?? (await parkingAuth(issuer))) });

async function pushed(): Promise<string> {
  const response = await push();
  expect(response.status).toBe(201);
  return (await json(response)).request_uri as string;
}

const authorize = (requestUri: string, params: Record<string, string> = {}) => {
  const url = new URL('/authorize', issuer);
  for (const [name, value] of Object.entries({ client_id: PARKING.clientId, request_uri: requestUri, ...params }))
    url.searchParams.set(name, value);
  return fetch(url, { redirect: 'manual' });
};

/** A refused request_uri: an error page (nothing to redirect to) or invalid_request_uri at the SP; nothing started. */
async function expectRefused(response: Response, before: number): Promise<void> {
  const location = response.headers.get('location');
  if (location) {
    expect([PARKING.redirectUri, CAF.redirectUri]).toContain(location.split('?')[0]);
    expect(['invalid_request_uri', 'invalid_request_object']).toContain(new URL(location).searchParams.get('error'));
    expect(new URL(location).searchParams.get('code')).toBeNull();
  } else {
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/AUTHORIZATION_REQUEST_INVALID|UNKNOWN_CLIENT/);
  }
  expect(await storedCount(pool, STARTED)).toBe(before);
}

test('positive control: a pushed request is stored, and its request_uri starts an interaction', async () => {
  const pushedBefore = await storedCount(pool, ['PushedAuthorizationRequest']);
  const requestUri = await pushed();
  expect(requestUri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  expect(await storedCount(pool, ['PushedAuthorizationRequest'])).toBe(pushedBefore + 1);
  const before = await storedCount(pool, STARTED);
  expect((await authorize(requestUri)).headers.get('location')).toMatch(/^\/interaction\//);
  expect(await storedCount(pool, STARTED)).toBe(before + 1);
});

test('a request_uri gives one code: once it has, using it again is refused', async () => {
  const first = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  expect(first.start.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  expect(first.landed.searchParams.get('code')).toBeTruthy();
  // The same browser (its broker session would skip every page): refused at once.
  const before = await storedCount(pool, STARTED);
  await expectRefused(await first.agent.fetch(first.start), before);
});

test('two interactions started from one request_uri: only the first to finish gets a code', async () => {
  // oidc-provider lets a pushed request start several interactions (a reload, a second
  // tab) and consumes it when it answers: the first answer wins, every later one is refused.
  const first = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  const before = await storedCount(pool, ['AuthorizationCode']);
  const second = await signIn(platform, {
    idp: 'impots',
    login: 'lucas.bernard',
    agent: new Agent(),
    start: first.start,
  });
  expect(second.landed.origin + second.landed.pathname).toBe(PARKING.redirectUri);
  expect(second.landed.searchParams.get('code')).toBeNull();
  expect(second.landed.searchParams.get('error')).toBe('invalid_request_uri');
  expect(await storedCount(pool, ['AuthorizationCode'])).toBe(before);
});

test('an expired request_uri is refused', async () => {
  const requestUri = await pushed();
  const id = requestUri.split(':').at(-1)!;
  const { rowCount } = await pool.query(
    `UPDATE auth.oidc_payloads SET payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch FROM now())::int - 10)),
       expires_at = now() - interval '10 seconds'
     WHERE model = 'PushedAuthorizationRequest' AND id = $1`,
    [id],
  );
  expect(rowCount).toBe(1);
  const before = await storedCount(pool, STARTED);
  await expectRefused(await authorize(requestUri), before);
});

test("another client's request_uri is refused", async () => {
  const requestUri = await pushed();
  const before = await storedCount(pool, STARTED);
  await expectRefused(await authorize(requestUri, { client_id: CAF.clientId }), before);
  // Still usable by the client that pushed it: the attempt did not consume it.
  expect((await authorize(requestUri)).headers.get('location')).toMatch(/^\/interaction\//);
});

test.each([
  ['an unknown request_uri', 'urn:ietf:params:oauth:request_uri:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
  ['a malformed request_uri', 'urn:ietf:params:oauth:request_uri:'],
])('%s is refused', async (_label, requestUri) => {
  const before = await storedCount(pool, STARTED);
  await expectRefused(await authorize(requestUri), before);
});

test('parameters added at /authorize next to a request_uri do not count: the pushed redirect_uri is used', async () => {
  const requestUri = await pushed();
  const response = await authorize(requestUri, { redirect_uri: 'http://evil.example/callback', scope: 'openid email' });
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(/^\/interaction\//);
  const { rows } = await pool.query<{ payload: { params: Record<string, string> } }>(
    "SELECT payload FROM auth.oidc_payloads WHERE model = 'Interaction' AND id = $1",
    [location.split('/').at(-1)],
  );
  expect(rows[0]!.payload.params.redirect_uri).toBe(PARKING.redirectUri);
  expect(rows[0]!.payload.params.scope).toBe('openid');
});

describe('pushing needs the client’s own authentication', () => {
  const secret = () => {
    const config = testConfig(CAF_WITH_CLIENT_SECRET);
    return config.secret(config.serviceProviders.find((s) => s.clientId === CAF.clientId)!.clientSecret!, 'test');
  };
  const cafRequest = { redirect_uri: CAF.redirectUri, client_id: CAF.clientId };

  test('positive control: simulateur-caf with its secret pushes, which the count sees', async () => {
    const before = await storedCount(pool, PUSHED);
    const response = await postForm(new URL('/par', issuer), {
      ...PARKING_REQUEST,
      ...cafRequest,
      client_secret: secret(),
    });
    expect(response.status).toBe(201);
    expect(await storedCount(pool, PUSHED)).toBe(before + 1);
  });

  test.each([
    ['no authentication at all', 401, 'invalid_client', async () => ({ client_id: PARKING.clientId })],
    ['a wrong secret', 401, 'invalid_client', async () => ({ ...cafRequest, client_secret: `${secret()}x` })],
    [
      'a secret for a private_key_jwt client',
      401,
      'invalid_client',
      async () => ({ client_id: PARKING.clientId, client_secret: secret() }),
    ],
    [
      "another client's assertion (client_id mismatch)",
      400,
      'invalid_request',
      async () => ({
        ...cafRequest,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await clientAssertion({ clientId: PARKING.clientId, audience: issuer }),
      }),
    ],
    [
      'two methods at once',
      400,
      'invalid_request',
      async () => ({ ...(await parkingAuth(issuer)), client_secret: secret() }),
    ],
  ])('%s is refused (%i %s), nothing stored', async (_label, status, error, auth) => {
    const before = await storedCount(pool, PUSHED);
    const response = await postForm(new URL('/par', issuer), { ...PARKING_REQUEST, ...(await auth()) });
    expect(response.status).toBe(status);
    expect((await json(response)).error).toBe(error);
    expect(await storedCount(pool, PUSHED)).toBe(before);
  });
});
