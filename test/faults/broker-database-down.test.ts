import { Citizen, consentPage, textOf } from '../../harness/citizen.ts';
import { postgresBinaries, startPostgresCluster, type PostgresCluster } from '../../harness/postgres-cluster.ts';
import { formAction } from '../../lib/http/agent.ts';
import { openDisposableDatabase } from '../../harness/database.ts';
import { shownErrors } from '../../auth/errors.ts';
import { authorizationUrl, redeemCode, registered, serviceProvider } from '../helpers/service-provider.ts';
import { startBrokerPlatform, type BrokerPlatform } from './support/broker-platform.ts';

/**
 * Fault 9 (docs/operations.md#faults-and-recovery): the broker's PostgreSQL stopped (a
 * cluster of the test's own) while citizens are at three steps of a sign-in — the SP's
 * authorization request, the IdP chooser, the IdP's way back to the broker. Each gets our
 * page (French, a code of auth/errors.ts, 503) within a bound, never a hang nor a stack
 * trace; `/health/ready` says the database is down. Once the server is back the broker
 * reconnects by itself and a whole sign-in completes. Needs PostgreSQL's binaries.
 */
/** A page while the database is down: the pool's connection timeout and the broker's own work. */
const ANSWER_BOUND_MS = 5000;
const RECOVERY_BOUND_MS = 10_000;
const binaries = postgresBinaries();
if (!binaries)
  console.warn(
    'test/faults/broker-database-down.test.ts skipped: no PostgreSQL binaries under /usr/lib/postgresql/*/bin',
  );
const suite = binaries ? describe : describe.skip;

suite("the broker's PostgreSQL stopped and started again", () => {
  let cluster: PostgresCluster;
  let platform: BrokerPlatform;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    try {
      platform = await startBrokerPlatform(
        {},
        { database: await openDisposableDatabase({ databaseUrl: cluster.url }) },
      );
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await cluster?.destroy();
  }, 60_000);

  test('503 pages with a code at every step while it is down, not ready; a whole sign-in once it is back', async () => {
    const sp = await serviceProvider(platform, 'parking-nimes');
    // Prepared while the database is up: a pushed request, a citizen at the chooser, one at the IdP's login form.
    const authorize = await authorizationUrl(sp, { details: [registered('Parking')] });
    const atChooser = new Citizen(platform);
    const chooser = await atChooser.go((await authorizationUrl(sp, { details: [registered('Parking')] })).url);
    expect(chooser.html).toContain('/idp"');
    const atIdp = new Citizen(platform);
    const idpStart = await atIdp.go((await authorizationUrl(sp, { details: [registered('Parking')] })).url);
    const login = await atIdp.go(new URL(`${idpStart.url.pathname}/idp`, platform.issuer), { idp: 'laposte' });
    const loginAction = new URL(formAction(login.html)!, login.url);

    await cluster.stop();
    const steps = {
      authorize: () => new Citizen(platform).go(authorize.url),
      chooser: () => atChooser.go(new URL(`${chooser.url.pathname}/idp`, platform.issuer), { idp: 'impots' }),
      callback: () => atIdp.go(loginAction, { login: 'marie.dupont', password: '123' }),
    };
    const seen: Record<string, { status: number; code: string | undefined; ms: number }> = {};
    for (const [step, go] of Object.entries(steps)) {
      const began = performance.now();
      const page = await go();
      const ms = performance.now() - began;
      const text = textOf(page.html);
      const code = /Code d’erreur : ([A-Z_]+)/.exec(text)?.[1];
      seen[step] = { status: page.status, code, ms: Math.round(ms) };
      expect({
        step,
        status: page.status,
        origin: page.url.origin,
        shown: code !== undefined && code in shownErrors,
      }).toEqual({
        step,
        status: 503,
        origin: new URL(platform.issuer).origin,
        shown: true,
      });
      expect(page.html).toContain('lang="fr"');
      expect(text).not.toMatch(/ at [\w.]+ \(|node_modules|stack/i);
      expect(ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    const ready = await fetch(`${platform.broker.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, checks: { database: { ok: false } } });

    await cluster.start();
    const started = performance.now();
    const citizen = new Citizen(platform);
    let recoveryMs = 0;
    for (;;) {
      const fresh = await authorizationUrl(sp, { details: [registered('Parking')] }).catch(() => undefined);
      if (fresh) {
        const stop = await citizen.signIn(fresh.url, { login: 'marie.dupont', idp: 'laposte' });
        if (stop.status === 200 && stop.html.includes('/consent"')) {
          recoveryMs = performance.now() - started;
          const back = await citizen.decide(consentPage(stop), 'allow');
          const tokens = await redeemCode(sp, back.url, fresh.checks);
          expect(tokens.access_token).toEqual(expect.any(String));
          break;
        }
      }
      expect(performance.now() - started).toBeLessThan(RECOVERY_BOUND_MS);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await fetch(`${platform.broker.url}/health/ready`)).status).toBe(200);
    console.log(
      `fault 9 (broker's PostgreSQL stopped): ${JSON.stringify({ ...seen, recoveryMs: Math.round(recoveryMs) })}`,
    );
  }, 120_000);
});
