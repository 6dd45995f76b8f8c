import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { loadPlatformConfig } from '../../bin/config.ts';
import { providerSubject } from '../../gateway/provider-subject.ts';
import { loadContract } from '../../lib/federation/contract.ts';
import { operationHash } from '../../lib/federation/operation.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import type { TestGateway } from './support/gateway.ts';
import { startGatewayWithProviders, type GatewayWithProviders } from './support/providers.ts';

/**
 * Data providers never learn more than they need (docs/tokens.md, the internal provider
 * token): each gets its own identifier for the citizen — not the service provider's, not
 * another provider's —, stable so it can keep its records; the service provider's
 * identity only when its catalog asks for it; only its own scopes. The service provider
 * keeps seeing its own `sub` as `me.id`, whatever a provider sends back.
 */
const QUERY =
  'query Identifiers { me { id taxAddress { cityCode } vehicles { registrationNumber } familyQuotient { value } } }';
const SCOPES = ['ants_vehicules', 'cnaf_quotient_familial', 'dgfip_adresse_fiscale'];
const READ = ['dgfip', 'ants', 'cnaf'];

let platform: GatewayWithProviders;
let gw: TestGateway;
let secret: string;
beforeAll(async () => {
  platform = await startGatewayWithProviders();
  gw = platform.gw;
  secret = gw.config.secret(gw.config.gateway.providerSubjectSecret, 'gateway.providerSubjectSecret');
});
afterAll(() => platform?.close());

const tokenFor = (accountId: string, clientId?: string) =>
  gw.issuer.issue({
    accountId,
    ...(clientId ? { clientId } : {}),
    pivot: SANDBOX_IDENTITIES[accountId]!,
    operations: [{ hash: operationHash(QUERY), operationName: 'Identifiers', scopes: SCOPES }],
  });

/** Runs the query; what the SP got, and per provider the internal token's claims and the body it was sent. */
async function exchange(accountId: string, clientId?: string) {
  const { token, sub } = await tokenFor(accountId, clientId);
  const before = Object.fromEntries(PROVIDERS.map((p) => [p, platform.proxies[p]!.graphqlCalls().length]));
  const { status, json } = await gw.post({ query: QUERY }, token);
  expect([status, json.errors]).toEqual([200, undefined]);
  const received = Object.fromEntries(
    PROVIDERS.flatMap((provider) =>
      platform.proxies[provider]!.graphqlCalls()
        .slice(before[provider])
        .map((request) => {
          const claims = decodeJwt(/^Bearer (.+)$/.exec(request.headers.authorization!)![1]!);
          return [provider, { claims, request, body: JSON.parse(request.body) }] as const;
        }),
    ),
  );
  expect(Object.keys(received).sort()).toEqual([...READ].sort());
  return { sub, me: json.data.me, received };
}

describe("each provider's own identifier for the citizen", () => {
  test("differs between providers, is never the SP's, keys the representation it is sent, and me.id stays the SP's", async () => {
    const { sub, me, received } = await exchange('marie.dupont');
    expect(me.id).toBe(sub);
    expect(me.taxAddress.cityCode).toBe('30189'); // the citizen is still matched by the pivot identity
    const subjects = READ.map((p) => received[p]!.claims.sub);
    expect(new Set([...subjects, sub]).size).toBe(READ.length + 1);
    for (const provider of READ) {
      const { claims, body, request } = received[provider]!;
      // The documented derivation: the provider and the broker's account id (citizen_ref).
      expect(claims.sub).toBe(providerSubject(secret, provider, 'marie.dupont'));
      expect(body.variables.representations).toEqual([{ __typename: 'Citizen', id: claims.sub }]);
      // Nothing the provider receives carries the SP's subject, or another provider's.
      const everything = JSON.stringify([request.headers, request.body, claims]);
      expect(everything).not.toContain(sub);
      for (const other of subjects.filter((s) => s !== claims.sub)) expect(everything).not.toContain(other);
    }
  });

  test('is stable across tokens, requests and service providers; another citizen gets other ones', async () => {
    const first = await exchange('marie.dupont');
    const again = await exchange('marie.dupont');
    const elsewhere = await exchange('marie.dupont', 'other-sp');
    const jean = await exchange('jean.martin');
    const subjectsOf = (run: typeof first) => READ.map((p) => run.received[p]!.claims.sub);
    expect(subjectsOf(again)).toEqual(subjectsOf(first));
    // Another service provider has another sub for Marie, and sees it; the providers' do not change.
    expect(elsewhere.sub).not.toBe(first.sub);
    expect(elsewhere.me.id).toBe(elsewhere.sub);
    expect(subjectsOf(elsewhere)).toEqual(subjectsOf(first));
    for (const [i, subject] of subjectsOf(jean).entries()) expect(subject).not.toBe(subjectsOf(first)[i]);
  });
});

describe('purpose control', () => {
  // The catalogs the test gateway reads (the sandbox configuration's).
  const catalogs = new Map(loadContract(loadPlatformConfig({ env: {} })).providers.map((p) => [p.name, p.catalog]));
  const asks = READ.filter((p) => catalogs.get(p)!.provider.serviceProviderIdentity);

  test("the SP's identity reaches only a provider whose catalog asks for it", async () => {
    // Both cases must be exercised for this test to mean anything.
    expect(asks.length).toBeGreaterThan(0);
    expect(asks.length).toBeLessThan(READ.length);
    const { received } = await exchange('marie.dupont');
    for (const provider of READ) {
      const { claims, request } = received[provider]!;
      if (asks.includes(provider)) expect(claims.client_id).toBe('parking-nimes');
      else {
        expect(claims).not.toHaveProperty('client_id');
        expect(JSON.stringify([request.headers, request.body])).not.toContain('parking-nimes');
      }
    }
  });

  test("a provider never receives another provider's scopes", async () => {
    const { received } = await exchange('marie.dupont');
    for (const provider of READ) {
      const scopes = String(received[provider]!.claims.scope).split(' ');
      expect(scopes.length).toBeGreaterThan(0);
      for (const scope of scopes) expect(Object.keys(catalogs.get(provider)!.scopes)).toContain(scope);
    }
  });
});

describe('what a provider sends back', () => {
  let tamperer: Server;
  let injected = 0;
  afterAll(() => new Promise<void>((resolve) => tamperer?.close(() => resolve())));

  test('an id it returns for the Citizen does not reach the SP: me.id is the SP sub, its data still merges', async () => {
    // A provider answering with its own id for the Citizen, as a faulty or curious one might.
    const proxy = platform.proxies.dgfip!;
    const real = proxy.target;
    tamperer = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(new URL(req.url!, real), {
        method: req.method!,
        headers: { 'content-type': 'application/json', authorization: req.headers.authorization! },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      });
      const body = (await upstream.json()) as { data?: { _entities?: Array<Record<string, unknown>> } };
      for (const entity of body.data?._entities ?? []) {
        entity.id = 'an-id-of-the-provider';
        injected++;
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => tamperer.listen(0, '127.0.0.1', resolve));
    proxy.target = `http://127.0.0.1:${(tamperer.address() as AddressInfo).port}`;
    try {
      const { sub, me } = await exchange('marie.dupont');
      expect(injected).toBeGreaterThan(0);
      expect(me.id).toBe(sub);
      expect(me.taxAddress.cityCode).toBe('30189');
    } finally {
      proxy.target = real;
    }
  });
});
