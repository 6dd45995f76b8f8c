import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { loadPlatformConfig } from '../../bin/config.ts';
import { operationHash } from '../../lib/federation/operation.ts';
import { formatEuros, quote, type ParkingData } from '../../sandbox/parking/pricing.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import type { TestGateway } from './support/gateway.ts';
import { startGatewayWithProviders, type GatewayWithProviders } from './support/providers.ts';

/**
 * The gateway in front of the real subgraphs, each behind a counting proxy
 * (support/providers.ts); pivot tokens from the test issuer configured as the broker. Covers the full parking query for every
 * sandbox identity, the per-provider tokens, a provider down, and the exchange log.
 */
const PARKING =
  'query Parking { me { taxAddress { cityCode city } vehicles { registrationNumber holderRole make model critAir } familyQuotient { value regime } } }';
const PARKING_SCOPES = [
  'ants_caracteristiques',
  'ants_critair',
  'ants_vehicules',
  'cnaf_quotient_familial',
  'dgfip_adresse_fiscale',
];

let platform: GatewayWithProviders;
let gw: TestGateway;
let proxies: GatewayWithProviders['proxies'];

const parkingToken = (login: string, acr: 'eidas1' | 'eidas2' = 'eidas1') =>
  gw.issuer.issue({
    accountId: login,
    pivot: SANDBOX_IDENTITIES[login]!,
    acr,
    operations: [{ hash: operationHash(PARKING), operationName: 'Parking', scopes: PARKING_SCOPES }],
  });
const calls = () => Object.fromEntries(PROVIDERS.map((p) => [p, proxies[p]!.graphqlCalls().length]));

beforeAll(async () => {
  platform = await startGatewayWithProviders({ overrides: [['gateway.providerTimeoutMs', 1500]] });
  ({ gw, proxies } = platform);
});
afterAll(() => platform?.close());

describe('the parking query for each sandbox identity', () => {
  // The city's tariff is data of the sandbox configuration (`parking.tariff`).
  const tariff = loadPlatformConfig({ env: {} }).parking!.tariff;
  test.each([
    ['marie.dupont', ['5,00 €']],
    ['jean.martin', ['35,00 €']],
    ['sofia.garcia', ['17,50 €']],
    ['anne-sophie.lefevre-roy', ['20,00 €', '10,00 €']],
  ])('%s: eligible, %j per month', async (login, prices) => {
    const { token } = await parkingToken(login);
    const { status, json } = await gw.post({ query: PARKING, operationName: 'Parking' }, token);
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    const result = quote(json.data.me as ParkingData, tariff);
    expect(result.eligible && result.vehicles.map((v) => formatEuros(v.monthlyCents)).sort()).toEqual(
      [...prices].sort().map((p) => p.replace(' ', '\u00a0')),
    );
  });

  test.each([
    ['lucas.bernard', 'NOT_RESIDENT'],
    ['camille.petit', 'NO_VEHICLE'],
  ])('%s: not eligible (%s)', async (login, reason) => {
    const { token } = await parkingToken(login);
    const { status, json } = await gw.post({ query: PARKING }, token);
    expect([status, json.errors]).toEqual([200, undefined]);
    expect(quote(json.data.me as ParkingData, tariff)).toMatchObject({ eligible: false, reason });
  });
});

describe('what the providers receive', () => {
  test('the gateway is ready when the supergraph, the revocation list and every provider are', async () => {
    const ready = await fetch(`${gw.url}/health/ready`);
    expect([ready.status, ((await ready.json()) as any).ready]).toEqual([200, true]);
  });

  test('one fresh token per provider: its audience, only its scopes, the pivot identity, the request id', async () => {
    const { token, sub } = await parkingToken('marie.dupont');
    const before = Object.fromEntries(PROVIDERS.map((p) => [p, proxies[p]!.requests.length]));
    const requestId = `e2e-tokens-${Date.now()}`;
    expect((await gw.post({ query: PARKING }, token, { 'x-request-id': requestId })).status).toBe(200);
    const jwks = createLocalJWKSet((await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    // The providers the parking query reads, each with only its own scopes.
    const expectedScopes: Record<string, string> = {
      dgfip: 'dgfip_adresse_fiscale',
      ants: 'ants_caracteristiques ants_critair ants_vehicules',
      cnaf: 'cnaf_quotient_familial',
    };
    for (const provider of Object.keys(expectedScopes)) {
      const received = proxies[provider]!.requests.slice(before[provider]).filter((r) => r.method === 'POST');
      expect(received).toHaveLength(1);
      const internal = /^Bearer (.+)$/.exec(received[0]!.headers.authorization!)![1]!;
      expect(received[0]!.headers['x-request-id']).toBe(requestId);
      const { payload } = await jwtVerify(internal, jwks, {
        audience: `urn:passerelle:dp:${provider}`,
        issuer: 'http://localhost:4001',
        typ: 'passerelle-dp+jwt',
        algorithms: ['ES256'],
      });
      expect(payload).toMatchObject({
        pivot: SANDBOX_IDENTITIES['marie.dupont'],
        scope: expectedScopes[provider],
        acr: 'eidas1',
        rid: requestId,
      });
      // Its own subject for the citizen, never the SP's (provider-identifiers.test.ts).
      expect(payload.sub).not.toBe(sub);
      expect(payload.exp! - payload.iat!).toBe(30);
      // The broker's citizen reference stays at the gateway.
      expect(payload.citizen_ref).toBeUndefined();
      // The pivot token itself never reaches a provider.
      expect(JSON.stringify(received[0]!.headers)).not.toContain(token.slice(0, 30));
    }
  });

  test('a refused request reaches no provider', async () => {
    const before = calls();
    const { token } = await parkingToken('marie.dupont');
    expect((await gw.post({ query: PARKING.replace('value regime', 'value regime month') }, token)).status).toBe(403);
    expect((await gw.post({ query: PARKING })).status).toBe(401);
    const benefits = 'query B { me { benefits { kind } } }';
    const low = await gw.issuer.issue({
      pivot: SANDBOX_IDENTITIES['marie.dupont']!,
      acr: 'eidas1',
      operations: [{ hash: operationHash(benefits), operationName: 'B', scopes: ['cnaf_prestations'] }],
    });
    expect((await gw.post({ query: benefits }, low.token)).status).toBe(403);
    expect(calls()).toEqual(before);
  });
});

describe('the exchange in the audit chain', () => {
  test('a success lists the providers called, the fields returned and their scopes, never values', async () => {
    const { token, sub } = await parkingToken('camille.petit');
    const requestId = `e2e-log-${Date.now()}`;
    await gw.post({ query: PARKING }, token, { 'x-request-id': requestId });
    const events = await gw.exchangeEvents(requestId);
    expect(events).toHaveLength(1);
    const { citizenRef, clientId, data } = events[0]!;
    expect([citizenRef, clientId]).toEqual(['camille.petit', 'parking-nimes']);
    expect(data).toMatchObject({
      sub,
      operationName: 'Parking',
      operationHash: operationHash(PARKING),
      outcome: 'success',
      httpStatus: 200,
      errorCodes: [],
      providers: ['ants', 'cnaf', 'dgfip'],
    });
    // Camille: a tax address; unknown to the vehicle registry (null), so no vehicle field was returned, nor its scopes.
    expect(data.fields).toEqual(
      expect.arrayContaining(['Query.me', 'Citizen.taxAddress', 'TaxAddress.cityCode', 'TaxAddress.city']),
    );
    expect(data.fields.filter((f: string) => f.startsWith('Vehicle.') || f === 'Citizen.vehicles')).toEqual([]);
    expect(data.scopes).toContain('dgfip_adresse_fiscale');
    expect(data.scopes.filter((s: string) => s.startsWith('ants_'))).toEqual([]);
    expect(JSON.stringify(events[0])).not.toMatch(/Petit|Pointe|97120|Nîmes/);
  });
});

describe('a provider down', () => {
  test('slow: the others still answer, its part is null with an error naming it, nothing hangs', async () => {
    proxies.cnaf!.hang = true;
    try {
      const { token } = await parkingToken('marie.dupont');
      const requestId = `e2e-slow-${Date.now()}`;
      const started = Date.now();
      const { status, json } = await gw.post({ query: PARKING }, token, { 'x-request-id': requestId });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(status).toBe(200);
      expect(json.data.me.taxAddress.cityCode).toBe('30189');
      expect(json.data.me.vehicles.length).toBeGreaterThan(0);
      expect(json.data.me.familyQuotient).toBeNull();
      expect(json.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'DATA_PROVIDER_TIMEOUT', provider: 'cnaf' }),
        }),
      ]);
      expect(json.errors[0].message).toContain('cnaf');
      const [event] = await gw.exchangeEvents(requestId);
      expect(event!.data).toMatchObject({ outcome: 'partial', errorCodes: ['DATA_PROVIDER_TIMEOUT'] });
      expect(event!.data.fields).not.toContain('Citizen.familyQuotient');
      expect(event!.data.scopes).not.toContain('cnaf_quotient_familial');
    } finally {
      proxies.cnaf!.hang = false;
    }
  });

  test('stopped: its part is null with DATA_PROVIDER_UNAVAILABLE, readiness fails, the others answer', async () => {
    const ants = proxies.ants!;
    await ants.close();
    try {
      const { token } = await parkingToken('jean.martin');
      const { status, json } = await gw.post({ query: PARKING }, token);
      expect(status).toBe(200);
      expect(json.data.me.vehicles).toBeNull();
      expect(json.data.me.familyQuotient.value).toBe(1450);
      expect(json.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'DATA_PROVIDER_UNAVAILABLE', provider: 'ants' }),
        }),
      ]);
      await new Promise((r) => setTimeout(r, 2100)); // past the readiness cache
      const ready = await fetch(`${gw.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as any).checks['provider:ants']).toEqual({ ok: false, detail: 'unreachable' });
    } finally {
      // ants stays down: nothing after this test needs it.
    }
  });
});

test('metrics: per-provider latency and errors', async () => {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  expect(text).toMatch(/passerelle_gateway_provider_duration_seconds_count\{provider="dgfip",outcome="ok"\} \d+/);
  expect(text).toMatch(/passerelle_gateway_provider_errors_total\{provider="cnaf",code="DATA_PROVIDER_TIMEOUT"\} 1/);
  expect(text).toMatch(
    /passerelle_gateway_provider_errors_total\{provider="ants",code="DATA_PROVIDER_UNAVAILABLE"\} 1/,
  );
  // ants was stopped above; the others answer their readiness probe.
  expect(text).toContain('passerelle_gateway_provider_ready{provider="ants"} 0');
  expect(text).toContain('passerelle_gateway_provider_ready{provider="dgfip"} 1');
});

test("metrics: the revocation list's age and the pools' saturation", async () => {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const staleness = Number(text.match(/^passerelle_gateway_revocation_list_staleness_seconds ([\d.e-]+)$/m)?.[1]);
  // Polled every second by default: never older than the refusal threshold (5 s) here.
  expect(staleness).toBeGreaterThanOrEqual(0);
  expect(staleness).toBeLessThan(5);
  for (const pool of ['main', 'quota', 'audit']) {
    expect(text).toMatch(new RegExp(`^passerelle_gateway_db_pool_connections\\{pool="${pool}"\\} \\d+$`, 'm'));
    expect(text).toMatch(new RegExp(`^passerelle_gateway_db_pool_waiting_requests\\{pool="${pool}"\\} \\d+$`, 'm'));
  }
  expect(text).toMatch(/^passerelle_gateway_db_pool_max_connections\{pool="main"\} 2$/m);
  expect(text).toMatch(/^passerelle_gateway_db_pool_idle_connections\{pool="audit"\} \d+$/m);
  // Labelled by reason, it has no sample until a write fails (test/gateway/exchange-events.test.ts).
  expect(text).toContain('# TYPE passerelle_gateway_audit_write_failures_total counter');
});
