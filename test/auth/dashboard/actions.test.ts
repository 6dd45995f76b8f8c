import { Citizen, textOf } from '../../../harness/citizen.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { authorizationUrl, registered, serviceProvider } from '../../helpers/service-provider.ts';
import { consentJourney, DashboardUser, historyRows, runAtGateway, type Journey } from './support/dashboard.ts';

/**
 * What a citizen does on /mon-compte: withdraw a consent (the gateway refuses its
 * token within the promised time), block an identity provider (a later sign-in
 * through it is refused), sign out — every form guarded by the session's CSRF token.
 */
let platform: TestPlatform;
const MARIE_IMPOTS = { login: 'marie.dupont', idp: 'impots' };
const MARIE_LAPOSTE = { login: 'marie.dupont', idp: 'laposte' };
const LUCAS = { login: 'lucas.bernard', idp: 'impots' };
let marie: DashboardUser;
let lucas: DashboardUser;
let parking: Journey;

beforeAll(async () => {
  platform = await startTestPlatform();
  parking = (await consentJourney(platform, 'parking-nimes', 'Parking', MARIE_IMPOTS))!;
  await consentJourney(platform, 'simulateur-caf', 'FamilyQuotient', MARIE_LAPOSTE, {
    purpose: 'Estimer vos aides au logement',
  });
  marie = new DashboardUser(platform);
  await marie.signIn(MARIE_LAPOSTE);
  lucas = new DashboardUser(platform);
  await lucas.signIn(LUCAS);
}, 120000);
afterAll(async () => {
  await platform?.close();
});

/** Grant ids of the revoke forms on the consents page. */
async function consentGrantIds(user: DashboardUser): Promise<string[]> {
  const page = await user.get('/mon-compte/consentements');
  return [...page.html.matchAll(/action="\/mon-compte\/consentements\/([^/"]+)\/revoquer"/g)].map((m) => m[1]!);
}

async function grantExists(grantId: string): Promise<boolean> {
  const { rows } = await platform.pool.query("SELECT 1 FROM auth.oidc_payloads WHERE model = 'Grant' AND id = $1", [
    grantId,
  ]);
  return rows.length === 1;
}

test('the consents page lists Marie’s two active consents, with labels; Lucas has none', async () => {
  const page = await marie.get('/mon-compte/consentements');
  const text = textOf(page.html);
  expect(text).toContain('Stationnement résidentiel — Ville de Nîmes');
  expect(text).toContain('Simulateur d’aides au logement (CAF)');
  expect(text).toContain('Finalité : Estimer vos aides au logement');
  expect(text).toContain('Adresse fiscale');
  expect(await consentGrantIds(marie)).toHaveLength(2);
  expect(await consentGrantIds(lucas)).toEqual([]);
  expect(textOf((await lucas.get('/mon-compte/consentements')).html)).toContain('Aucun consentement en cours.');
});

test('forms without the CSRF token, with a wrong one, or from another origin are refused; nothing is revoked', async () => {
  const [grantId] = await consentGrantIds(marie);
  const path = `/mon-compte/consentements/${grantId}/revoquer`;
  for (const csrf of ['', 'not-the-token', `${marie.csrf}x`]) {
    const refused = await marie.post(path, { csrf });
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('DASHBOARD_CSRF_INVALID');
  }
  const crossSite = await marie.citizen.agent.fetch(new URL(path, platform.issuer), {
    form: { csrf: marie.csrf },
    headers: { origin: 'http://evil.example' },
  });
  expect(crossSite.status).toBe(403);
  // Lucas's token is not Marie's.
  expect((await marie.post(path, { csrf: lucas.csrf })).status).toBe(403);
  // Without a session at all.
  const stranger = new DashboardUser(platform);
  const expired = await stranger.post(path, { csrf: marie.csrf });
  expect(expired.status).toBe(401);
  expect(textOf(expired.html)).toContain('DASHBOARD_SESSION_EXPIRED');
  expect(await grantExists(grantId!)).toBe(true);
});

test('Lucas cannot revoke Marie’s grant: 404, and her grant and token still work', async () => {
  const grants = await consentGrantIds(marie);
  for (const grantId of grants) {
    const refused = await lucas.post(`/mon-compte/consentements/${grantId}/revoquer`);
    expect(refused.status).toBe(404);
    expect(textOf(refused.html)).toContain('DASHBOARD_CONSENT_NOT_FOUND');
    expect(await grantExists(grantId)).toBe(true);
  }
  expect((await runAtGateway(platform, parking)).status).toBe(200);
  const { rows } = await platform.pool.query(
    "SELECT count(*)::int AS n FROM audit.events WHERE kind = 'broker.grant_revoked'",
  );
  expect(rows[0].n).toBe(0);
});

test('Marie withdraws her parking consent: the gateway refuses her token within the promised time, and the history says so', async () => {
  expect((await runAtGateway(platform, parking)).status).toBe(200);
  const page = await marie.get('/mon-compte/consentements');
  const grantId = /action="\/mon-compte\/consentements\/([^/"]+)\/revoquer"[\s\S]*?<\/form>/.exec(
    page.html.slice(page.html.indexOf('Stationnement résidentiel')),
  )![1]!;
  const started = Date.now();
  const done = await marie.post(`/mon-compte/consentements/${grantId}/revoquer`);
  expect(done.url.pathname).toBe('/mon-compte/consentements');
  expect(textOf(done.html)).toContain('Votre consentement est retiré');
  expect(textOf(done.html)).not.toContain('Stationnement résidentiel');
  expect(await grantExists(grantId)).toBe(false);

  // docs/tokens.md: the gateways refuse a revoked grant's tokens within about a second
  // (and always before the token's 60 s lifetime ends).
  const answer = await waitFor(
    () => runAtGateway(platform, parking),
    (result) => result.status !== 200,
    { timeoutMs: 5000, intervalMs: 100 },
  );
  const elapsed = Date.now() - started;
  expect(answer.status).toBe(401);
  expect(JSON.stringify(answer.body)).toContain('GRANT_REVOKED');
  expect(elapsed).toBeLessThan(platform.config.broker.accessTokenTtlSeconds * 1000);
  console.info(`revocation from the dashboard to a refusal at the gateway: ${elapsed} ms`);

  const rows = historyRows((await marie.get('/mon-compte')).html);
  expect(rows[0]).toMatch(
    /^gateway\.exchange \| .*Demande de données de Stationnement résidentiel — Ville de Nîmes refusée Refusée Motif : Le citoyen a retiré son consentement/,
  );
  expect(rows.find((r) => r.startsWith('broker.grant_revoked'))).toContain(
    'Consentement à Stationnement résidentiel — Ville de Nîmes retiré Motif : retiré par vous',
  );
  // A second withdrawal of the same grant: nothing left to revoke.
  expect((await marie.post(`/mon-compte/consentements/${grantId}/revoquer`)).status).toBe(404);
});

test('the preferences page lists the IdPs; blocking the current one is refused', async () => {
  const page = await marie.get('/mon-compte/fournisseurs-identite');
  const text = textOf(page.html);
  expect(text).toContain('Vous êtes connecté avec ce compte');
  expect(page.html).not.toMatch(/name="idp" value="laposte"/);
  expect(page.html).toMatch(/name="idp" value="impots"/);
  const refused = await marie.post('/mon-compte/fournisseurs-identite', { idp: 'laposte', action: 'block' });
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain('IDP_BLOCK_CURRENT_REFUSED');
  const unknown = await marie.post('/mon-compte/fournisseurs-identite', { idp: 'nowhere', action: 'block' });
  expect(unknown.status).toBe(400);
  expect(textOf(unknown.html)).toContain('DASHBOARD_PREFERENCE_INVALID');
  expect(
    (await marie.post('/mon-compte/fournisseurs-identite', { idp: 'impots', action: 'block', csrf: 'forged' })).status,
  ).toBe(403);
});

test('Marie blocks impots on the page: a later sign-in through impots is refused with a clear page, and recorded', async () => {
  const done = await marie.post('/mon-compte/fournisseurs-identite', { idp: 'impots', action: 'block' });
  expect(done.url.pathname).toBe('/mon-compte/fournisseurs-identite');
  expect(textOf(done.html)).toContain('Ce compte est bloqué');
  expect(/<tr data-idp="impots">[\s\S]*?<\/tr>/.exec(done.html)![0]).toContain('Bloqué');

  const sp = await serviceProvider(platform, 'parking-nimes');
  const { url } = await authorizationUrl(sp, { details: [registered('Parking')] });
  const stop = await new Citizen(platform).signIn(url, MARIE_IMPOTS);
  expect(stop.status).toBe(403);
  expect(textOf(stop.html)).toContain('IDP_BLOCKED_BY_CITIZEN');
  // Lucas is not affected: his impots sign-in still goes through.
  const lucasStop = await new Citizen(platform).signIn(
    (await authorizationUrl(sp, { details: [registered('Parking')] })).url,
    LUCAS,
  );
  expect(lucasStop.html).toContain('name="token"');

  const rows = historyRows((await marie.get('/mon-compte')).html);
  expect(rows[0]).toMatch(
    /^broker\.sign_in_refused \| .*Connexion à Stationnement résidentiel — Ville de Nîmes refusée Bloquée Compte utilisé : impots\.gouv\.fr \(DGFiP\)/,
  );
  expect(rows[1]).toMatch(
    /^broker\.idp_preference_changed \| .*Compte utilisé : impots\.gouv\.fr \(DGFiP\) Changement : compte bloqué/,
  );

  // Unblocked, and new IdPs refused: the radio choice is saved.
  await marie.post('/mon-compte/fournisseurs-identite', { idp: 'impots', action: 'unblock' });
  const saved = await marie.post('/mon-compte/fournisseurs-identite', { action: 'refuse-new' });
  expect(saved.html).toMatch(/id="new-refuse" name="action" value="refuse-new" checked/);
  expect(await platform.broker.idpPreferences.get(await marieAccount())).toMatchObject({
    blocked: [],
    allowNewIdps: false,
  });
});

test('sign-out ends the dashboard session and goes through the broker’s logout', async () => {
  const user = new DashboardUser(platform);
  await user.signIn(MARIE_LAPOSTE);
  const out = await user.post('/mon-compte/deconnexion');
  expect(out.url.pathname).toBe('/logout');
  expect(textOf(out.html)).toContain('Voulez-vous vous déconnecter de Passerelle');
  const after = await user.get('/mon-compte');
  expect(textOf(after.html)).toContain('Me connecter à mon compte');
  expect(historyRows(after.html)).toEqual([]);
});

test('a failed dashboard sign-in (cancelled at the chooser) gets a clear page', async () => {
  const citizen = new Citizen(platform);
  const chooser = await citizen.go(new URL('/mon-compte/connexion', platform.issuer));
  const abort = /action="(\/interaction\/[^"]+\/abort)"/.exec(chooser.html)![1]!;
  const stop = await citizen.go(new URL(abort, platform.issuer), { reason: 'SIGN_IN_CANCELLED' });
  expect(stop.url.pathname).toBe('/mon-compte/callback');
  expect(stop.status).toBe(400);
  expect(textOf(stop.html)).toContain('DASHBOARD_SIGN_IN_FAILED');
  // A callback with no pending sign-in in this browser.
  expect((await new Citizen(platform).go(new URL('/mon-compte/callback?code=x&state=y', platform.issuer))).status).toBe(
    400,
  );
});

/** Marie's account id: hers is the first dashboard session (beforeAll). */
async function marieAccount(): Promise<string> {
  const { rows } = await platform.pool.query<{ account_id: string }>(
    'SELECT account_id FROM auth.dashboard_sessions ORDER BY created_at LIMIT 1',
  );
  return rows[0]!.account_id;
}
