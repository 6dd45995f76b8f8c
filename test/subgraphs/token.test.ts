import { createHmac } from 'node:crypto';
import { generateKeyPair } from 'jose';
import {
  citizen,
  entitiesQuery,
  post,
  sandbox,
  startTestSubgraphs,
  tokenClaims,
  type TestSubgraphs,
} from './support/subgraphs.ts';

/**
 * Every refusal of the internal token (docs/tokens.md), against the real subgraph over
 * HTTP and a real JWKS server: a 401 with `WWW-Authenticate`, a JSON error, and nothing
 * resolved (the request log of a refused request counts no query at all).
 */
let env: TestSubgraphs;
beforeAll(async () => {
  env = await startTestSubgraphs(['ants']);
});
afterAll(async () => {
  await env.close();
});

const QUERY = entitiesQuery('vehicles { registrationNumber }');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const valid = (extra: Record<string, unknown> = {}) =>
  tokenClaims(env.issuer, 'ants', sandbox('marie.dupont'), 'ants_vehicules', extra);

async function call(token: string | undefined, sub = 'anyone') {
  return post(env.urls.ants!, token, QUERY, { representations: [citizen(sub)] });
}

async function expectRefused(token: string | undefined, code: string, status = 401) {
  const response = await call(token);
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ error: code });
  expect(typeof response.body.message).toBe('string');
  expect(response.body.data).toBeUndefined();
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="passerelle-dp:ants"/);
  const log = env.logs.request(response.requestId);
  expect(log).toMatchObject({ status, rid: response.requestId });
  expect(log!.queries).toBeUndefined(); // the GraphQL engine never ran
  return response;
}

test('a valid token is accepted and the request id is echoed and logged', async () => {
  const claims = valid();
  const response = await call(await env.issuer.sign(claims), claims.sub);
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).toBe(response.requestId);
  expect((response.body.data!._entities as any[])[0].vehicles[0].registrationNumber).toBe('GE-512-KL');
  expect(env.logs.request(response.requestId)).toMatchObject({
    status: 200,
    jti: claims.jti,
    client: 'test-sp',
    queries: 2,
    errors: [],
  });
});

test('a token without client_id (a provider whose catalog does not ask who reads) is served, and no client is logged', async () => {
  const { client_id: _, ...claims } = valid();
  const response = await call(await env.issuer.sign(claims), claims.sub);
  expect(response.status).toBe(200);
  expect((response.body.data!._entities as any[])[0].vehicles[0].registrationNumber).toBe('GE-512-KL');
  const log = env.logs.request(response.requestId)!;
  expect(log).toMatchObject({ status: 200, queries: 2 });
  expect(log.client).toBeUndefined();
});

test("without x-request-id, the token's rid is the request id", async () => {
  const claims = valid();
  const response = await fetch(env.urls.ants!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await env.issuer.sign(claims)}` },
    body: JSON.stringify({ query: QUERY, variables: { representations: [citizen(claims.sub!)] } }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).toBe(claims.rid);
  expect(env.logs.request(claims.rid as string)).toMatchObject({ status: 200, queries: 2 });
});

test('no token', async () => {
  const response = await expectRefused(undefined, 'PROVIDER_TOKEN_MISSING');
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="passerelle-dp:ants"');
});

test('not a bearer token, not a JWT', async () => {
  const basic = await post(env.urls.ants!, undefined, QUERY, {}, { authorization: 'Basic dXNlcjpwYXNz' });
  expect(basic.status).toBe(401);
  expect(basic.body.error).toBe('PROVIDER_TOKEN_MALFORMED');
  const response = await expectRefused('not.a.jwt', 'PROVIDER_TOKEN_MALFORMED');
  expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="/);
});

test('alg: none', async () => {
  const unsigned = `${b64({ alg: 'none', typ: 'passerelle-dp+jwt' })}.${b64(valid())}.`;
  await expectRefused(unsigned, 'PROVIDER_TOKEN_ALGORITHM_REFUSED');
});

test('a symmetric algorithm (HS256, keyed with the public key)', async () => {
  const kid = [
    ...(
      (await (await fetch(`${env.issuer.url}/.well-known/jwks.json`)).json()) as {
        keys: Array<{ kid: string; x: string }>;
      }
    ).keys,
  ][0]!;
  const input = `${b64({ alg: 'HS256', typ: 'passerelle-dp+jwt', kid: kid.kid })}.${b64(valid())}`;
  const signature = createHmac('sha256', kid.x).update(input).digest('base64url');
  await expectRefused(`${input}.${signature}`, 'PROVIDER_TOKEN_ALGORITHM_REFUSED');
});

test('bad signature: signed by another key under the gateway key id', async () => {
  const { privateKey } = await generateKeyPair('ES256');
  await expectRefused(await env.issuer.sign(valid(), { key: privateKey }), 'PROVIDER_TOKEN_SIGNATURE_INVALID');
});

test('a payload altered after signing', async () => {
  const [header, , signature] = (await env.issuer.sign(valid())).split('.');
  await expectRefused(
    `${header}.${b64(valid({ scope: 'ants_vehicules ants_critair' }))}.${signature}`,
    'PROVIDER_TOKEN_SIGNATURE_INVALID',
  );
});

test('an unknown key id makes the provider refetch the JWKS, then refuse', async () => {
  const before = env.issuer.jwksFetches;
  const { privateKey } = await generateKeyPair('ES256');
  await expectRefused(
    await env.issuer.sign(valid(), { key: privateKey, kid: 'not-published' }),
    'PROVIDER_TOKEN_SIGNATURE_INVALID',
  );
  expect(env.issuer.jwksFetches).toBe(before + 1);
});

test('keys are cached, and a rotated-in key is picked up without restart', async () => {
  const before = env.issuer.jwksFetches;
  for (let i = 0; i < 5; i++) {
    const claims = valid();
    expect((await call(await env.issuer.sign(claims), claims.sub)).status).toBe(200);
  }
  expect(env.issuer.jwksFetches).toBe(before);
  const kid = await env.issuer.addKey();
  const claims = valid();
  expect((await call(await env.issuer.sign(claims, { kid }), claims.sub)).status).toBe(200);
  expect(env.issuer.jwksFetches).toBe(before + 1);
});

test('the gateway JWKS unreachable: 503, not a token error', async () => {
  const kid = await env.issuer.addKey(); // unknown to the provider's cache: forces a fetch
  env.issuer.down = true;
  try {
    const response = await call(await env.issuer.sign(valid(), { kid }));
    expect(response.status).toBe(503);
    expect(response.body.error).toBe('PROVIDER_JWKS_UNAVAILABLE');
    expect(response.headers.get('www-authenticate')).toBeNull();
  } finally {
    env.issuer.down = false;
  }
});

test('wrong type of token (typ)', async () => {
  await expectRefused(await env.issuer.sign(valid(), { header: { typ: 'at+jwt' } }), 'PROVIDER_TOKEN_TYPE_INVALID');
});

test('wrong issuer', async () => {
  await expectRefused(
    await env.issuer.sign(valid({ iss: 'http://127.0.0.1:1/not-the-gateway' })),
    'PROVIDER_TOKEN_ISSUER_INVALID',
  );
});

test("wrong audience: another provider's token", async () => {
  await expectRefused(
    await env.issuer.sign(valid({ aud: 'urn:passerelle:dp:dgfip' })),
    'PROVIDER_TOKEN_AUDIENCE_INVALID',
  );
});

test('expired (beyond the 5 s clock tolerance)', async () => {
  const now = Math.floor(Date.now() / 1000);
  await expectRefused(await env.issuer.sign(valid({ iat: now - 40, exp: now - 10 })), 'PROVIDER_TOKEN_EXPIRED');
});

test('issued in the future', async () => {
  const now = Math.floor(Date.now() / 1000);
  await expectRefused(await env.issuer.sign(valid({ iat: now + 60, exp: now + 90 })), 'PROVIDER_TOKEN_NOT_YET_VALID');
});

test('not valid before a future nbf', async () => {
  await expectRefused(
    await env.issuer.sign(valid({ nbf: Math.floor(Date.now() / 1000) + 60 })),
    'PROVIDER_TOKEN_NOT_YET_VALID',
  );
});

test('a lifetime over 120 s', async () => {
  const now = Math.floor(Date.now() / 1000);
  await expectRefused(await env.issuer.sign(valid({ iat: now, exp: now + 3600 })), 'PROVIDER_TOKEN_LIFETIME_TOO_LONG');
});

test.each([['exp'], ['iat'], ['sub'], ['pivot'], ['scope']])('missing %s', async (claim) => {
  const claims: Record<string, unknown> = valid();
  delete claims[claim];
  const response = await expectRefused(await env.issuer.sign(claims), 'PROVIDER_TOKEN_CLAIMS_INVALID');
  expect(response.body).toMatchObject({ details: { claim } });
});

test('a pivot identity born in France without birthplace (identite.invalide)', async () => {
  const response = await expectRefused(
    await env.issuer.sign(tokenClaims(env.issuer, 'ants', sandbox('identite.invalide'), 'ants_vehicules')),
    'PROVIDER_TOKEN_CLAIMS_INVALID',
  );
  expect(response.body).toMatchObject({ details: { claim: 'pivot.birthplace' } });
  // No value of the token is echoed back.
  expect(JSON.stringify(response.body)).not.toContain('Invalide');
});

test('the refusal is logged without the token or the identity', () => {
  const text = JSON.stringify(env.logs.lines);
  expect(text).not.toContain('Dupont');
  expect(text).not.toContain('eyJ');
});
