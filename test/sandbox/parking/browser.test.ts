/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { launchChromium, testOutputDir, watchPage } from '../../helpers/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';

/**
 * The full flow in a real browser (Debian's headless Chromium), from the parking
 * service's page, by clicking as a citizen would: the service, the broker's
 * chooser, the identity provider's login form, the consent page, the price. A
 * screenshot of every page goes to test-output/screenshots/. No CSP violation,
 * no console error, nothing loaded from outside.
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

/** Signs in from the parking page as `login` at `idp` and answers the consent page; a screenshot of each page. */
async function signIn(page: Page, login: string, idp: string): Promise<void> {
  let n = 0;
  const shoot = (name: string) =>
    page.screenshot({
      path: new URL(`${login}-${String(++n).padStart(2, '0')}-${name}.png`, SCREENSHOTS).pathname,
      fullPage: true,
    });
  const brokerOrigin = new URL(platform.urls.broker!).origin;
  const idpOrigin = new URL(platform.config.identityProviders.find((i) => i.name === idp)!.issuer).origin;

  await page.goto(platform.urls.parking!);
  expect(await page.title()).toContain('Votre vignette de stationnement résident');
  await shoot('parking-home');

  await page.getByRole('button', { name: /Se connecter avec Passerelle/ }).click();
  await page.waitForURL((url) => url.origin === brokerOrigin && url.pathname.startsWith('/interaction/'));
  await page.waitForLoadState('networkidle');
  await shoot('broker-chooser');

  await page
    .getByRole('button', { name: platform.config.identityProviders.find((i) => i.name === idp)!.displayName })
    .click();
  await page.waitForURL((url) => url.origin === idpOrigin);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill('123');
  await shoot('idp-login');
  await page.getByRole('button', { name: 'Se connecter' }).click();

  // The broker's "identity verified" page moves on by itself: to the consent page, then back to the service.
  const parkingOrigin = new URL(platform.urls.parking!).origin;
  await page.waitForURL(
    (url) => url.origin === parkingOrigin || (url.origin === brokerOrigin && url.pathname.startsWith('/interaction/')),
    { timeout: 15000 },
  );
  if (new URL(page.url()).origin === brokerOrigin) {
    await page.waitForLoadState('networkidle');
    await shoot('broker-consent');
    await page
      .locator('form[action*="consent"] button[value="allow"], form[action*="consent"] button[value="accept"]')
      .first()
      .click();
  }
  await page
    .waitForURL((url) => url.origin === parkingOrigin && url.pathname === '/permit')
    .catch(async (error: Error) => {
      await shoot('unexpected');
      throw new Error(`${error.message}: at ${page.url()}, ${await page.locator('h1').first().textContent()}`);
    });
  await page.waitForLoadState('networkidle');
  await shoot('parking-permit');
}

test.each([
  ['marie.dupont', 'impots', ['5,00 € / mois']],
  ['sofia.garcia', 'eidas', ['17,50 € / mois']],
])(
  '%s sees the price of her permit (through %s)',
  async (login, idp, expected) => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const problems = watchPage(page);
    await signIn(page, login, idp);
    const prices = await page.locator('.permit-price').allTextContents();
    expect(prices.map((p) => p.replace(/\s/g, ' '))).toEqual(expected);
    expect(await page.locator('#data-used').textContent()).toContain('Nîmes');
    // DSFR applied under the strict CSP (Marianne font from our own origin).
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Marianne');
    expect(problems).toEqual([]);
    await context.close();
  },
  60000,
);

test('lucas.bernard is told why he is not eligible, and signs out', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const problems = watchPage(page);
  await signIn(page, 'lucas.bernard', 'impots');
  expect(await page.locator('#ineligible').textContent()).toContain(
    'Votre adresse fiscale est à Montpellier, pas à Nîmes',
  );
  expect(await page.locator('.permit-price').count()).toBe(0);

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('button', { name: 'Me déconnecter' }).click();
  await page.waitForURL((url) => url.pathname === '/logged-out');
  expect(await page.locator('h1').textContent()).toContain('Vous êtes déconnecté(e)');
  await page.screenshot({
    path: new URL('lucas.bernard-06-parking-logged-out.png', SCREENSHOTS).pathname,
    fullPage: true,
  });
  expect(problems).toEqual([]);
  await context.close();
}, 60000);
