import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createIdpAvailability, type IdpAvailability } from '../../auth/idp/availability.ts';
import type { IdentityProvider } from '../../lib/config/sections/identity-providers.ts';
import { createLogger } from '../../lib/log.ts';
import { freePort } from '../../harness/ports.ts';

/**
 * The broker's IdP availability check (auth/idp/availability.ts) against real loopback
 * servers: an IdP that answers stays up even when the broker's own event loop was held
 * longer than the probe timeout (a busy start-up must not grey out every IdP on the
 * chooser); one that accepts connections and never answers, and one that refuses them,
 * are marked down.
 */
const TIMEOUT_MS = 100;
const servers: Server[] = [];
let availability: IdpAvailability | undefined;

async function listen(handler: (respond: (status: number) => void) => void): Promise<string> {
  const server = createServer((_request, response) =>
    handler((status) => response.writeHead(status, { 'content-type': 'application/json' }).end('{}')),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function start(issuers: Record<string, string>): { states: Array<[string, boolean]> } {
  const seen: Array<[string, boolean]> = [];
  const idps = Object.entries(issuers).map(([name, issuer]) => ({ name, issuer, enabled: true }) as IdentityProvider);
  availability = createIdpAvailability({
    idps,
    intervalMs: 60000,
    timeoutMs: TIMEOUT_MS,
    logger: createLogger('test', 'silent', new Writable({ write: (_c, _e, done) => done() })),
    onState: (idp, up) => seen.push([idp, up]),
  });
  availability.start();
  return { states: seen };
}

/** Resolves once every IdP has been told at least twice (start, then its first probe's outcome). */
async function settled(states: Array<[string, boolean]>, names: string[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (names.some((n) => states.filter(([idp]) => idp === n).length < 2)) {
    if (Date.now() > deadline) throw new Error(`probes did not end: ${JSON.stringify(states)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

afterEach(async () => {
  availability?.stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('an IdP that answers stays up when the broker was stalled longer than the probe timeout', async () => {
  const answering = await listen((respond) => respond(200));
  const { states } = start({ answering });
  holdEventLoop(TIMEOUT_MS * 3);
  await settled(states, ['answering']);
  expect(availability!.isUp('answering')).toBe(true);
  expect(states).not.toContainEqual(['answering', false]);
});

test('an IdP that never answers is marked down after two timeouts; a refused one at once; a 5xx too', async () => {
  const hanging = await listen(() => {});
  const failing = await listen((respond) => respond(503));
  const refused = `http://127.0.0.1:${await freePort()}`;
  const began = performance.now();
  const { states } = start({ hanging, refused, failing });
  await settled(states, ['hanging', 'refused', 'failing']);
  expect(performance.now() - began).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 5);
  expect(['hanging', 'refused', 'failing'].map((n) => availability!.isUp(n))).toEqual([false, false, false]);
});
