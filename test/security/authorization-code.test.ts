import * as oidc from 'openid-client';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { CAF_WITH_CLIENT_SECRET, testConfig } from '../auth/support/broker.ts';
import { redeem, signIn, type SignInResult } from '../auth/support/sign-in.ts';
import { CAF, json, PARKING, postForm, redeemCode, storedCount } from './support/oauth.ts';

/**
 * OpenID conformance (OP Basic: code reuse), RFC 6749 §4.1.2 / §4.1.3 and RFC 9700
 * §4.5 (code injection), §4.2.4 (code lifetime): a code is redeemed once, by the client
 * it was issued to, with the redirect URI it was sent to, before it expires. A second
 * redemption also revokes what the first one gave. No refused redemption issues a token.
 */
let platform: TestPlatform;
const ISSUED = ['AccessToken', 'RefreshToken'];
const SECOND_REDIRECT = 'http://localhost:3000/callback-2';

beforeAll(async () => {
  platform = await startTestPlatform({
    components: ['impots', 'broker'],
    overrides: [
      ['serviceProviders.parking-nimes.metadata.redirect_uris', [PARKING.redirectUri, SECOND_REDIRECT]],
      ...CAF_WITH_CLIENT_SECRET,
    ],
  });
}, 60000);
afterAll(() => platform?.close());

const codeOf = (result: SignInResult) => result.landed.searchParams.get('code')!;
const userinfo = (accessToken: string) =>
  fetch(new URL('/userinfo', platform.issuer), { headers: { authorization: `Bearer ${accessToken}` } });

test('positive control: the first redemption gives tokens, which the count sees, and opens userinfo', async () => {
  const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  const before = await storedCount(platform.pool, ISSUED);
  const { tokens } = await redeem(result);
  expect(await storedCount(platform.pool, ISSUED)).toBe(before + 1);
  expect((await userinfo(tokens.access_token)).status).toBe(200);
});

test('a reused code is refused, and the access token the first redemption gave is revoked', async () => {
  const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  const { tokens } = await redeem(result);
  expect((await userinfo(tokens.access_token)).status).toBe(200);
  const before = await storedCount(platform.pool, ISSUED);

  const again = await redeemCode(platform.issuer, {
    code: codeOf(result),
    code_verifier: result.checks.pkceCodeVerifier,
  });
  expect(again.status).toBe(400);
  expect((await json(again)).error).toBe('invalid_grant');

  const refused = await userinfo(tokens.access_token);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  // Revoked means gone from the store: the grant's tokens are deleted, none issued.
  expect(await storedCount(platform.pool, ISSUED)).toBe(before - 1);
});

test('a code of parking-nimes redeemed by simulateur-caf (its own authentication) is refused; nothing issued', async () => {
  const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  const config = testConfig(CAF_WITH_CLIENT_SECRET);
  const secret = config.secret(config.serviceProviders.find((s) => s.clientId === CAF.clientId)!.clientSecret!, 'test');
  const before = await storedCount(platform.pool, ISSUED);
  for (const redirectUri of [CAF.redirectUri, PARKING.redirectUri]) {
    const response = await postForm(new URL('/token', platform.issuer), {
      grant_type: 'authorization_code',
      code: codeOf(result),
      code_verifier: result.checks.pkceCodeVerifier,
      redirect_uri: redirectUri,
      client_id: CAF.clientId,
      client_secret: secret,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe('invalid_grant');
  }
  expect(await storedCount(platform.pool, ISSUED)).toBe(before);
});

test('a code redeemed with another registered redirect_uri than it was sent to is refused; nothing issued', async () => {
  const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  const before = await storedCount(platform.pool, ISSUED);
  // The other registered URI, an unregistered one, none at all.
  for (const redirectUri of [SECOND_REDIRECT, 'http://localhost:3000/elsewhere', '']) {
    const response = await redeemCode(platform.issuer, {
      code: codeOf(result),
      code_verifier: result.checks.pkceCodeVerifier,
      redirect_uri: redirectUri,
    });
    expect(response.status).toBe(400);
    expect(['invalid_grant', 'invalid_request']).toContain((await json(response)).error);
  }
  expect(await storedCount(platform.pool, ISSUED)).toBe(before);
});

test('an expired code is refused; nothing issued', async () => {
  const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  const { rowCount } = await platform.pool.query(
    `UPDATE auth.oidc_payloads SET payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch FROM now())::int - 10)),
       expires_at = now() - interval '10 seconds'
     WHERE model = 'AuthorizationCode' AND id = $1`,
    [codeOf(result)],
  );
  expect(rowCount).toBe(1);
  const before = await storedCount(platform.pool, ISSUED);
  await expect(oidc.authorizationCodeGrant(result.client, result.landed, result.checks)).rejects.toMatchObject({
    error: 'invalid_grant',
  });
  expect(await storedCount(platform.pool, ISSUED)).toBe(before);
});

test('a made-up code is refused; nothing issued', async () => {
  const before = await storedCount(platform.pool, ISSUED);
  const response = await redeemCode(platform.issuer, { code: 'x'.repeat(43), code_verifier: 'y'.repeat(43) });
  expect(response.status).toBe(400);
  expect((await json(response)).error).toBe('invalid_grant');
  expect(await storedCount(platform.pool, ISSUED)).toBe(before);
});
