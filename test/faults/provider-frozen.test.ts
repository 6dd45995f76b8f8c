import { establishedConnectionsTo } from '../../harness/processes.ts';
import { complete, errorCodes, expectEveryAnswerAudited, runLoad, type Outcome } from './support/load.ts';
import { startFaultPlatform, type FaultPlatform } from './support/platform.ts';

/**
 * Fault 2 (docs/operations.md#faults-and-recovery): a data provider frozen (SIGSTOP) for
 * longer than `gateway.providerTimeoutMs`, then thawed (SIGCONT), under load. Requests
 * end at the timeout with that provider's part null and DATA_PROVIDER_TIMEOUT naming it;
 * nothing piles up (connections to the frozen process, the gateway's memory); the
 * provider is used again as soon as it answers. Every 200 has its one audit event.
 */
/**
 * Small, so the fault is quick, yet above what a healthy provider takes on a loaded 2-core
 * machine; on the embedded database (one session, served from this test's own process
 * beside the load) that is longer.
 */
const TIMEOUT_MS = process.env.DATABASE_URL ? 1000 : 2000;
/** Long enough for each connection of the load to see about three timeouts. */
const FREEZE_MS = 3 * TIMEOUT_MS + 1000;
/** A request may take the timeout plus the gateway's own work on a loaded 2-core machine. */
const ANSWER_BOUND_MS = TIMEOUT_MS + 1500;
const RECOVERY_BOUND_MS = 2000;
const CONCURRENCY = 4;
let platform: FaultPlatform;

beforeAll(async () => {
  platform = await startFaultPlatform({ 'gateway.providerTimeoutMs': TIMEOUT_MS });
}, 120_000);
afterAll(() => platform?.close(), 60_000);

test('ants frozen past the timeout: answers at the timeout naming it, no pile-up, used again once thawed', async () => {
  const ants = platform.providers.ants!;
  const antsPort = platform.providerPorts.ants!;
  const began = performance.now();
  const marks: Record<string, number> = {};
  const mark = (name: string) => (marks[name] = performance.now() - began);
  let done = false;
  const outcomes: Outcome[] = [];
  const settled = runLoad(platform, { requests: 2000, concurrency: CONCURRENCY, pauseMs: 5, until: () => done }).then(
    (all) => outcomes.push(...all),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rssBefore = platform.gateway.rssBytes();
  const connectionsBefore = establishedConnectionsTo(antsPort);

  await ants.freeze();
  mark('frozen');
  let maxConnections = 0;
  const sampler = setInterval(() => {
    maxConnections = Math.max(maxConnections, establishedConnectionsTo(antsPort));
  }, 100);
  await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
  clearInterval(sampler);
  const rssFrozen = platform.gateway.rssBytes();
  await ants.thaw();
  mark('thawed');
  await new Promise((resolve) => setTimeout(resolve, RECOVERY_BOUND_MS + 1000));
  done = true;
  await settled;
  const connectionsAfter = establishedConnectionsTo(antsPort);

  // Sent once the freeze had begun, answered before the thaw: ants's part timed out.
  const frozen = outcomes.filter((o) => o.sentAt > marks.frozen! && o.endedAt < marks.thawed!);
  expect(frozen.length).toBeGreaterThanOrEqual(CONCURRENCY);
  for (const outcome of frozen) {
    expect(outcome.status).toBe(200);
    expect(errorCodes(outcome)).toEqual(['DATA_PROVIDER_TIMEOUT:ants']);
    expect(outcome.body?.data?.me?.vehicles).toBeNull();
    expect(outcome.endedAt - outcome.sentAt).toBeLessThan(ANSWER_BOUND_MS);
    expect(outcome.endedAt - outcome.sentAt).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  }
  // No pile-up: the gateway holds no more connections to the frozen provider than requests in flight.
  if (connectionsBefore >= 0) {
    expect(maxConnections).toBeLessThanOrEqual(connectionsBefore + 2 * CONCURRENCY);
    expect(connectionsAfter).toBeLessThanOrEqual(connectionsBefore + CONCURRENCY);
  }
  expect(rssFrozen - rssBefore).toBeLessThan(64 * 1024 * 1024);

  const after = outcomes.filter((o) => o.sentAt > marks.thawed!);
  const firstWhole = after.find(complete);
  expect(firstWhole).toBeDefined();
  const recoveryMs = firstWhole!.endedAt - marks.thawed!;
  expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
  expect(
    after.filter((o) => o.sentAt > firstWhole!.endedAt && !complete(o)).map((o) => [o.status, ...errorCodes(o)]),
  ).toEqual([]);
  expect(outcomes.every((o) => o.status === 200)).toBe(true);

  const account = await expectEveryAnswerAudited(platform, outcomes);
  console.log(
    `fault 2 (provider frozen ${FREEZE_MS} ms): ${JSON.stringify({
      ...account,
      lost: account.lost.length,
      timedOut: frozen.length,
      slowestMs: Math.round(Math.max(...frozen.map((o) => o.endedAt - o.sentAt))),
      connections: { before: connectionsBefore, maxFrozen: maxConnections, after: connectionsAfter },
      rssGrowthMiB: Math.round((rssFrozen - rssBefore) / 2 ** 20),
      recoveryMs: Math.round(recoveryMs),
    })}`,
  );
}, 120_000);
