import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { authorizationRequest } from '../auth/support/broker.ts';
import { signIn } from '../auth/support/sign-in.ts';
import { authorizationResponse, json } from './support/oauth.ts';

/**
 * Mix-up defence (RFC 9207, RFC 9700 §4.4, FAPI 2.0 §5.3.2.2): every authorization
 * response names the broker in `iss`, on success and on error, whether in the query or
 * the fragment, so an SP talking to several issuers can tell which one answered.
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ components: ['impots', 'broker'] });
}, 60000);
afterAll(() => platform?.close());

test('discovery says the authorization response carries iss', async () => {
  const metadata = await json(await fetch(new URL('/.well-known/openid-configuration', platform.issuer)));
  expect(metadata.issuer).toBe(platform.issuer);
  expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
});

test('a successful sign-in returns the code with iss equal to the issuer', async () => {
  const result = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
  expect(result.landed.searchParams.get('code')).toBeTruthy();
  expect(result.landed.searchParams.get('iss')).toBe(platform.issuer);
  expect(result.landed.searchParams.get('state')).toBe(result.checks.expectedState);
});

test.each([
  ['one of our checks (nonce)', { nonce: undefined }, 'invalid_request'],
  ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
  ['a refusal sent in the fragment (response_type=token)', { response_type: 'token' }, 'unsupported_response_type'],
  ['a scope the SP is not entitled to', { scope: 'openid cnaf_prestations' }, 'invalid_scope'],
])('an error (%s) carries iss equal to the issuer', async (_label, params, error) => {
  const refusal = authorizationResponse(await authorizationRequest(platform.issuer, params));
  expect(refusal.error).toBe(error);
  expect(refusal.iss).toBe(platform.issuer);
  expect(refusal.state).toBe('s'.repeat(32));
});
