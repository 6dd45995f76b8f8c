import type { Pool } from '../../lib/db/database.ts';
import { authorizationRequest, startTestBroker, type TestBroker } from '../auth/support/broker.ts';
import { authorizationResponse, json, PARKING, parkingAuth, postForm, storedCount } from './support/oauth.ts';

/**
 * OpenID conformance (OP Basic, Config), RFC 9700 §2.1.2 and §4.1: the broker speaks the
 * code flow with `query` responses only. Implicit and hybrid response types, response
 * modes that put the code in a fragment, an auto-posted form or a JWT, and request
 * objects are refused at the registered redirect URI, and no interaction is started.
 */
let t: TestBroker;
let pool: Pool;
const STARTED = ['Interaction', 'AuthorizationCode', 'AccessToken', 'Session'];

beforeAll(async () => {
  t = await startTestBroker({});
  pool = t.database.pool({ max: 1 });
}, 60000);
afterAll(async () => {
  await pool?.end();
  await t?.close();
});

const authorize = (params: Record<string, string | undefined>) => authorizationRequest(t.broker.issuer, params);

test('positive control: code with response_mode=query starts an interaction, which the count sees', async () => {
  const before = await storedCount(pool, STARTED);
  const response = await authorize({ response_mode: 'query' });
  expect(response.headers.get('location')).toMatch(/^\/interaction\//);
  expect(await storedCount(pool, STARTED)).toBe(before + 1);
});

test('discovery advertises the code flow with query responses only, and no request objects', async () => {
  const metadata = await json(await fetch(new URL('/.well-known/openid-configuration', t.broker.issuer)));
  expect(metadata.response_types_supported).toEqual(['code']);
  expect(metadata.response_modes_supported).toEqual(['query']);
  expect(metadata.grant_types_supported).toEqual(['authorization_code']);
  expect(metadata.request_parameter_supported ?? false).toBe(false);
  expect(metadata.request_uri_parameter_supported).toBe(false);
});

test.each(['token', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token', 'none'])(
  'response_type=%s is refused (unsupported_response_type), nothing started',
  async (responseType) => {
    const before = await storedCount(pool, STARTED);
    const refusal = authorizationResponse(await authorize({ response_type: responseType }));
    expect(refusal.location.origin + refusal.location.pathname).toBe(PARKING.redirectUri);
    expect(refusal.error).toBe('unsupported_response_type');
    expect(refusal.code).toBeNull();
    expect(await storedCount(pool, STARTED)).toBe(before);
  },
);

test('response_mode=fragment is refused with RESPONSE_MODE_NOT_ALLOWED (in the fragment asked), nothing started', async () => {
  const before = await storedCount(pool, STARTED);
  const refusal = authorizationResponse(await authorize({ response_mode: 'fragment' }));
  expect(refusal.location.hash).toContain('error=');
  expect(refusal.error).toBe('invalid_request');
  expect(refusal.description).toMatch(/^RESPONSE_MODE_NOT_ALLOWED: /);
  expect(await storedCount(pool, STARTED)).toBe(before);
});

test('response_mode=form_post is refused with RESPONSE_MODE_NOT_ALLOWED, posted to the registered URI only', async () => {
  const before = await storedCount(pool, STARTED);
  const response = await authorize({ response_mode: 'form_post' });
  expect(response.status).toBe(400);
  const html = await response.text();
  expect(html).toContain(`action="${PARKING.redirectUri}"`);
  expect(html).toContain('name="error" value="invalid_request"');
  expect(html).toMatch(/name="error_description" value="RESPONSE_MODE_NOT_ALLOWED: /);
  expect(html).not.toContain('name="code"');
  expect(await storedCount(pool, STARTED)).toBe(before);
});

test.each(['jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt', 'web_message', 'unknown'])(
  'response_mode=%s is refused (unsupported_response_mode), nothing started',
  async (mode) => {
    const before = await storedCount(pool, STARTED);
    const refusal = authorizationResponse(await authorize({ response_mode: mode }));
    expect(refusal.error).toBe('unsupported_response_mode');
    expect(refusal.code).toBeNull();
    expect(await storedCount(pool, STARTED)).toBe(before);
  },
);

describe('request objects are not supported', () => {
  const unsigned = (claims: Record<string, unknown>) =>
    `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

  test('a request object at /authorize is refused (request_not_supported), nothing started', async () => {
    const before = await storedCount(pool, STARTED);
    const request = unsigned({ client_id: PARKING.clientId, redirect_uri: 'http://evil.example/cb', scope: 'openid' });
    const refusal = authorizationResponse(await authorize({ request }));
    expect(refusal.location.origin).toBe('http://localhost:3000');
    expect(refusal.error).toBe('request_not_supported');
    expect(await storedCount(pool, STARTED)).toBe(before);
  });

  test('a request_uri that is not a pushed request is refused (request_uri_not_supported), never fetched', async () => {
    const before = await storedCount(pool, STARTED);
    const refusal = authorizationResponse(await authorize({ request_uri: 'https://evil.example/request.jwt' }));
    expect(refusal.error).toBe('request_uri_not_supported');
    expect(await storedCount(pool, STARTED)).toBe(before);
  });

  test('a request object pushed to /par is refused, nothing stored', async () => {
    const before = await storedCount(pool, [...STARTED, 'PushedAuthorizationRequest']);
    const response = await postForm(new URL('/par', t.broker.issuer), {
      ...(await parkingAuth(t.broker.issuer)),
      request: unsigned({ client_id: PARKING.clientId, redirect_uri: PARKING.redirectUri, response_type: 'code' }),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe('request_not_supported');
    expect(await storedCount(pool, [...STARTED, 'PushedAuthorizationRequest'])).toBe(before);
  });
});
