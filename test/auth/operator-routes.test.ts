import { connect, createServer, type Socket } from 'node:net';
import { openDatabase } from '../../lib/db/database.ts';
import { Agent } from '../../lib/http/agent.ts';
import { freePort } from '../../harness/ports.ts';
import { authorizationRequestUrl, startTestBroker, testConfig, type TestBroker } from './support/broker.ts';

/**
 * What the operator's tools read from the broker (auth/operator-routes.ts,
 * auth/metrics.ts): health, and Prometheus metrics — IdP round-trip failures by IdP,
 * the pool's saturation gauges. IdPs here are addresses where nothing answers; the
 * database is cut, for readiness, by a TCP forwarder between a second broker and it.
 */
let t: TestBroker;
let issuer: string;

const idp = (name: string, issuer: string) => ({
  name,
  displayName: `IdP ${name}`,
  issuer,
  clientId: 'passerelle',
  clientSecret: 'sandbox-secret-for-tests-only-0123456789',
  maxAcr: 'eidas1',
});

beforeAll(async () => {
  const config = testConfig([
    ['broker.idpTimeoutMs', 800],
    [
      'identityProviders',
      [idp('north', `http://127.0.0.1:${await freePort()}`), idp('south', `http://127.0.0.1:${await freePort()}`)],
    ],
  ]);
  t = await startTestBroker({ config });
  issuer = t.broker.issuer;
});
afterAll(async () => {
  await t.close();
});

const metrics = async () => (await fetch(new URL('/metrics', issuer))).text();
/** The value of one sample, 0 when absent. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

/** Starts a sign-in as parking-nimes and chooses `idpName` at the chooser. */
async function chooseIdp(idpName: string): Promise<Response> {
  const url = await authorizationRequestUrl(issuer);
  const agent = new Agent();
  const { url: chooser } = await agent.follow(url);
  return agent.fetch(new URL(`${chooser.pathname}/idp`, issuer), { form: { idp: idpName } });
}

test('health: live, and ready while the database answers', async () => {
  const live = await fetch(new URL('/health/live', issuer));
  expect([live.status, await live.json()]).toEqual([200, { status: 'live' }]);
  const ready = await fetch(new URL('/health/ready', issuer));
  expect([ready.status, await ready.json()]).toEqual([200, { ready: true, checks: { database: { ok: true } } }]);
  expect(ready.headers.get('cache-control')).toBe('no-store');
});

test('IdP round-trip failures are counted by IdP and code', async () => {
  const north = 'passerelle_broker_idp_failures_total{idp="north",code="IDP_UNAVAILABLE"}';
  const south = 'passerelle_broker_idp_failures_total{idp="south",code="IDP_UNAVAILABLE"}';
  const before = await metrics();
  expect((await chooseIdp('north')).status).toBe(502);
  expect((await chooseIdp('north')).status).toBe(502);
  expect((await chooseIdp('south')).status).toBe(502);
  const after = await metrics();
  expect(sample(after, north) - sample(before, north)).toBe(2);
  expect(sample(after, south) - sample(before, south)).toBe(1);
});

test("metrics: the pool's saturation gauges and the process defaults, nothing personal", async () => {
  const text = await metrics();
  expect(sample(text, 'passerelle_broker_db_pool_max_connections{pool="main"}')).toBe(10);
  expect(sample(text, 'passerelle_broker_db_pool_connections{pool="main"}')).toBeGreaterThanOrEqual(1);
  expect(text).toMatch(/^passerelle_broker_db_pool_idle_connections\{pool="main"\} \d+$/m);
  expect(text).toMatch(/^passerelle_broker_db_pool_waiting_requests\{pool="main"\} 0$/m);
  expect(text).toMatch(/^passerelle_broker_process_resident_memory_bytes \d+/m);
  expect(text).not.toMatch(/sub=|citizen|given_name/);
});

/** A TCP forwarder to the test's database that can cut every connection, and refuse new ones until restored. */
async function startCuttableForwarder(target: URL) {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('not ready while the database does not answer, ready again once it does', async () => {
  const forwarder = await startCuttableForwarder(new URL(t.database.url));
  const database = await openDatabase({ databaseUrl: forwarder.url });
  const second = await startTestBroker({ database: { ...database, drop: () => database.close() } });
  const ready = () => fetch(new URL('/health/ready', second.broker.issuer));
  try {
    expect((await ready()).status).toBe(200);
    forwarder.cut();
    const down = await ready();
    expect([down.status, await down.json()]).toEqual([
      503,
      { ready: false, checks: { database: { ok: false, detail: 'the database does not answer' } } },
    ]);
    expect((await fetch(new URL('/health/live', second.broker.issuer))).status).toBe(200);
    forwarder.restore();
    expect((await ready()).status).toBe(200);
  } finally {
    forwarder.restore();
    await second.close();
    await database.close();
    await forwarder.close();
  }
});
