import { Citizen, consentPage, textOf, type Stop } from '../../harness/citizen.ts';
import {
  authorizationUrl,
  redeemCode,
  registered,
  serviceProvider,
  type ServiceProvider,
} from '../helpers/service-provider.ts';
import { startBrokerPlatform, type BrokerPlatform } from './support/broker-platform.ts';

/**
 * Fault 10 (docs/operations.md#faults-and-recovery): one identity provider killed (SIGKILL),
 * another frozen (SIGSTOP). The broker's availability check (auth/idp/availability.ts)
 * finds both within its interval plus two timeouts: the chooser shows them unavailable,
 * choosing one (or `idp_hint` to it) ends at once on our IDP_UNAVAILABLE page with a link
 * back to the chooser — never a redirect to an IdP that would leave the browser on a
 * connection error or a hang — while a sign-in through another IdP completes. Once restarted
 * and thawed, they are offered and used again within a bound.
 */
const PROBE_INTERVAL_MS = 500;
const PROBE_TIMEOUT_MS = 500;
/** Detection and return: one interval, two timeouts (a timeout is checked again), and a loaded 2-core machine's delay. */
const DETECTION_BOUND_MS = PROBE_INTERVAL_MS + 2 * PROBE_TIMEOUT_MS + 2000;
/** A refused choice: our page, no network call to the IdP. */
const PAGE_BOUND_MS = 1000;
let platform: BrokerPlatform;
let sp: ServiceProvider;

beforeAll(async () => {
  platform = await startBrokerPlatform({
    'broker.idpProbeIntervalMs': PROBE_INTERVAL_MS,
    'broker.idpProbeTimeoutMs': PROBE_TIMEOUT_MS,
  });
  sp = await serviceProvider(platform, 'parking-nimes');
}, 120_000);
afterAll(() => platform?.close(), 60_000);

/** The chooser of a new sign-in; `offered`: the IdPs it lets the citizen choose. */
async function chooser(extra: Record<string, string> = {}) {
  const citizen = new Citizen(platform);
  const { url } = await authorizationUrl(sp, { details: [registered('Parking')], extra });
  const page = await citizen.go(url);
  const offered = [...page.html.matchAll(/name="idp" value="([a-z]+)"(?! disabled)/g)].map((m) => m[1]);
  return { citizen, page, offered };
}

async function waitForOffered(check: (offered: string[]) => boolean): Promise<number> {
  const began = performance.now();
  for (;;) {
    const { offered } = await chooser();
    if (check(offered as string[])) return performance.now() - began;
    if (performance.now() - began > DETECTION_BOUND_MS) throw new Error(`chooser still offers ${offered.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function idpUp(): Promise<Record<string, number>> {
  const text = await (await fetch(`${platform.broker.url}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^passerelle_broker_idp_up\{idp="([a-z]+)"\} (\d)$/gm)].map((m) => [m[1], Number(m[2])]),
  );
}

function expectUnavailablePage(stop: Stop, ms: number) {
  expect(stop.status).toBe(502);
  expect(stop.url.origin).toBe(new URL(platform.issuer).origin);
  expect(textOf(stop.html)).toContain('Code d’erreur : IDP_UNAVAILABLE');
  expect(stop.html).toMatch(/href="\/interaction\/[^"/]+\?choose=1"/);
  expect(ms).toBeLessThan(PAGE_BOUND_MS);
}

async function signInCompletes(login: string, idp: string) {
  const { url, checks } = await authorizationUrl(sp, { details: [registered('Parking')] });
  const citizen = new Citizen(platform);
  const back = await citizen.decide(consentPage(await citizen.signIn(url, { login, idp })), 'allow');
  expect((await redeemCode(sp, back.url, checks)).access_token).toEqual(expect.any(String));
}

test('a dead and a hanging IdP: shown unavailable, our page when chosen, others unaffected, back once restarted', async () => {
  expect((await chooser()).offered).toEqual(['impots', 'laposte', 'ameli', 'eidas']);
  expect(await idpUp()).toEqual({ impots: 1, laposte: 1, ameli: 1, eidas: 1 });

  await platform.idps.impots!.kill();
  await platform.idps.laposte!.freeze();
  const detectedMs = await waitForOffered((o) => !o.includes('impots') && !o.includes('laposte'));
  expect(await idpUp()).toEqual({ impots: 0, laposte: 0, ameli: 1, eidas: 1 });
  const { citizen, page, offered } = await chooser();
  expect(offered).toEqual(['ameli', 'eidas']);
  expect(textOf(page.html)).toContain('Ce compte ne répond pas en ce moment.');
  expect(page.html).toMatch(/value="impots" disabled aria-describedby="idp-impots-reason"/);

  // Chosen anyway (a stale page, a crafted form) or asked for with idp_hint: our page, at once.
  let began = performance.now();
  expectUnavailablePage(
    await citizen.go(new URL(`${page.url.pathname}/idp`, platform.issuer), { idp: 'impots' }),
    performance.now() - began,
  );
  const hinted = new Citizen(platform);
  const { url: hint } = await authorizationUrl(sp, {
    details: [registered('Parking')],
    extra: { idp_hint: 'laposte' },
  });
  began = performance.now();
  expectUnavailablePage(await hinted.go(hint), performance.now() - began);

  // The others are unaffected.
  await signInCompletes('jean.martin', 'ameli');

  const restarting = performance.now();
  await platform.idps.laposte!.thaw();
  await platform.idps.impots!.restart();
  const impotsReadyMs = performance.now() - restarting;
  const backMs = (await waitForOffered((o) => o.includes('impots') && o.includes('laposte'))) + impotsReadyMs;
  expect(await idpUp()).toEqual({ impots: 1, laposte: 1, ameli: 1, eidas: 1 });
  await signInCompletes('marie.dupont', 'laposte');
  await signInCompletes('marie.dupont', 'impots');
  console.log(
    `fault 10 (IdP killed and IdP frozen, probe ${PROBE_INTERVAL_MS}/${PROBE_TIMEOUT_MS} ms): ${JSON.stringify({
      detectedMs: Math.round(detectedMs),
      impotsRestartMs: Math.round(impotsReadyMs),
      offeredAgainMs: Math.round(backMs - impotsReadyMs),
    })}`,
  );
}, 120_000);
