import type { Pool } from '../../lib/db/database.ts';
import { authorizationRequest, startTestBroker, type TestBroker } from '../auth/support/broker.ts';

/**
 * OpenID conformance (OP Basic) and RFC 9700 §4.1: the redirect URI is compared exactly
 * with a registered one. Every variant below shows the broker's error page (400, code
 * REDIRECT_URI_NOT_REGISTERED), redirects nowhere, and stores no interaction or code.
 */
let t: TestBroker;
let pool: Pool;
const REDIRECT = 'http://localhost:3000/callback';

beforeAll(async () => {
  t = await startTestBroker({});
  pool = t.database.pool({ max: 1 });
}, 60000);
afterAll(async () => {
  await pool?.end();
  await t?.close();
});

async function storedModels(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM auth.oidc_payloads WHERE model IN ('Interaction', 'AuthorizationCode', 'Session')",
  );
  return Number(rows[0]!.n);
}

const authorize = (redirectUri: string) => authorizationRequest(t.broker.issuer, { redirect_uri: redirectUri });

test('the registered URI itself starts an interaction, which is stored (the count below sees it)', async () => {
  const before = await storedModels();
  expect((await authorize(REDIRECT)).status).toBe(303);
  expect(await storedModels()).toBe(before + 1);
});

test.each([
  ['a suffix on the path', `${REDIRECT}x`],
  ['another path', 'http://localhost:3000/callback/../admin'],
  ['a case change in the path', 'http://localhost:3000/Callback'],
  ['a case change in the scheme and host', 'HTTP://LOCALHOST:3000/callback'],
  ['a fragment', `${REDIRECT}#x`],
  ['an extra query', `${REDIRECT}?a=1`],
  ['127.0.0.1 for localhost', 'http://127.0.0.1:3000/callback'],
  ['[::1] for localhost', 'http://[::1]:3000/callback'],
  ['https for http', 'https://localhost:3000/callback'],
  ['user info before the host', 'http://evil.example@localhost:3000/callback'],
  ['a host suffix', 'http://localhost.evil.example:3000/callback'],
  ['an encoded path', 'http://localhost:3000/%63allback'],
  ["another SP's registered URI", 'http://localhost:3100/callback'],
])('%s is refused, nothing stored', async (_label, redirectUri) => {
  const before = await storedModels();
  const response = await authorize(redirectUri);
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(await response.text()).toContain('REDIRECT_URI_NOT_REGISTERED');
  expect(await storedModels()).toBe(before);
});
