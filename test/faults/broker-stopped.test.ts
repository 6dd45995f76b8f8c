import { Citizen, consentPage, type ConsentPage } from '../../harness/citizen.ts';
import { authorizationUrl, redeemCode, registered, serviceProvider, type Checks } from '../helpers/service-provider.ts';
import { startBrokerPlatform, type BrokerPlatform } from './support/broker-platform.ts';

/**
 * Fault 8 (docs/operations.md#faults-and-recovery): the broker SIGKILLed while two citizens
 * are on the consent page (both logged in at their IdP), then started again. Everything a
 * sign-in needs is in PostgreSQL (interaction, session, consent form, IdP round trip), so
 * after the restart one citizen submits the consent page they still have and lands at the
 * SP with a code that redeems; the other starts again from the SP, and that new sign-in
 * completes. While the broker is down the browser gets a connection error (nothing listens:
 * the load balancer's other brokers carry on, test/auth/two-brokers.test.ts). Nothing is
 * half-stored: no grant, no consent event for a consent that was not given, one account
 * per citizen.
 */
/** Restart to first page served: `passerelle start broker` (tsx, migrations checked, keys) on a loaded 2-core machine. */
const RECOVERY_BOUND_MS = 15_000;
let platform: BrokerPlatform;

beforeAll(async () => {
  platform = await startBrokerPlatform();
}, 120_000);
afterAll(() => platform?.close(), 60_000);

async function counts() {
  const { rows } = await platform.pool.query<{ grants: number; accounts: number; consents: number; refusals: number }>(
    `SELECT (SELECT count(*)::int FROM auth.oidc_payloads WHERE model = 'Grant') AS grants,
            (SELECT count(*)::int FROM auth.accounts) AS accounts,
            (SELECT count(*)::int FROM audit.events WHERE kind = 'broker.consent_given') AS consents,
            (SELECT count(*)::int FROM audit.events WHERE kind = 'broker.consent_refused') AS refusals`,
  );
  return rows[0]!;
}

test('killed at the consent page: the page still decides after the restart, a new sign-in completes, nothing half-stored', async () => {
  const sp = await serviceProvider(platform, 'parking-nimes');
  const atConsent = async (login: string, idp: string) => {
    const { url, checks } = await authorizationUrl(sp, { details: [registered('Parking')] });
    const citizen = new Citizen(platform);
    const page = consentPage(await citizen.signIn(url, { login, idp }));
    return { citizen, page, checks };
  };
  const marie = await atConsent('marie.dupont', 'laposte');
  const jean = await atConsent('jean.martin', 'impots');
  expect(await counts()).toEqual({ grants: 0, accounts: 2, consents: 0, refusals: 0 });

  await platform.broker.kill();
  // Nothing listens: the browser's own connection error, no page of ours.
  const refused = await marie.citizen.decide(marie.page, 'allow').then(
    () => 'answered',
    (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.name,
  );
  expect(refused).toBe('ECONNREFUSED');

  const restarting = performance.now();
  await platform.broker.restart();
  const readyMs = performance.now() - restarting;
  // The first page a citizen gets: Jean reloads his consent page (GET /interaction/<uid>;
  // a reload gives the form a new one-time token, so Marie, below, does not reload hers).
  const again = await jean.citizen.go(jean.page.url);
  const recoveryMs = performance.now() - restarting;
  expect(again.status).toBe(200);
  expect(consentPage(again).uid).toBe(jean.page.uid);
  expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
  // The refused attempt stored nothing.
  expect(await counts()).toEqual({ grants: 0, accounts: 2, consents: 0, refusals: 0 });

  // Marie submits the page she had before the kill (its one-time token is in the database).
  const back = await marie.citizen.decide(marie.page, 'allow');
  await expectCodeRedeems(back, marie.checks);

  // Jean goes back to the SP instead: a clean new sign-in (his broker session survived, so
  // no IdP again), which completes; his first interaction is left, granting nothing.
  const retry = await authorizationUrl(sp, { details: [registered('Parking')] });
  const second = await jean.citizen.signIn(retry.url, { login: 'jean.martin', idp: 'impots' });
  const secondPage: ConsentPage = consentPage(second);
  expect(secondPage.uid).not.toBe(jean.page.uid);
  await expectCodeRedeems(await jean.citizen.decide(secondPage, 'allow'), retry.checks);

  // One grant and one consent event per consent given, one account per citizen.
  expect(await counts()).toEqual({ grants: 2, accounts: 2, consents: 2, refusals: 0 });
  console.log(
    `fault 8 (broker SIGKILLed at the consent page): ${JSON.stringify({
      readyMs: Math.round(readyMs),
      recoveryMs: Math.round(recoveryMs),
      continued: 'consent page submitted after restart',
      retried: 'new sign-in completed',
    })}`,
  );

  async function expectCodeRedeems(stop: { url: URL; status: number }, checks: Checks) {
    expect(stop.url.origin).toBe(new URL(sp.redirectUri).origin);
    expect(stop.url.searchParams.get('error')).toBeNull();
    const tokens = await redeemCode(sp, stop.url, checks);
    expect(tokens.access_token).toEqual(expect.any(String));
  }
}, 120_000);
