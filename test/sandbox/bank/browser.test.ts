/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { launchChromium, testOutputDir, watchPage } from '../../helpers/chromium.ts';
import { checkPage, describeReport, DESKTOP } from '../../accessibility/support/page-checks.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';

/**
 * The sandbox bank `banque-exemple` (a private service provider) in a real browser (Debian's
 * headless Chromium), by clicking as an applicant would: the bank's loan application, the
 * broker's chooser, La Poste's login form (eidas2), the consent page that says the bank is a
 * private company, the estimate with the reference tax income and shares read from the DGFiP.
 * axe finds no violation on the bank's pages (and the accessibility checks of
 * test/accessibility/: reflow at 320 px, 200 % zoom, languages); screenshots go to
 * test-output/screenshots/ (the walk) and test-output/accessibility/ (the checks).
 */
let platform: TestPlatform;
let browser: Browser;
const SCREENSHOTS = testOutputDir('screenshots');
const SERVICE_NAME = 'Banque Exemple — Demande de prêt immobilier';

beforeAll(async () => {
  platform = await startTestPlatform({ bank: true });
  browser = await launchChromium();
}, 60000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function expectAccessible(page: Page, name: string, lang: 'fr' | 'en'): Promise<void> {
  const phrases = lang === 'en' ? [{ text: SERVICE_NAME, lang: 'fr' }] : [];
  const report = await checkPage(page, name, lang, phrases);
  expect(report.violations.length + report.problems.length === 0 ? '' : describeReport(report)).toBe('');
}

test('jean.martin applies for a home loan through La Poste, consents, and sees his RFR and tax shares', async () => {
  const context = await browser.newContext({ locale: 'fr-FR', viewport: DESKTOP });
  const page = await context.newPage();
  const problems = watchPage(page);
  let n = 0;
  const shoot = (name: string) =>
    page.screenshot({
      path: new URL(`bank-jean.martin-${String(++n).padStart(2, '0')}-${name}.png`, SCREENSHOTS).pathname,
      fullPage: true,
    });
  const brokerOrigin = new URL(platform.urls.broker!).origin;
  const bankOrigin = new URL(platform.urls.bank!).origin;
  const laposte = platform.config.identityProviders.find((i) => i.name === 'laposte')!;

  await page.goto(platform.urls.bank!);
  expect(await page.title()).toContain('Demande de prêt immobilier');
  expect(await page.locator('#private-company').textContent()).toContain('Banque Exemple est une entreprise privée');
  await shoot('bank-home');
  await expectAccessible(page, 'bank-home', 'fr');
  await page.locator('#duration').selectOption('20');

  await page.getByRole('button', { name: /Se connecter avec Passerelle/ }).click();
  await page.waitForURL((url) => url.origin === brokerOrigin && url.pathname.startsWith('/interaction/'));
  await page.waitForLoadState('networkidle');
  await shoot('broker-chooser');
  // eidas2: the identity providers that cannot reach it are shown disabled.
  expect(await page.getByRole('button', { name: 'impots.gouv.fr (DGFiP)' }).isDisabled()).toBe(true);
  await page.getByRole('button', { name: laposte.displayName }).click();

  await page.waitForURL((url) => url.origin === new URL(laposte.issuer).origin);
  await page.locator('#login').fill('jean.martin');
  await page.locator('#password').fill('123');
  await shoot('idp-login');
  await page.getByRole('button', { name: 'Se connecter' }).click();

  await page.waitForURL((url) => url.origin === brokerOrigin && url.pathname.startsWith('/interaction/'), {
    timeout: 15000,
  });
  await page.locator('#private-sp').waitFor();
  await page.waitForLoadState('networkidle');
  await shoot('broker-consent');
  expect(await page.locator('#private-sp').textContent()).toContain(
    'Banque Exemple est une entreprise privée, pas une administration.',
  );
  const consentText = (await page.locator('main').textContent()) ?? '';
  expect(consentText).toContain('Revenu fiscal de référence');
  expect(consentText).toContain('Nombre de parts fiscales');
  await expectAccessible(page, 'bank-consent', 'fr');
  await page.getByRole('button', { name: 'J’autorise' }).click();

  await page
    .waitForURL((url) => url.origin === bankOrigin && url.pathname === '/application', { timeout: 15000 })
    .catch(async (error: Error) => {
      await shoot('unexpected');
      throw new Error(`${error.message}: at ${page.url()}, ${await page.locator('h1').first().textContent()}`);
    });
  await page.waitForLoadState('networkidle');
  await shoot('bank-application');
  // DGFiP's figures for Jean's tax household (sandbox: 2024 income, 50,410 €, 3 shares).
  expect(await page.locator('#rfr').getAttribute('data-rfr')).toBe('50410');
  expect(await page.locator('#shares').getAttribute('data-shares')).toBe('3');
  expect((await page.locator('#rfr').textContent())?.replace(/\s/g, ' ')).toContain('50 410 € (revenus 2024)');
  expect(await page.locator('#holder').textContent()).toContain('Jean Martin');
  // 50,410 / 12 = 4,200 € a month; 35 %: 1,470 €; over 20 years at 3.5 %: 253,516 €.
  expect(await page.locator('#estimate').getAttribute('data-capacity')).toBe('253516');
  const computation = ((await page.locator('#computation').textContent()) ?? '').replace(/\s/g, ' ');
  for (const amount of ['4 200 €', '1 470 €', '253 516 €', '16 803 €']) expect(computation).toContain(amount);
  expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Marianne');
  await expectAccessible(page, 'bank-application', 'fr');

  await page.goto(`${platform.urls.bank}/application?lang=en`);
  expect(await page.locator('#estimate').textContent()).toContain('You can borrow up to about €253,516');
  await shoot('bank-application-en');
  await expectAccessible(page, 'bank-application-en', 'en');

  await page.goto(`${platform.urls.bank}/?lang=fr`);
  await page.goto(`${platform.urls.bank}/application`);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('button', { name: 'Me déconnecter' }).click();
  await page.waitForURL((url) => url.origin === bankOrigin && url.pathname === '/logged-out');
  expect(await page.locator('h1').textContent()).toContain('Vous êtes déconnecté(e)');
  await shoot('bank-logged-out');
  await expectAccessible(page, 'bank-logged-out', 'fr');
  expect(problems).toEqual([]);
  await context.close();
}, 180000);
