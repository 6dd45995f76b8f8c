import * as oidc from 'openid-client';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { Agent } from '../../lib/http/agent.ts';
import { redeem, signIn } from '../auth/support/sign-in.ts';
import { CAF, storedCount } from './support/oauth.ts';

/**
 * RP-initiated logout (OpenID RP-Initiated Logout 1.0 §2–3, RFC 9700 §4.11 open
 * redirectors): the broker redirects after logout only to a post_logout_redirect_uri
 * registered by the client the id_token_hint was issued to. Anything else is an error
 * page (LOGOUT_REQUEST_INVALID) that links nowhere, and the session stays.
 */
let platform: TestPlatform;
let idToken: string;
let agent: Agent;
const LOGGED_OUT = 'http://localhost:3000/logged-out';

beforeAll(async () => {
  platform = await startTestPlatform({ components: ['impots', 'broker'] });
  agent = new Agent();
  ({ id_token: idToken } = (await redeem(await signIn(platform, { idp: 'impots', login: 'marie.dupont', agent })))
    .tokens as { id_token: string });
}, 60000);
afterAll(() => platform?.close());

const logout = (params: Record<string, string>) => {
  const url = new URL('/logout', platform.issuer);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return agent.fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
};

test('positive control: a registered URI with its id_token_hint gets the confirmation page', async () => {
  const response = await logout({ id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT, state: 'x' });
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('name="xsrf"');
});

test.each([
  ['an unregistered URI', { post_logout_redirect_uri: 'http://evil.example/' }],
  ['a suffix on the registered URI', { post_logout_redirect_uri: `${LOGGED_OUT}x` }],
  ['an extra query', { post_logout_redirect_uri: `${LOGGED_OUT}?next=http://evil.example` }],
  ["another SP's registered URI", { post_logout_redirect_uri: CAF.redirectUri.replace('callback', '') }],
  ['another client_id than the hint’s audience', { post_logout_redirect_uri: LOGGED_OUT, client_id: CAF.clientId }],
])('%s is refused with an error page, no redirect, the session kept', async (_label, params) => {
  const sessions = await storedCount(platform.pool, ['Session']);
  const response = await logout({ id_token_hint: idToken, ...params });
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  const html = await response.text();
  expect(html).toContain('LOGOUT_REQUEST_INVALID');
  expect(html).not.toMatch(/(href|action)="http:\/\/evil/);
  expect(await storedCount(platform.pool, ['Session'])).toBe(sessions);
});

test('a post_logout_redirect_uri without id_token_hint nor client_id is ignored: it leads nowhere', async () => {
  const response = await logout({ post_logout_redirect_uri: 'http://evil.example/' });
  expect(response.headers.get('location')).toBeNull();
  const html = await response.text();
  // The language switch repeats the request (escaped, relative); nothing links out to it.
  expect(html).not.toMatch(/(href|action)="http:\/\/evil/);
  expect(response.headers.get('content-security-policy')).not.toContain('evil.example');
});

test('an id_token_hint whose signature was altered is refused', async () => {
  const [header, payload, signature] = idToken.split('.');
  const forged = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
  const response = await logout({ id_token_hint: forged, post_logout_redirect_uri: LOGGED_OUT });
  expect(response.status).toBe(400);
  expect(await response.text()).toContain('LOGOUT_REQUEST_INVALID');
});

test("simulateur-caf's id_token_hint cannot send the browser to parking-nimes' URI", async () => {
  const other = await signIn(platform, {
    idp: 'impots',
    login: 'lucas.bernard',
    clientId: CAF.clientId,
    scope: 'openid given_name',
  });
  const tokens = await oidc.authorizationCodeGrant(other.client, other.landed, other.checks);
  const response = await logout({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGGED_OUT });
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(await response.text()).toContain('LOGOUT_REQUEST_INVALID');
});

test('the confirmation form without its xsrf token ends nothing', async () => {
  const page = await logout({ id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT });
  const html = await page.text();
  const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)![1]!;
  const sessions = await storedCount(platform.pool, ['Session']);
  for (const xsrf of [undefined, 'x'.repeat(43)]) {
    const response = await agent.fetch(new URL(action, platform.issuer), {
      form: { logout: 'yes', ...(xsrf ? { xsrf } : {}) },
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('LOGOUT_REQUEST_INVALID');
  }
  expect(await storedCount(platform.pool, ['Session'])).toBe(sessions);
});
