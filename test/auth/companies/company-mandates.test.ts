import * as oidc from 'openid-client';
import { textOf, Citizen } from '../../../harness/citizen.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { createMandateStore } from '../../../auth/mandates/store.ts';
import { sirenOf, siretOf } from '../../../subgraphs/entreprises/seed.ts';
import { authorizationUrl, redeemCode, serviceProvider, type ServiceProvider } from '../../helpers/service-provider.ts';
import { accountOf, errorCodeOf, subOf } from '../../helpers/representation.ts';
import { DashboardUser } from '../dashboard/support/dashboard.ts';

/**
 * Company mandates (docs/companies.md "Company mandates"): a legal representative gives
 * someone a mandate for the company from /mon-compte, on the citizens' mandate model; the
 * mandated person then finds the company on "Pour quelle entreprise ?" and acts for it as
 * `mandated`. Someone who does not represent a company cannot give a mandate in its name.
 */
let platform: TestPlatform;
let marches: ServiceProvider;
const BAKERY = sirenOf(90_000_001);
const SEEDED = 'mdt_sandbox_boulangerie_anne_sophie';
const ANNE_SOPHIE = { login: 'anne-sophie.lefevre-roy', idp: 'laposte' };

beforeAll(async () => {
  platform = await startTestPlatform();
  marches = await serviceProvider(platform, 'marches-nimes');
}, 90000);
afterAll(async () => {
  await platform?.close();
});

async function propose(user: DashboardUser, fields: Record<string, string>) {
  const form = await user.get('/mon-compte/mandats/nouveau');
  const start = /id="debut" name="debut" type="date" required value="([^"]+)"/.exec(form.html)![1]!;
  const end = /id="fin" name="fin" type="date" required value="([^"]+)"/.exec(form.html)![1]!;
  const body = new URLSearchParams({ csrf: user.csrf, debut: start, fin: end, domaine: 'business', ...fields });
  const response = await user.citizen.agent.fetch(new URL('/mon-compte/mandats/nouveau', platform.issuer), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const html = await response.text();
  return { form, status: response.status, html, text: textOf(html) };
}

test('Anne-Sophie acts for the bakery through its mandate: offered on the company page, `act.role` mandated', async () => {
  const { url, checks } = await authorizationUrl(marches, { scope: 'openid given_name family_name company' });
  const citizen = new Citizen(platform);
  const stop = await citizen.signIn(url, ANNE_SOPHIE);
  const text = textOf(stop.html);
  expect(text).toContain('Pour quelle entreprise faites-vous cette démarche ?');
  // Her own company (she is its présidente) and the bakery, by its mandate.
  expect(text).toContain('LEFEVRE ROY CONSEIL');
  expect(text).toContain('BOULANGERIE DUPONT');
  expect(text).toContain('vous en êtes mandataire');
  const uid = /action="\/interaction\/([^/"]+)\/company"/.exec(stop.html)![1]!;
  const token = /name="token" value="([^"]+)"/.exec(stop.html)![1]!;
  const back = await citizen.go(new URL(`/interaction/${uid}/company`, platform.issuer), {
    token,
    choice: `${BAKERY}/${siretOf(BAKERY, 1)}`,
  });
  const tokens = await redeemCode(marches, back.url, checks, undefined, { dpop: false });
  const sub = tokens.claims()!.sub;
  const userinfo = await oidc.fetchUserInfo(marches.client, tokens.access_token, sub);
  expect(userinfo).toMatchObject({
    siren: BAKERY,
    company_name: 'BOULANGERIE DUPONT',
    act: {
      sub: subOf(platform, 'anne-sophie.lefevre-roy', 'marches-nimes'),
      role: 'mandated',
      mandate_id: SEEDED,
    },
  });
  expect((userinfo.act as Record<string, unknown>).function).toBeUndefined();

  // Marie (the gérante who gave it) ends the mandate: the grant is revoked, its token refused.
  await createMandateStore(platform.pool).end(SEEDED, accountOf(platform, 'marie.dupont'));
  await expect(oidc.fetchUserInfo(marches.client, tokens.access_token, sub)).rejects.toThrow();
});

test('Marie gives a mandate in the bakery’s name; a forged SIREN of a company she does not represent is refused', async () => {
  const marie = new DashboardUser(platform);
  expect((await marie.signIn({ login: 'marie.dupont', idp: 'laposte' })).url.pathname).toBe('/mon-compte');
  const person = { family_name: 'Bernard', given_name: 'Lucas', birthdate: '2001-01-30' };
  const created = await propose(marie, { ...person, pour: BAKERY });
  expect(textOf(created.form.html)).toContain('Au nom de BOULANGERIE DUPONT');
  expect(created.status).toBe(200);
  const { rows } = await platform.pool.query(
    `SELECT company->>'siren' AS siren FROM auth.mandates WHERE mandator_account_id = $1 AND company IS NOT NULL
     AND representative_expected->>'family_name' = 'Bernard'`,
    [accountOf(platform, 'marie.dupont')],
  );
  expect(rows).toEqual([{ siren: BAKERY }]);

  const forged = await propose(marie, { ...person, pour: sirenOf(90_000_002) });
  expect(forged.status).toBe(403);
  expect(forged.text).toContain('ne vous désigne pas comme représentant légal de cette entreprise');
  expect(errorCodeOf({ ...forged, url: new URL(platform.issuer) } as never)).toBe('MANDATE_COMPANY_NOT_REPRESENTED');
});

test('"Mes entreprises": a legal representative sees what everyone did for the company, a mandated person only their own, others nothing', async () => {
  const marie = new DashboardUser(platform);
  await marie.signIn({ login: 'marie.dupont', idp: 'laposte' });
  const list = await marie.get('/mon-compte/entreprises');
  expect(list.status).toBe(200);
  expect(textOf(list.html)).toContain('Entreprises que vous représentez légalement');
  expect(list.html).toContain(`href="/mon-compte/entreprises/${BAKERY}"`);

  const history = await marie.get(`/mon-compte/entreprises/${BAKERY}`);
  const text = textOf(history.html);
  expect(text).toContain('Tout ce qui a été fait pour BOULANGERIE DUPONT');
  // Anne-Sophie's sign-in for the bakery (first test), by her name; Marie's own mandate steps, by "Vous".
  expect(text).toContain('Connexion à Marchés publics — Ville de Nîmes pour une entreprise');
  expect(text).toMatch(/Anne-Sophie Lefèvre-Roy|Anne-Sophie LEFEVRE-ROY/i);
  expect(text).toContain('Vous');
  expect(text).toContain(`BOULANGERIE DUPONT (SIREN ${BAKERY})`);

  const anneSophie = new DashboardUser(platform);
  await anneSophie.signIn(ANNE_SOPHIE);
  const hers = await anneSophie.get('/mon-compte/entreprises');
  // Her own company; the bakery's mandate was ended by the first test.
  expect(textOf(hers.html)).toContain('LEFEVRE ROY CONSEIL');
  expect(hers.html).not.toContain(`/mon-compte/entreprises/${BAKERY}"`);
  const refused = await anneSophie.get(`/mon-compte/entreprises/${BAKERY}`);
  expect(refused.status).toBe(403);
  expect(textOf(refused.html)).toContain('Vous ne pouvez pas voir l’historique de cette entreprise');

  const lucas = new DashboardUser(platform);
  await lucas.signIn({ login: 'lucas.bernard', idp: 'impots' });
  const none = await lucas.get('/mon-compte/entreprises');
  expect(textOf(none.html)).toContain('Le registre ne vous désigne comme représentant légal d’aucune entreprise');
});
