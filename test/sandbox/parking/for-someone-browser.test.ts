/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { Citizen, consentPage } from '../../../harness/citizen.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { launchChromium, testOutputDir, watchPage } from '../../helpers/chromium.ts';
import { YVONNE_MANDATE, choose, forWhomPage } from '../../helpers/representation.ts';
import {
  authorizationUrl,
  postGraphQL,
  redeemCode,
  registered,
  serviceProvider,
} from '../../helpers/service-provider.ts';

/**
 * Yvonne's mandate used by Jean at the parking service, in Debian's headless Chromium,
 * clicking as he would: "Faire la démarche pour un proche", ameli, the broker's "for whom"
 * page, the consent page saying he acts for her, her price. Then Yvonne ends the mandate
 * in her /mon-compte ("Mettre fin") and Jean can no longer act for her: a new sign-in no
 * longer offers her, and a token obtained under the mandate before is refused by the
 * gateway. Screenshots in test-output/screenshots/.
 */
let platform: TestPlatform;
let browser: Browser;
const SCREENSHOTS = testOutputDir('screenshots');

beforeAll(async () => {
  platform = await startTestPlatform({ parking: true });
  browser = await launchChromium();
}, 60000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

let shots = 0;
const shoot = (page: Page, name: string) =>
  page.screenshot({
    path: new URL(`jean-for-yvonne-${String(++shots).padStart(2, '0')}-${name}.png`, SCREENSHOTS).pathname,
    fullPage: true,
  });

/** From the parking home page's "for a relative" button to the broker's next page (signing in at ameli if asked). */
async function startForSomeone(page: Page): Promise<void> {
  const brokerOrigin = new URL(platform.urls.broker!).origin;
  await page.goto(platform.urls.parking!);
  await page.getByRole('button', { name: 'Faire la démarche pour un proche' }).click();
  await page.waitForURL((url) => url.origin === brokerOrigin && url.pathname.startsWith('/interaction/'));
  if (await page.getByRole('button', { name: /ameli/ }).count()) {
    await page.getByRole('button', { name: /ameli/ }).click();
    await page.locator('#login').fill('jean.martin');
    await page.locator('#password').fill('123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }
  await page.waitForURL((url) => url.origin === brokerOrigin && url.pathname.startsWith('/interaction/'));
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
}

async function allow(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'J’autorise' }).click();
  await page.waitForURL((url) => url.pathname === '/permit');
  await page.waitForLoadState('networkidle');
}

test('Jean applies for Yvonne, sees her price; once the mandate is ended he can no longer act for her', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const problems = watchPage(page);

  await startForSomeone(page);
  // The identity-verified page moves on by itself to the "for whom" page.
  await page.getByRole('heading', { name: 'Pour qui faites-vous cette démarche ?' }).waitFor();
  await shoot(page, 'broker-for-whom');
  // A DSFR radio is chosen by its label (which covers the input).
  await page.locator('label', { hasText: 'Pour Yvonne Martin' }).click();
  expect(await page.getByLabel(/Pour Yvonne Martin/).isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByText('Vous agissez pour Yvonne Martin').waitFor();
  await page.waitForLoadState('networkidle');
  await shoot(page, 'broker-consent');
  expect(await page.locator('#acting-for').textContent()).toMatch(
    /Vous agissez pour Yvonne Martin, au titre du mandat qu’elle vous a donné le .+ pour Transports et véhicules et Logement et adresse\./,
  );
  await allow(page);
  await shoot(page, 'parking-permit');
  const prices = await page.locator('.permit-price').allTextContents();
  expect(prices.map((p) => p.replace(/\s/g, ' '))).toEqual(['17,50 € / mois']);
  expect(await page.locator('#holder').textContent()).toContain(
    'Vignette au nom de Yvonne Martin, demandée par Jean Martin',
  );
  expect(await page.locator('#data-used').textContent()).toContain('Peugeot 208');

  // A token obtained under the mandate, kept by a service provider (here, the test's).
  const sp = await serviceProvider(platform, 'parking-nimes');
  const document = sp.operation('ParkingForSomeone');
  const { url, checks } = await authorizationUrl(sp, {
    details: [registered('ParkingForSomeone')],
    scope: 'openid given_name family_name representation',
  });
  const citizen = new Citizen(platform);
  const forWhom = forWhomPage(await citizen.signIn(url, { login: 'jean.martin', idp: 'ameli' }));
  const consent = consentPage(await choose(platform, citizen, forWhom, YVONNE_MANDATE));
  const old = (await redeemCode(sp, (await citizen.decide(consent, 'allow')).url, checks)).access_token;
  expect((await postGraphQL(platform, old, document, 'ParkingForSomeone')).status).toBe(200);

  // Yvonne ends the mandate in her own /mon-compte, in her own browser.
  const yvonne = await browser.newContext({ locale: 'fr-FR' });
  const hers = await yvonne.newPage();
  const herProblems = watchPage(hers);
  await hers.goto(new URL('/mon-compte/connexion', platform.issuer).href);
  await hers.getByRole('button', { name: /ameli/ }).click();
  await hers.locator('#login').fill('yvonne.martin');
  await hers.locator('#password').fill('123');
  await hers.getByRole('button', { name: 'Se connecter' }).click();
  await hers.waitForURL((url) => url.pathname === '/mon-compte', { timeout: 20000 });
  await hers.getByRole('link', { name: 'Mes mandats' }).click();
  const row = hers.locator('#mandates-given-table tbody tr', { hasText: 'Jean Martin' });
  await row.getByRole('link', { name: 'Mettre fin' }).click();
  await shoot(hers, 'yvonne-end-mandate');
  await hers.getByRole('button', { name: 'Mettre fin au mandat' }).click();
  await hers.getByText('Le mandat est terminé').waitFor();
  await shoot(hers, 'yvonne-mandate-ended');
  // Her history says who read what for her.
  await hers.getByRole('link', { name: 'Mon historique' }).click();
  await hers.waitForLoadState('networkidle');
  const history = await hers.locator('main').textContent();
  expect(history).toContain(
    'Jean Martin, votre représentant, a permis à Stationnement résidentiel — Ville de Nîmes de lire vos données',
  );
  expect(history).toContain(
    'Jean Martin, qui vous représente, a donné son accord : Stationnement résidentiel — Ville de Nîmes peut lire vos données',
  );
  await shoot(hers, 'yvonne-history');
  expect(herProblems).toEqual([]);
  await yvonne.close();
  const { rows } = await platform.pool.query('SELECT state, ended_by FROM auth.mandates WHERE id = $1', [
    YVONNE_MANDATE,
  ]);
  expect(rows[0]).toEqual({ state: 'revoked', ended_by: 'mandator' });

  // A new sign-in (single sign-on: no IdP this time) no longer asks for whom: Jean applies for himself.
  await startForSomeone(page);
  await page.getByRole('button', { name: 'J’autorise' }).waitFor();
  await shoot(page, 'broker-consent-after-end');
  expect(await page.getByText('Pour qui faites-vous cette démarche ?').count()).toBe(0);
  expect(await page.getByText('Vous agissez pour').count()).toBe(0);
  await allow(page);
  await shoot(page, 'parking-permit-after-end');
  expect(await page.locator('#holder').textContent()).toContain('Au nom de Jean Martin');

  // The old token: refused, the grant was revoked with the mandate.
  let answer = await postGraphQL(platform, old, document, 'ParkingForSomeone');
  for (let tries = 0; answer.status === 200 && tries < 20; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await postGraphQL(platform, old, document, 'ParkingForSomeone');
  }
  expect(answer.status).toBe(401);
  expect(answer.body.errors.map((e: any) => e.extensions.code)).toEqual(['GRANT_REVOKED']);
  expect(problems).toEqual([]);
  await context.close();
}, 90000);
