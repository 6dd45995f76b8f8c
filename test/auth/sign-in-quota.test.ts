import * as oidc from 'openid-client';
import type { Pool } from '../../lib/db/database.ts';
import { inOneSecond } from '../helpers/one-window.ts';
import {
  authorizationRequest,
  CAF_WITH_CLIENT_SECRET,
  startTestBroker,
  testConfig,
  type TestBroker,
} from './support/broker.ts';

/**
 * The service provider's sign-in quota at the broker (auth/sign-in-quota.ts): the
 * authorization requests per second at `/authorize` and `/par`, counted once the client
 * is known (and authenticated, at `/par`), a pushed request counting once. Over it:
 * `temporarily_unavailable` with SIGN_IN_RATE_LIMIT_EXCEEDED — the citizen sent back to
 * the SP from `/authorize`, 429 with the RateLimit fields from `/par` — nothing stored,
 * and one `quota.exceeded` per window.
 */
let t: TestBroker;
let pool: Pool;
const CAF = { clientId: 'simulateur-caf', redirectUri: 'http://localhost:3100/callback' };
let cafSecret: string;
/** The window of the /par test, in which two requests were refused. */
let parWindow: string;

beforeAll(async () => {
  const config = testConfig([
    // /par with the simplest client authentication: a form post with the secret.
    ...CAF_WITH_CLIENT_SECRET,
    ['serviceProviders.parking-nimes.quotas.signInsPerSecond', 2],
    ['serviceProviders.simulateur-caf.quotas.signInsPerSecond', 2],
  ]);
  cafSecret = config.secret(config.serviceProviders.find((sp) => sp.clientId === CAF.clientId)!.clientSecret!, 'test');
  t = await startTestBroker({ config });
  pool = t.database.pool({ max: 1 });
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await t?.close();
});

async function storedInteractions(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM auth.oidc_payloads WHERE model IN ('Interaction', 'PushedAuthorizationRequest')",
  );
  return Number(rows[0]!.n);
}

async function pushed(secret = cafSecret): Promise<Response> {
  const body = new URLSearchParams({
    client_id: CAF.clientId,
    client_secret: secret,
    response_type: 'code',
    redirect_uri: CAF.redirectUri,
    scope: 'openid given_name',
    state: 's'.repeat(32),
    nonce: 'n'.repeat(32),
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  return fetch(new URL('/par', t.broker.issuer), { method: 'POST', body });
}

async function quotaEvents(clientId: string): Promise<any[]> {
  const { rows } = await pool.query(
    "SELECT data FROM audit.events WHERE kind = 'quota.exceeded' AND client_id = $1 ORDER BY seq",
    [clientId],
  );
  return rows.map((r) => r.data);
}

const outcome = (response: Response) => {
  const location = response.headers.get('location');
  if (!location) return `${response.status}`;
  const url = new URL(location, t.broker.issuer);
  return url.searchParams.get('error') ?? url.pathname.split('/').slice(0, 2).join('/');
};

test('/authorize: the third valid request of a second goes back to the SP with temporarily_unavailable; invalid ones do not count', async () => {
  const { responses, stored } = await inOneSecond(async () => {
    const before = await storedInteractions();
    const responses = [
      await authorizationRequest(t.broker.issuer, { nonce: 'short' }),
      await authorizationRequest(t.broker.issuer, { nonce: 'short' }),
      await authorizationRequest(t.broker.issuer),
      await authorizationRequest(t.broker.issuer),
      await authorizationRequest(t.broker.issuer),
    ];
    return { responses, stored: (await storedInteractions()) - before };
  });
  expect(responses.map(outcome)).toEqual([
    'invalid_request',
    'invalid_request',
    '/interaction',
    '/interaction',
    'temporarily_unavailable',
  ]);
  expect(stored).toBe(2); // the refused request stored nothing
  const back = new URL(responses[4]!.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe('http://localhost:3000/callback');
  expect(back.searchParams.get('error_description')).toMatch(/^SIGN_IN_RATE_LIMIT_EXCEEDED: /);
  expect(back.searchParams.get('state')).toBe('s'.repeat(32));
  expect(back.searchParams.get('iss')).toBe(t.broker.issuer);
  expect(responses[4]!.headers.get('retry-after')).toBe('1');
});

test('/par: over the quota, 429 temporarily_unavailable with the RateLimit fields; forged requests spend nothing', async () => {
  let responses: Response[];
  ({ responses, window: parWindow } = await inOneSecond(async () => ({
    window: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
    responses: [
      await pushed('a-wrong-secret-that-is-long-enough-to-be-tried'),
      await pushed('a-wrong-secret-that-is-long-enough-to-be-tried'),
      await pushed(),
      await pushed(),
      await pushed(),
      await pushed(),
    ],
  })));
  expect(responses.map((r) => r.status)).toEqual([401, 401, 201, 201, 429, 429]);
  const refused = responses[4]!;
  expect(refused.headers.get('ratelimit-policy')).toBe('"per-second";q=2;w=1');
  expect(refused.headers.get('ratelimit')).toBe('"per-second";r=0;t=1');
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await refused.json()).toEqual({
    error: 'temporarily_unavailable',
    error_description: 'SIGN_IN_RATE_LIMIT_EXCEEDED: too many sign-in requests for this service; retry later',
  });
});

test('a pushed request counts once: its request_uri at /authorize is not counted again', async () => {
  const { par, authorize } = await inOneSecond(async () => {
    const first = await pushed();
    const second = await pushed();
    const { request_uri } = (await first.json()) as { request_uri: string };
    const url = new URL('/authorize', t.broker.issuer);
    url.search = new URLSearchParams({ client_id: CAF.clientId, request_uri }).toString();
    return { par: [first.status, second.status], authorize: await fetch(url, { redirect: 'manual' }) };
  });
  expect(par).toEqual([201, 201]);
  expect(outcome(authorize)).toBe('/interaction');
});

test('the quota hit is in the audit chain once per window, not once per refusal', async () => {
  const events = await quotaEvents(CAF.clientId);
  expect(events.filter((e) => e.windowStart === parWindow)).toEqual([
    {
      component: 'broker',
      quota: 'signInsPerSecond',
      limit: 2,
      windowSeconds: 1,
      windowStart: parWindow,
      operationHash: null,
      operationName: null,
    },
  ]);
  expect(new Set(events.map((e) => e.windowStart)).size).toBe(events.length);
  expect(await quotaEvents('parking-nimes')).toHaveLength(1);
});

test("the refusals are counted by client id in the broker's metrics", async () => {
  const text = await (await fetch(new URL('/metrics', t.broker.issuer))).text();
  const count = (clientId: string) =>
    Number(
      text.match(
        new RegExp(`^passerelle_broker_sign_in_quota_refusals_total\\{client_id="${clientId}"\\} (\\d+)$`, 'm'),
      )?.[1],
    );
  // At least the refusals the tests above saw (a burst cut by a second boundary runs again).
  expect(count('parking-nimes')).toBeGreaterThanOrEqual(1);
  expect(count(CAF.clientId)).toBeGreaterThanOrEqual(2);
});
