import * as oidc from 'openid-client';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { Agent } from '../../lib/http/agent.ts';
import { redeem, signIn } from '../auth/support/sign-in.ts';
import { authorizationResponse, PARKING, storedCount } from './support/oauth.ts';

/**
 * OpenID conformance (OP Basic: prompt=none, acr_values) and the eIDAS levels: without
 * a session `prompt=none` answers login_required to the SP; a single sign-on session
 * never satisfies a higher level than it was signed in at (no downgrade), and an
 * unknown level is refused. (An IdP answering below the level asked: test/auth/sign-in.test.ts.)
 */
let platform: TestPlatform;
const STARTED = ['Interaction', 'AuthorizationCode'];

beforeAll(async () => {
  platform = await startTestPlatform({ components: ['impots', 'laposte', 'broker'] });
}, 60000);
afterAll(() => platform?.close());

/** A front-channel request as parking-nimes, sent by `agent` (its cookies: its broker session). */
async function authorize(agent: Agent, params: Record<string, string>): Promise<Response> {
  const url = new URL('/authorize', platform.issuer);
  const defaults = {
    client_id: PARKING.clientId,
    redirect_uri: PARKING.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: 's'.repeat(32),
    nonce: 'n'.repeat(32),
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(name, value);
  return agent.fetch(url, { redirect: 'manual' });
}

test('prompt=none without a session: login_required to the SP, nothing started', async () => {
  const before = await storedCount(platform.pool, STARTED);
  const refusal = authorizationResponse(await authorize(new Agent(), { prompt: 'none' }));
  expect(refusal.location.origin + refusal.location.pathname).toBe(PARKING.redirectUri);
  expect(refusal.error).toBe('login_required');
  expect(refusal.code).toBeNull();
  expect(await storedCount(platform.pool, STARTED)).toBe(before);
});

describe('a single sign-on session at eidas1', () => {
  let agent: Agent;
  beforeAll(async () => {
    agent = new Agent();
    const { claims } = await redeem(await signIn(platform, { idp: 'impots', login: 'marie.dupont', agent }));
    expect(claims.acr).toBe('eidas1');
  });

  test('positive control: satisfies prompt=none at eidas1 (a code at once)', async () => {
    const response = authorizationResponse(await authorize(agent, { prompt: 'none', acr_values: 'eidas1' }));
    expect(response.error).toBeNull();
    expect(response.code).toBeTruthy();
  });

  test('does not satisfy prompt=none at eidas2: login_required, no code', async () => {
    const codes = await storedCount(platform.pool, ['AuthorizationCode']);
    const refusal = authorizationResponse(await authorize(agent, { prompt: 'none', acr_values: 'eidas2' }));
    expect(refusal.error).toBe('login_required');
    expect(refusal.code).toBeNull();
    expect(await storedCount(platform.pool, ['AuthorizationCode'])).toBe(codes);
  });

  test('an eidas2 request signs in again, and its ID token says eidas2', async () => {
    const response = await authorize(agent, { acr_values: 'eidas2' });
    expect(response.headers.get('location')).toMatch(/^\/interaction\//);
    await response.arrayBuffer();
    const again = await signIn(platform, { idp: 'laposte', login: 'marie.dupont', acr: 'eidas2', agent });
    expect((await redeem(again)).claims.acr).toBe('eidas2');
  });
});

test.each(['eidas4', 'eidas1 loa2', 'http://eidas.europa.eu/LoA/high'])(
  'acr_values "%s" is refused with ACR_VALUES_INVALID, nothing started',
  async (acr) => {
    const before = await storedCount(platform.pool, STARTED);
    const refusal = authorizationResponse(await authorize(new Agent(), { acr_values: acr }));
    expect(refusal.error).toBe('invalid_request');
    expect(refusal.description).toMatch(/^ACR_VALUES_INVALID: /);
    expect(await storedCount(platform.pool, STARTED)).toBe(before);
  },
);
