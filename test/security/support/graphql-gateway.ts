import { randomUUID } from 'node:crypto';
import type { RunningComponent } from '../../../lib/component.ts';
import { loadPlatformConfig } from '../../../bin/config.ts';
import { operationHash } from '../../../lib/federation/operation.ts';
import { createLogger } from '../../../lib/log.ts';
import { subgraphComponent } from '../../../lib/subgraph/start.ts';
import { seedSandbox } from '../../../sandbox/seed/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { startCountingProxy, type CountingProxy } from '../../../harness/counting-proxy.ts';
import { PROVIDERS, providerFoldersOf } from '../../helpers/providers.ts';
import { startTestGateway, type TestGateway } from '../../gateway/support/gateway.ts';
import { MARIE } from '../../gateway/support/identities.ts';

/**
 * The gateway-side negatives' bench: a gateway in front of the real subgraphs (on a
 * test database seeded with the sandbox citizens), each behind a counting proxy, and
 * `expectRefused`, which checks what every refusal must show: its status and code,
 * no provider called, no 500, no stack trace or internal path in the body, and the
 * exchange recorded in the audit chain as refused with that code.
 */
export const PARKING =
  'query Parking { me { taxAddress { cityCode city } vehicles { registrationNumber critAir } familyQuotient { value } } }';
export const PARKING_SCOPES = ['ants_critair', 'ants_vehicules', 'cnaf_quotient_familial', 'dgfip_adresse_fiscale'];

export interface Sent {
  status: number;
  headers: Headers;
  json: any;
  requestId: string;
  /** Provider calls made while this request was served. */
  providerCalls: number;
}

export interface NegativesBench {
  gw: TestGateway;
  /** GraphQL POSTs the providers received so far (readiness probes are GETs). */
  providerCalls(): number;
  /** A pivot token consenting to `query` (its hash, its operation name unless given) with `scopes`. */
  tokenFor(query: string, options?: { scopes?: string[]; operationName?: string | null }): Promise<string>;
  /** `gw.post` with a fresh request id, counting the provider calls it caused. */
  send(body: unknown, token?: string, headers?: Record<string, string>): Promise<Sent>;
}

/** Registers beforeAll/afterAll for the file and returns the bench (filled in once started). */
export function useNegativesBench(overrides: Array<[string, unknown]> = []): NegativesBench {
  let db: TestDatabase;
  const proxies: CountingProxy[] = [];
  const subgraphs: RunningComponent[] = [];
  const providerCalls = () => proxies.reduce((n, p) => n + p.graphqlCalls().length, 0);
  const bench: NegativesBench = {
    gw: undefined as unknown as TestGateway,
    providerCalls,
    async tokenFor(query, options = {}) {
      const operationName = options.operationName === undefined ? nameOf(query) : options.operationName;
      const { token } = await bench.gw.issuer.issue({
        pivot: MARIE,
        accountId: 'marie.dupont',
        operations: [{ hash: operationHash(query), operationName, scopes: options.scopes ?? [] }],
      });
      return token;
    },
    async send(body, token, headers = {}) {
      const requestId = `neg-${randomUUID()}`;
      const before = providerCalls();
      const answer = await bench.gw.post(body, token, { 'x-request-id': requestId, ...headers });
      return { ...answer, requestId, providerCalls: providerCalls() - before };
    },
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const seedPool = db.pool({ max: 2 });
    await seedSandbox(seedPool, providerFoldersOf());
    await seedPool.end();
    const byName: Record<string, CountingProxy> = {};
    for (const name of PROVIDERS) proxies.push((byName[name] = await startCountingProxy()));
    bench.gw = await startTestGateway({
      database: db,
      providerUrls: Object.fromEntries(PROVIDERS.map((p) => [p, byName[p]!.url])),
      overrides,
    });
    // The subgraphs trust the gateway's JWKS, as in production.
    const config = loadPlatformConfig({
      env: {},
      overrides: [['gateway.jwksUri', `${bench.gw.url}/.well-known/jwks.json`]],
    });
    const logger = createLogger('subgraphs', 'silent');
    for (const name of PROVIDERS) {
      const subgraph = await subgraphComponent(name, { jwksCooldownMs: 0 })(
        { config, database: db, logger },
        { port: 0 },
      );
      subgraphs.push(subgraph);
      byName[name]!.target = subgraph.url;
    }
  }, 60_000);
  afterAll(async () => {
    await bench.gw?.close();
    for (const s of subgraphs) await s.close();
    for (const p of proxies) await p.close();
    await db?.drop();
  });
  return bench;
}

export const nameOf = (query: string) => /^\s*query\s+(\w+)/.exec(query)?.[1] ?? null;
export const codeOf = (json: any): string | undefined => json?.errors?.[0]?.extensions?.code;

/** What must never be in a response: a stack frame, a source or module path, an internal error. */
const LEAKS =
  /\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|\/work\/|file:\/\/|GATEWAY_INTERNAL_ERROR|INTERNAL_SERVER_ERROR/;

export function expectNoLeak(body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  expect(text).not.toMatch(LEAKS);
}

/**
 * The refusal contract: `status` and `code`, nothing sent to any provider, nothing
 * leaked, and one exchange event for the request, outcome `refused`, naming the code.
 */
export async function expectRefused(
  bench: NegativesBench,
  sent: { status: number; json: any; requestId: string; providerCalls: number },
  status: number,
  code: string,
): Promise<void> {
  expect([sent.status, codeOf(sent.json)]).toEqual([status, code]);
  expect(sent.providerCalls).toBe(0);
  expectNoLeak(sent.json);
  await expectRecordedRefusal(bench, sent.requestId, status, code);
}

export async function expectRecordedRefusal(
  bench: NegativesBench,
  requestId: string,
  status: number,
  code: string,
): Promise<void> {
  const events = await bench.gw.exchangeEvents(requestId);
  expect(events.map((e) => e.data)).toEqual([
    expect.objectContaining({ outcome: 'refused', httpStatus: status, errorCodes: expect.arrayContaining([code]) }),
  ]);
  expect(events[0]!.data).toMatchObject({ providers: [], fields: [], scopes: [] });
}
