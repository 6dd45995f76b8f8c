import {
  authorizationRequest,
  clientAssertion,
  CAF_WITH_CLIENT_SECRET,
  startTestBroker,
  testConfig,
  type TestBroker,
} from './support/broker.ts';

/**
 * The OpenID provider's own surface, before any sign-in: discovery, keys,
 * authorization request checks, pushed requests and client authentication.
 */
let t: TestBroker;
let issuer: string;
const REDIRECT = 'http://localhost:3000/callback';
const NONCE = 'n'.repeat(32);

beforeAll(async () => {
  t = await startTestBroker({ config: testConfig(CAF_WITH_CLIENT_SECRET) });
  issuer = t.broker.issuer;
});
afterAll(() => t.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = (response: Response) => response.json() as Promise<Record<string, any>>;

const authorize = (params: Record<string, string | undefined>) => authorizationRequest(issuer, params);

/** The error a redirect to the SP carries. */
function redirectedError(response: Response): { error: string | null; description: string | null; location: URL } {
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location')!);
  return {
    error: location.searchParams.get('error'),
    description: location.searchParams.get('error_description'),
    location,
  };
}

describe('discovery and keys', () => {
  test('advertise exactly the supported protocol', async () => {
    const metadata = await body(await fetch(new URL('/.well-known/openid-configuration', issuer)));
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.subject_types_supported).toEqual(['pairwise']);
    expect(metadata.acr_values_supported).toEqual(['eidas1', 'eidas2', 'eidas3']);
    expect(metadata.token_endpoint_auth_methods_supported.sort()).toEqual(['client_secret_post', 'private_key_jwt']);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported.some((a: string) => a.startsWith('HS'))).toBe(
      false,
    );
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${issuer}/par`);
    expect(metadata.revocation_endpoint).toBe(`${issuer}/revoke`);
    expect(metadata.end_session_endpoint).toBe(`${issuer}/logout`);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'identite_pivot', 'birthplace', 'dgfip_adresse_fiscale']),
    );
  });

  test('the JWKS publishes public keys only', async () => {
    const jwks = await body(await fetch(new URL('/jwks', issuer)));
    expect(jwks.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
  });
});

describe('authorization requests', () => {
  test('a valid request starts an interaction', async () => {
    const response = await authorize({});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/interaction\/[\w-]+$/);
  });

  test.each([
    ['unregistered', 'http://evil.example/callback'],
    ['altered (trailing slash)', `${REDIRECT}/`],
    ['altered (port)', 'http://localhost:3001/callback'],
    ['altered (query)', `${REDIRECT}?next=http://evil.example`],
  ])('an %s redirect_uri shows an error page and never redirects', async (_label, redirectUri) => {
    const response = await authorize({ redirect_uri: redirectUri });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('REDIRECT_URI_NOT_REGISTERED');
    // The page may show the request (escaped, in the language switch) but never links out to it.
    expect(html).not.toMatch(/(href|action)="http:\/\/evil/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('an unknown client shows an error page', async () => {
    const response = await authorize({ client_id: 'nobody' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('UNKNOWN_CLIENT');
  });

  test.each([
    ['missing', undefined],
    ['too short', 'x'.repeat(21)],
  ])('a %s nonce is refused to the SP', async (_label, nonce) => {
    const { error, description, location } = redirectedError(await authorize({ nonce }));
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(error).toBe('invalid_request');
    expect(description).toMatch(/^NONCE_INVALID: /);
  });

  test('a 22-character nonce is accepted', async () => {
    const response = await authorize({ nonce: 'x'.repeat(22) });
    expect(response.headers.get('location')).toMatch(/^\/interaction\//);
  });

  test('a missing state is refused', async () => {
    const { error, description } = redirectedError(await authorize({ state: undefined }));
    expect(error).toBe('invalid_request');
    expect(description).toMatch(/^STATE_REQUIRED: /);
  });

  // PKCE: test/security/pkce.test.ts.

  // acr_values: test/security/prompt-acr.test.ts.

  test('an unknown idp_hint is refused', async () => {
    const { error, description } = redirectedError(await authorize({ idp_hint: 'nowhere' }));
    expect(error).toBe('invalid_request');
    expect(description).toMatch(/^IDP_HINT_UNKNOWN: /);
  });

  test('an SP that requires PAR cannot send a plain request', async () => {
    const response = await authorize({ client_id: 'simulateur-caf', redirect_uri: 'http://localhost:3100/callback' });
    const location = response.headers.get('location');
    if (location && location.startsWith('http://localhost:3100/')) {
      expect(new URL(location).searchParams.get('error')).toBe('invalid_request');
    } else {
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('PAR_REQUIRED');
    }
  });
});

describe('pushed authorization requests and client authentication', () => {
  async function push(body: Record<string, string>): Promise<Response> {
    return fetch(new URL('/par', issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'parking-nimes',
        redirect_uri: REDIRECT,
        response_type: 'code',
        scope: 'openid',
        state: 's'.repeat(32),
        nonce: NONCE,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        ...body,
      }),
    });
  }

  test('a request pushed with a valid client assertion gets a request_uri', async () => {
    const response = await push({
      client_assertion: await clientAssertion({ clientId: 'parking-nimes', audience: issuer }),
    });
    expect(response.status).toBe(201);
    const { request_uri: requestUri, expires_in: expiresIn } = await body(response);
    expect(requestUri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(expiresIn).toBeGreaterThan(0);
    const first = await fetch(
      new URL(`/authorize?client_id=parking-nimes&request_uri=${encodeURIComponent(requestUri)}`, issuer),
      { redirect: 'manual' },
    );
    expect(first.headers.get('location')).toMatch(/^\/interaction\//);
  });

  test('pushed requests get the same checks (nonce)', async () => {
    const response = await push({
      nonce: 'short',
      client_assertion: await clientAssertion({ clientId: 'parking-nimes', audience: issuer }),
    });
    expect(response.status).toBe(400);
    expect((await body(response)).error_description).toMatch(/^NONCE_INVALID: /);
  });

  // Tampered and replayed client assertions: test/security/client-assertion.test.ts.

  test('client_secret_post: right secret accepted, wrong one refused', async () => {
    const config = testConfig(CAF_WITH_CLIENT_SECRET);
    const secret = config.secret(
      config.serviceProviders.find((s) => s.clientId === 'simulateur-caf')!.clientSecret!,
      'test',
    );
    const base = {
      client_id: 'simulateur-caf',
      redirect_uri: 'http://localhost:3100/callback',
      client_assertion_type: '',
    };
    const ok = await push({ ...base, client_secret: secret });
    expect(ok.status).toBe(201);
    const wrong = await push({ ...base, client_secret: `${secret}x` });
    expect(wrong.status).toBe(401);
  });

  test('a scope the SP is not entitled to is refused', async () => {
    const config = testConfig(CAF_WITH_CLIENT_SECRET);
    const secret = config.secret(
      config.serviceProviders.find((s) => s.clientId === 'simulateur-caf')!.clientSecret!,
      'test',
    );
    const response = await push({
      client_id: 'simulateur-caf',
      redirect_uri: 'http://localhost:3100/callback',
      client_assertion_type: '',
      client_secret: secret,
      scope: 'openid ants_vehicules',
    });
    expect(response.status).toBe(400);
    expect((await body(response)).error).toBe('invalid_scope');
  });
});
