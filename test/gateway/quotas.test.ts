import { operationHash } from '../../lib/federation/operation.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { startCountingProxy, type CountingProxy } from '../../harness/counting-proxy.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { inOneSecond } from '../helpers/one-window.ts';
import { startTestGateway, type TestGateway } from './support/gateway.ts';
import { MARIE } from './support/identities.ts';

/**
 * The service provider's quotas at the gateway (lib/quota/, gateway/quotas.ts): requests
 * per second counted across gateway processes (two gateways on one database), requests
 * per day per operation; over either, 429 with its code, the RateLimit fields and
 * Retry-After, no provider called, the refusal recorded as an exchange, the quota hit
 * once per window as `quota.exceeded`, and a metric.
 */
let db: TestDatabase;
let a: TestGateway;
let b: TestGateway;
let daily: TestGateway;
const proxies: Record<string, CountingProxy> = {};
const SP = 'serviceProviders.parking-nimes.quotas';

const document = (name: string) => `query ${name} { me { id } }`;
const codeOf = (json: any) => json?.errors?.[0]?.extensions?.code;
const providerCalls = () => Object.values(proxies).reduce((n, p) => n + p.graphqlCalls().length, 0);
async function tokenFor(gw: TestGateway, ...names: string[]): Promise<string> {
  const operations = names.map((name) => ({ hash: operationHash(document(name)), operationName: name, scopes: [] }));
  return (await gw.issuer.issue({ pivot: MARIE, operations })).token;
}
async function quotaEvents(quota: string): Promise<any[]> {
  const { rows } = await a.pool.query(
    "SELECT client_id AS \"clientId\", data FROM audit.events WHERE kind = 'quota.exceeded' AND data->>'quota' = $1 ORDER BY seq",
    [quota],
  );
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // No subgraph behind the proxies: a call would be counted (and fail). `me { id }` needs none.
  for (const name of PROVIDERS) proxies[name] = await startCountingProxy('http://127.0.0.1:9');
  const providerUrls = Object.fromEntries(Object.entries(proxies).map(([name, p]) => [name, p.url]));
  const start = (overrides: Array<[string, unknown]>) =>
    startTestGateway({ database: db, providerUrls, overrides: [['gateway.audit.writeTimeoutMs', 2000], ...overrides] });
  a = await start([[`${SP}.gatewayRequestsPerSecond`, 3]]);
  b = await start([[`${SP}.gatewayRequestsPerSecond`, 3]]);
  daily = await start([[`${SP}.gatewayRequestsPerDayPerOperation`, 2]]);
}, 60_000);
afterAll(async () => {
  for (const gw of [a, b, daily]) await gw?.close();
  for (const proxy of Object.values(proxies)) await proxy.close();
  await db?.drop();
});
afterEach(() => {
  expect(providerCalls()).toBe(0);
});

describe('requests per second', () => {
  let answers: Array<{ status: number; headers: Headers; json: any; requestId: string }>;
  let window: string;

  beforeAll(async () => {
    const tokenA = await tokenFor(a, 'Me');
    const tokenB = await tokenFor(b, 'Me');
    const run = 'rps-' + Date.now();
    ({ answers, window } = await inOneSecond(async () => {
      const window = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
      const answers = [];
      // Alternating between the two gateways: 3 allowed in all, not 3 each.
      for (const [i, gw] of [a, b, a, b, a, b].entries()) {
        const requestId = `${run}-${i}`;
        const answer = await gw.post({ query: document('Me') }, gw === a ? tokenA : tokenB, {
          'x-request-id': requestId,
        });
        answers.push({ ...answer, requestId });
      }
      return { answers, window };
    }));
  });

  test('two gateways share the counter: the fourth request of the second is refused, 429 RATE_LIMIT_EXCEEDED', () => {
    expect(answers.map((r) => [r.status, codeOf(r.json) ?? null])).toEqual([
      [200, null],
      [200, null],
      [200, null],
      [429, 'RATE_LIMIT_EXCEEDED'],
      [429, 'RATE_LIMIT_EXCEEDED'],
      [429, 'RATE_LIMIT_EXCEEDED'],
    ]);
  });

  test('a refusal carries the policy, its state, Retry-After and a GraphQL error body', () => {
    const refused = answers[3]!;
    expect(refused.headers.get('ratelimit-policy')).toBe('"per-second";q=3;w=1');
    expect(refused.headers.get('ratelimit')).toBe('"per-second";r=0;t=1');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.json).toEqual({
      errors: [
        {
          message: 'This service sends too many requests per second; retry in a moment.',
          extensions: {
            code: 'RATE_LIMIT_EXCEEDED',
            quota: 'gatewayRequestsPerSecond',
            limit: 3,
            windowSeconds: 1,
            retryAfterSeconds: 1,
          },
        },
      ],
    });
  });

  test('an answered request tells what is left of each quota it was counted against', () => {
    expect(answers[1]!.headers.get('ratelimit-policy')).toBe('"per-second";q=3;w=1, "per-day";q=100000;w=86400');
    expect(answers[1]!.headers.get('ratelimit')).toMatch(/^"per-second";r=1;t=1, "per-day";r=\d+;t=\d+$/);
  });

  test('each refusal is recorded as a refused exchange, like any other', async () => {
    const [event] = await a.exchangeEvents(answers[4]!.requestId);
    expect(event).toMatchObject({
      clientId: 'parking-nimes',
      data: { outcome: 'refused', httpStatus: 429, errorCodes: ['RATE_LIMIT_EXCEEDED'], providers: [] },
    });
  });

  test('the quota hit is in the audit chain once for the window, not once per refusal', async () => {
    const events = (await quotaEvents('gatewayRequestsPerSecond')).filter((e) => e.data.windowStart === window);
    expect(events).toEqual([
      {
        clientId: 'parking-nimes',
        data: {
          component: 'gateway',
          quota: 'gatewayRequestsPerSecond',
          limit: 3,
          windowSeconds: 1,
          windowStart: window,
          operationHash: null,
          operationName: null,
        },
      },
    ]);
  });

  test('the refusals are counted by client and quota in the metrics of the gateway that refused', async () => {
    const metric = (text: string) =>
      Number(
        /passerelle_gateway_quota_refusals_total\{client_id="parking-nimes",quota="gatewayRequestsPerSecond"\} (\d+)/.exec(
          text,
        )?.[1] ?? 0,
      );
    const metricsOf = async (gw: TestGateway) => (await fetch(`${gw.url}/metrics`)).text();
    expect(metric(await metricsOf(a))).toBeGreaterThanOrEqual(1);
    expect(metric(await metricsOf(b))).toBeGreaterThanOrEqual(2);
  });

  test('the next second is a new window', async () => {
    const token = await tokenFor(a, 'Me');
    const status = await inOneSecond(async () => (await a.post({ query: document('Me') }, token)).status);
    expect(status).toBe(200);
  });
});

describe('requests per day per operation', () => {
  test('the third request of the day for one operation is refused, 429 DAILY_QUOTA_EXCEEDED; another operation is not', async () => {
    const token = await tokenFor(daily, 'DayOne', 'DayTwo');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await daily.post({ query: document('DayOne') }, token)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect((await daily.post({ query: document('DayTwo') }, token)).status).toBe(200);

    const refused = await daily.post({ query: document('DayOne') }, token);
    expect(codeOf(refused.json)).toBe('DAILY_QUOTA_EXCEEDED');
    expect(refused.json.errors[0].extensions).toMatchObject({
      quota: 'gatewayRequestsPerDayPerOperation',
      limit: 2,
      windowSeconds: 86_400,
    });
    const untilMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Math.abs(retryAfter - untilMidnight)).toBeLessThanOrEqual(2);
    expect(refused.headers.get('ratelimit-policy')).toBe('"per-day";q=2;w=86400');
    expect(refused.headers.get('ratelimit')).toBe(`"per-day";r=0;t=${retryAfter}`);

    const events = (await quotaEvents('gatewayRequestsPerDayPerOperation')).map((e) => e.data);
    expect(events).toEqual([
      expect.objectContaining({ operationName: 'DayOne', operationHash: operationHash(document('DayOne')), limit: 2 }),
    ]);
  });

  test('a request refused for consent does not spend the operation’s quota', async () => {
    const token = await tokenFor(daily, 'DayThree');
    for (let i = 0; i < 3; i++)
      expect(codeOf((await daily.post({ query: document('NotConsented') }, token)).json)).toBe('CONSENT_REQUIRED');
    expect((await daily.post({ query: document('DayThree') }, token)).status).toBe(200);
    expect((await daily.post({ query: document('DayThree') }, token)).status).toBe(200);
  });
});
