/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { launchChromium, testOutputDir, watchPage } from '../../helpers/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { startDemoServiceProvider, type DemoServiceProvider } from './support/demo-sp.ts';

/**
 * The consent journey in a real browser (Debian's headless Chromium): a citizen clicks
 * from the service provider to the IdP chooser, signs in at the IdP, reads the consent
 * page and allows — and the SP shows the data. The consent page is checked as a
 * citizen meets it: DSFR applied, no CSP violation, keyboard reachable, in French and
 * English; screenshots go to test-output/.
 */
let platform: TestPlatform;
let sp: DemoServiceProvider;
let browser: Browser;
const OUTPUT = testOutputDir();

beforeAll(async () => {
  sp = await startDemoServiceProvider();
  platform = await startTestPlatform({
    overrides: [['serviceProviders.parking-nimes.metadata.redirect_uris', [sp.redirectUri]]],
  });
  const document = platform.config.serviceProviders.find((s) => s.clientId === 'parking-nimes')!.operations.Parking!;
  sp.attach({ issuer: platform.issuer, graphqlUrl: platform.graphqlUrl, document });
  browser = await launchChromium();
}, 90000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
  await sp?.close();
});

/** A page in `locale` that collects console errors (CSP violations), page errors and requests leaving the machine. */
async function openPage(locale: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  return { page, problems: watchPage(page), close: () => context.close() };
}

/** SP → chooser → IdP login: ends on the consent page. */
async function reachConsent(page: Page, login: string, idpButton: string): Promise<void> {
  await page.goto(sp.url);
  await page.getByRole('button', { name: idpButton }).click();
  await page.locator('#login').fill(login);
  await page.locator('#password').fill('123');
  await page.getByRole('button', { name: /connecter/i }).click();
  await page.waitForURL(
    (url) => url.origin === new URL(platform.issuer).origin && /^\/interaction\/[^/]+$/.test(url.pathname),
    { timeout: 20000 },
  );
  await page.waitForLoadState('networkidle');
}

test('a citizen clicks through SP, chooser, IdP and consent, and the SP shows the data', async () => {
  const { page, problems, close } = await openPage('fr-FR');
  await reachConsent(page, 'anne-sophie.lefevre-roy', "L'Identité Numérique La Poste");

  expect(await page.title()).toMatch(/^Autorisez-vous la transmission de vos données\u00a0\?/);
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Marianne');
  expect(await page.evaluate(() => document.documentElement.hasAttribute('data-fr-js'))).toBe(true);
  // One h1; the data, grouped by provider, as lists of labels.
  expect(await page.locator('h1').count()).toBe(1);
  expect(await page.getByRole('heading', { level: 3 }).allTextContents()).toEqual([
    'Agence nationale des titres sécurisés (ANTS) — immatriculation des véhicules',
    'Caisse nationale des allocations familiales (CNAF) et MSA',
    'Direction générale des Finances publiques (DGFiP)',
  ]);
  const lines = await page.locator('main li strong').allTextContents();
  expect(lines).toEqual([
    'Liste de vos véhicules (immatriculation, titulaire ou cotitulaire)',
    'Caractéristiques de vos véhicules',
    "Classe Crit'Air de vos véhicules",
    'Quotient familial',
    'Adresse fiscale',
  ]);
  await page.screenshot({ path: new URL('consent-fr.png', OUTPUT).pathname, fullPage: true });

  // Keyboard: from the top, Tab reaches "J’autorise" then "Je refuse".
  const focused: string[] = [];
  for (let i = 0; i < 12 && !focused.includes('Je refuse'); i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
  }
  expect(focused.slice(-2)).toEqual(['J’autorise', 'Je refuse']);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');

  await page.waitForURL((url) => url.href.startsWith(sp.redirectUri), { timeout: 20000 });
  await page.waitForLoadState('networkidle');
  expect(await page.locator('h1').textContent()).toBe('Bonjour Anne-Sophie Hélène');
  expect(await page.locator('#city').textContent()).toContain('Nîmes');
  expect((await page.locator('#vehicles li').allTextContents()).sort()).toEqual([
    "AG-731-TE — Crit'Air 3",
    "FV-926-HS — Crit'Air 1",
  ]);
  await page.screenshot({ path: new URL('consent-sp-data.png', OUTPUT).pathname, fullPage: true });

  expect(problems).toEqual([]);
  await close();
}, 90000);

test('in English, refusing brings the citizen back to the SP with access_denied', async () => {
  const { page, problems, close } = await openPage('en-GB');
  await reachConsent(page, 'jean.martin', 'impots.gouv.fr (DGFiP)');
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.title()).toContain('Do you allow your data to be shared?');
  expect(await page.locator('main li strong').allTextContents()).toContain('Tax address');
  await page.screenshot({ path: new URL('consent-en.png', OUTPUT).pathname, fullPage: true });
  await page.getByRole('button', { name: 'I refuse' }).click();
  await page.waitForURL((url) => url.href.startsWith(sp.redirectUri), { timeout: 20000 });
  expect(await page.locator('#error').textContent()).toMatch(/^access_denied: CONSENT_REFUSED/);
  expect(problems).toEqual([]);
  await close();
}, 90000);
