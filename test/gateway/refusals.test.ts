import { generateKeyPair, UnsecuredJWT, CompactEncrypt, importJWK } from 'jose';
import { operationHash } from '../../lib/federation/operation.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { startCountingProxy, type CountingProxy } from '../../harness/counting-proxy.ts';
import { startTestGateway, type TestGateway } from './support/gateway.ts';
import { MARIE } from './support/identities.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * What the gateway refuses before planning, over HTTP — the pivot token, the
 * consented scopes and level — and what a refusal leaves behind: each refusal has its
 * code and status, is recorded in the audit chain, and reaches no provider (every
 * provider sits behind a counting proxy). The document, transport, body and limit
 * negatives are test/security/graphql-*.test.ts.
 */
let db: TestDatabase;
let gw: TestGateway;
const proxies: Record<string, CountingProxy> = {};

const PARKING =
  'query Parking { me { taxAddress { cityCode } vehicles { registrationNumber critAir } familyQuotient { value } } }';
const PARKING_SCOPES = ['dgfip_adresse_fiscale', 'ants_vehicules', 'ants_critair', 'cnaf_quotient_familial'];
const ME = 'query Me { me { id } }';

async function tokenFor(
  query: string,
  options: {
    scopes?: string[];
    acr?: 'eidas1' | 'eidas2' | 'eidas3';
    operationName?: string | null;
    grantId?: string;
    accountId?: string;
  } = {},
) {
  return gw.issuer.issue({
    pivot: MARIE,
    acr: options.acr ?? 'eidas1',
    grantId: options.grantId,
    accountId: options.accountId,
    operations: [
      {
        hash: operationHash(query),
        operationName: options.operationName === undefined ? nameOf(query) : options.operationName,
        scopes: options.scopes ?? [],
      },
    ],
  });
}
const nameOf = (query: string) => /query (\w+)/.exec(query)?.[1] ?? null;
const codeOf = (json: any) => json?.errors?.[0]?.extensions?.code;
const providerCalls = () => Object.values(proxies).reduce((n, p) => n + p.graphqlCalls().length, 0);

beforeAll(async () => {
  db = await createTestDatabase();
  // No subgraph behind the proxies: any call would be counted (and fail).
  for (const name of PROVIDERS) proxies[name] = await startCountingProxy('http://127.0.0.1:9');
  gw = await startTestGateway({
    database: db,
    providerUrls: Object.fromEntries(Object.entries(proxies).map(([name, p]) => [name, p.url])),
    overrides: [
      ['gateway.revocation.pollIntervalMs', 100],
      ['gateway.audit.writeTimeoutMs', 1000],
    ],
  });
});
afterAll(async () => {
  await gw?.close();
  for (const proxy of Object.values(proxies)) await proxy.close();
  await db?.drop();
});
afterEach(() => {
  expect(providerCalls()).toBe(0);
});

describe('pivot token refusals (401 + WWW-Authenticate)', () => {
  test('no token', async () => {
    const { status, headers, json } = await gw.post({ query: ME });
    expect([status, codeOf(json)]).toEqual([401, 'PIVOT_TOKEN_MISSING']);
    expect(headers.get('www-authenticate')).toBe('DPoP algs="ES256 PS256 EdDSA"');
  });

  test.each([
    [
      'a bare JWS',
      'PIVOT_TOKEN_NOT_ENCRYPTED',
      async () => gw.issuer.craft(gw.issuer.claimsFor({ pivot: MARIE, operations: [] }), { encrypt: false }),
    ],
    [
      'a bad signature',
      'PIVOT_TOKEN_SIGNATURE_INVALID',
      async () =>
        gw.issuer.craft(gw.issuer.claimsFor({ pivot: MARIE, operations: [] }), {
          key: (await generateKeyPair('ES256')).privateKey,
        }),
    ],
    [
      'alg none',
      'PIVOT_TOKEN_ALG_NOT_ALLOWED',
      async () => {
        const jwk = ((await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as any).keys.find(
          (k: { use: string }) => k.use === 'enc',
        );
        return new CompactEncrypt(
          new TextEncoder().encode(new UnsecuredJWT(gw.issuer.claimsFor({ pivot: MARIE, operations: [] })).encode()),
        )
          .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', cty: 'at+jwt', kid: jwk.kid })
          .encrypt(await importJWK(jwk, 'ECDH-ES'));
      },
    ],
    [
      'an unknown issuer',
      'PIVOT_TOKEN_ISSUER_UNKNOWN',
      async () =>
        gw.issuer.craft({ ...gw.issuer.claimsFor({ pivot: MARIE, operations: [] }), iss: 'http://evil.test' }),
    ],
    [
      'a wrong audience',
      'PIVOT_TOKEN_AUDIENCE_INVALID',
      async () =>
        gw.issuer.craft({ ...gw.issuer.claimsFor({ pivot: MARIE, operations: [] }), aud: 'http://other.test' }),
    ],
    [
      'an expired token',
      'PIVOT_TOKEN_EXPIRED',
      async () =>
        gw.issuer.craft({
          ...gw.issuer.claimsFor({ pivot: MARIE, operations: [] }),
          iat: 1_700_000_000,
          exp: 1_700_000_060,
        }),
    ],
    [
      'a token not valid yet',
      'PIVOT_TOKEN_NOT_YET_VALID',
      async () =>
        gw.issuer.craft({
          ...gw.issuer.claimsFor({ pivot: MARIE, operations: [] }),
          nbf: Math.floor(Date.now() / 1000) + 120,
        }),
    ],
    ['garbage', 'PIVOT_TOKEN_MALFORMED', async () => 'abc.def'],
  ])('%s', async (_what, code, make) => {
    const { status, headers, json } = await gw.post({ query: ME }, await make());
    expect([status, codeOf(json)]).toEqual([401, code]);
    expect(headers.get('www-authenticate')).toMatch(
      /^DPoP error="invalid_token", error_description="[^"]+", algs="ES256 PS256 EdDSA"$/,
    );
  });

  test('a revoked grant stops working within a poll interval', async () => {
    const { token, grantId } = await tokenFor(ME);
    expect((await gw.post({ query: ME }, token)).status).toBe(200);
    await gw.pool.query("INSERT INTO gateway.revoked_grants (grant_id, reason) VALUES ($1, 'citizen')", [grantId]);
    const { status, headers, json } = await waitFor(
      () => gw.post({ query: ME }, token),
      (answer) => answer.status === 401,
    );
    expect([status, codeOf(json)]).toEqual([401, 'GRANT_REVOKED']);
    expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('consent refusals (403, nothing sent to any provider)', () => {
  test('a field whose scope was not granted is listed', async () => {
    const { token } = await tokenFor(PARKING, { scopes: PARKING_SCOPES.filter((s) => s !== 'ants_critair') });
    const { status, json } = await gw.post({ query: PARKING }, token);
    expect([status, codeOf(json)]).toEqual([403, 'CONSENT_REQUIRED']);
    expect(json.errors[0].extensions.fields).toEqual([
      { path: 'me.vehicles.critAir', coordinate: 'Vehicle.critAir', scopes: ['ants_critair'] },
    ]);
  });

  test('a field needing a higher acr than the token', async () => {
    const query = 'query Benefits { me { benefits { kind monthlyAmount } } }';
    const { token } = await tokenFor(query, { scopes: ['cnaf_prestations'], acr: 'eidas1' });
    const { status, json } = await gw.post({ query }, token);
    expect([status, codeOf(json)]).toEqual([403, 'CONSENT_ACR_TOO_LOW']);
    expect(json.errors[0].extensions).toMatchObject({
      acr: 'eidas1',
      fields: expect.arrayContaining([{ path: 'me.benefits', coordinate: 'Citizen.benefits', minAcr: 'eidas2' }]),
    });
  });
});

describe('what a refusal leaves behind', () => {
  test('an exchange event in the audit chain, and no token or personal data in the logs', async () => {
    const { token } = await tokenFor(PARKING, { scopes: PARKING_SCOPES });
    const requestId = `refusal-${Date.now()}`;
    await gw.post({ query: PARKING.replace('cityCode', 'city') }, token, { 'x-request-id': requestId });
    expect(await gw.exchangeEvents(requestId)).toEqual([
      {
        citizenRef: expect.any(String),
        clientId: 'parking-nimes',
        data: {
          requestId,
          sub: expect.any(String),
          grantId: expect.any(String),
          acr: 'eidas1',
          operationName: 'Parking',
          operationHash: operationHash(PARKING.replace('cityCode', 'city')),
          providers: [],
          fields: [],
          scopes: [],
          outcome: 'refused',
          httpStatus: 403,
          errorCodes: ['CONSENT_REQUIRED'],
          durationMs: expect.any(Number),
        },
      },
    ]);
    const logs = gw.logs.join('\n');
    expect(logs).toContain(requestId);
    expect(logs).not.toContain(token.slice(0, 40));
    expect(logs).not.toContain('Dupont');
  });

  test('a request without token is logged as refused with what is known', async () => {
    const requestId = `anonymous-${Date.now()}`;
    await gw.post({ query: ME }, undefined, { 'x-request-id': requestId });
    expect(await gw.exchangeEvents(requestId)).toEqual([
      {
        citizenRef: null,
        clientId: null,
        data: {
          requestId,
          sub: null,
          grantId: null,
          acr: null,
          operationName: null,
          operationHash: null,
          providers: [],
          fields: [],
          scopes: [],
          outcome: 'refused',
          httpStatus: 401,
          errorCodes: ['PIVOT_TOKEN_MISSING'],
          durationMs: expect.any(Number),
        },
      },
    ]);
  });
});

describe('when the exchange cannot be recorded in the audit chain', () => {
  test('no data leaves (503 EXCHANGE_LOG_UNAVAILABLE), and the cancelled write is not recorded later as a success', async () => {
    const { token } = await tokenFor(ME);
    const blocker = await gw.pool.connect();
    const requestId = `log-down-${Date.now()}`;
    // The embedded database runs one transaction at a time: the blocker may hold every
    // connection, so the refusal may come one step earlier, at the DPoP proof's single-use check.
    const allowed = process.env.DATABASE_URL
      ? ['EXCHANGE_LOG_UNAVAILABLE']
      : ['EXCHANGE_LOG_UNAVAILABLE', 'DPOP_REPLAY_CHECK_UNAVAILABLE'];
    let expected = '';
    try {
      await blocker.query('BEGIN');
      // Another appender holding the chain head past the write timeout.
      await blocker.query('SELECT 1 FROM audit.shards FOR UPDATE'); // every shard's head
      const { status, json } = await gw.post({ query: ME }, token, { 'x-request-id': requestId });
      expected = codeOf(json);
      expect(status).toBe(503);
      expect(allowed).toContain(expected);
      expect(json.data).toBeUndefined();
      expect(JSON.stringify(json)).not.toContain('"me"');
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(await gw.exchangeEvents(requestId)).toEqual([]);
    expect((await gw.post({ query: ME }, token)).status).toBe(200);
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toContain(`passerelle_gateway_refusals_total{code="${expected}"} 1`);
    expect(text).toMatch(/passerelle_gateway_audit_batch_events_count \d+/);
    // The exchange the chain could not take is counted, as a deadline missed.
    if (expected === 'EXCHANGE_LOG_UNAVAILABLE')
      expect(text).toContain('passerelle_gateway_audit_write_failures_total{reason="too_late"} 1');
  });
});

describe('the local citizen subgraph and the public endpoints', () => {
  test('Query.me is answered by the gateway itself, with the pairwise subject', async () => {
    const { token, sub } = await tokenFor(ME, { accountId: 'marie-account' });
    const { status, json, headers } = await gw.post({ query: ME }, token, { 'x-request-id': 'me-1' });
    expect([status, json]).toEqual([200, { data: { me: { id: sub } } }]);
    expect(headers.get('x-request-id')).toBe('me-1');
    expect(await gw.exchangeEvents('me-1')).toEqual([
      {
        citizenRef: 'marie-account',
        clientId: 'parking-nimes',
        data: expect.objectContaining({
          sub,
          outcome: 'success',
          providers: [],
          fields: ['Query.me', 'Citizen.id'],
          scopes: [],
        }),
      },
    ]);
  });

  test('the JWKS publishes public keys only', async () => {
    const { keys } = (await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as any;
    expect(keys.map((k: { use: string; alg: string }) => `${k.use}:${k.alg}`).sort()).toEqual([
      'enc:ECDH-ES',
      'sig:ES256',
    ]);
    expect(keys.every((k: { d?: string }) => k.d === undefined)).toBe(true);
  });

  test('health: live, and not ready while the providers do not answer', async () => {
    expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${gw.url}/health/ready`);
    const report = (await ready.json()) as any;
    expect(ready.status).toBe(503);
    expect(report.checks).toMatchObject({
      supergraph: { ok: true },
      revocations: { ok: true },
      'provider:dgfip': { ok: false },
    });
  });

  test('metrics count requests and refusals by code', async () => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toMatch(/passerelle_gateway_refusals_total\{code="PIVOT_TOKEN_MISSING"\} \d+/);
    expect(text).toMatch(/passerelle_gateway_requests_total\{outcome="success",status="200"\} \d+/);
    expect(text).toContain('passerelle_gateway_request_duration_seconds_bucket');
  });

  test('unknown routes get a coded 404', async () => {
    const response = await fetch(`${gw.url}/nope`);
    expect([response.status, codeOf(await response.json())]).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
  });
});
