import * as oidc from 'openid-client';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { authorizationRequest } from '../auth/support/broker.ts';
import { redeem, signIn } from '../auth/support/sign-in.ts';
import { authorizationResponse, json, PARKING, redeemCode, storedCount } from './support/oauth.ts';

/**
 * OpenID conformance (OP Basic, FAPI 2.0 PKCE tests) and RFC 9700 §2.1.1, §4.8: every
 * authorization request carries a S256 code challenge, and the code is redeemed only
 * with its own verifier. Refused requests start no interaction; refused redemptions
 * issue no token.
 */
let platform: TestPlatform;
const STARTED = ['Interaction', 'AuthorizationCode', 'Session'];
const ISSUED = ['AccessToken', 'RefreshToken'];

beforeAll(async () => {
  platform = await startTestPlatform({ components: ['impots', 'broker'] });
}, 60000);
afterAll(() => platform?.close());

describe('at the authorization endpoint', () => {
  const challenge = () => oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier());

  test('positive control: a S256 challenge starts an interaction, which the count sees', async () => {
    const before = await storedCount(platform.pool, STARTED);
    const response = await authorizationRequest(platform.issuer, {});
    expect(response.headers.get('location')).toMatch(/^\/interaction\//);
    expect(await storedCount(platform.pool, STARTED)).toBe(before + 1);
  });

  test.each([
    ['no challenge at all', async () => ({ code_challenge: undefined, code_challenge_method: undefined })],
    ['a method without challenge', async () => ({ code_challenge: undefined })],
    [
      'a challenge without method',
      async () => ({ code_challenge: await challenge(), code_challenge_method: undefined }),
    ],
    ['plain', async () => ({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })],
    ['an unknown method', async () => ({ code_challenge: await challenge(), code_challenge_method: 'S512' })],
    ['a challenge too short', async () => ({ code_challenge: 'a'.repeat(42) })],
    ['a challenge with characters outside base64url', async () => ({ code_challenge: `${'a'.repeat(42)}=` })],
  ])('%s is refused (invalid_request to the SP), nothing started', async (_label, params) => {
    const before = await storedCount(platform.pool, STARTED);
    const refusal = authorizationResponse(await authorizationRequest(platform.issuer, await params()));
    expect(refusal.location.origin + refusal.location.pathname).toBe(PARKING.redirectUri);
    expect(refusal.error).toBe('invalid_request');
    expect(refusal.description).toMatch(/PKCE|code_challenge/);
    expect(refusal.code).toBeNull();
    expect(await storedCount(platform.pool, STARTED)).toBe(before);
  });
});

describe('at the token endpoint', () => {
  test.each([
    ['a wrong verifier', 'x'.repeat(43), 'invalid_grant'],
    ['a verifier too short', 'x'.repeat(42), 'invalid_request'],
    ['no verifier', undefined, 'invalid_grant'],
  ])('%s is refused (%s), no token issued; the right one still works', async (_label, verifier, error) => {
    const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
    const code = result.landed.searchParams.get('code')!;
    const before = await storedCount(platform.pool, ISSUED);
    const response = await redeemCode(platform.issuer, { code, ...(verifier ? { code_verifier: verifier } : {}) });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe(error);
    expect(await storedCount(platform.pool, ISSUED)).toBe(before);
    // A failed attempt does not burn the code: the SP holding the verifier is not locked out.
    expect((await redeem(result)).claims.sub).toBeDefined();
  });

  test('the verifier of another request is refused: each code is bound to its own challenge', async () => {
    const first = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
    const second = await signIn(platform, { idp: 'impots', login: 'lucas.bernard' });
    const before = await storedCount(platform.pool, ISSUED);
    for (const [result, other] of [
      [first, second],
      [second, first],
    ] as const) {
      const response = await redeemCode(platform.issuer, {
        code: result.landed.searchParams.get('code')!,
        code_verifier: other.checks.pkceCodeVerifier,
      });
      expect(response.status).toBe(400);
      expect((await json(response)).error).toBe('invalid_grant');
    }
    expect(await storedCount(platform.pool, ISSUED)).toBe(before);
  });
});
