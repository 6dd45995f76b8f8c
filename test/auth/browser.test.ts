/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import * as oidc from 'openid-client';
import { launchChromium, testOutputDir, watchPage } from '../helpers/chromium.ts';
import { spClient } from './support/broker.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { BROKER_AND_IDPS } from './support/sign-in.ts';

/**
 * The pages in a real browser (Debian's headless Chromium): a citizen signs in
 * by clicking, with keyboard access, DSFR assets loading under the strict CSP
 * without a single violation, in French and English.
 */
let platform: TestPlatform;
let browser: Browser;
const OUTPUT = testOutputDir();

beforeAll(async () => {
  platform = await startTestPlatform({ components: BROKER_AND_IDPS });
  browser = await launchChromium();
}, 60000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

test('a citizen signs in through the chooser and an IdP, with no CSP violation', async () => {
  const client = await spClient(platform.issuer, 'parking-nimes', platform.config);
  const checks = {
    pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
    expectedState: oidc.randomState(),
    expectedNonce: oidc.randomNonce(),
  };
  const start = oidc.buildAuthorizationUrl(client, {
    redirect_uri: 'http://localhost:3000/callback',
    scope: 'openid identite_pivot',
    acr_values: 'eidas2',
    code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
  });

  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const problems = watchPage(page);
  // The SP is not running here: its redirect URI is read from the request the browser makes.
  const arrivedAtSp = page.waitForRequest((request) => request.url().startsWith('http://localhost:3000/'), {
    timeout: 20000,
  });

  await page.goto(start.href);
  await page.waitForLoadState('networkidle');
  expect(await page.title()).toContain('Je choisis un compte');
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  // DSFR is applied (Marianne font from our origin) and its JS module ran.
  expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Marianne');
  expect(await page.evaluate(() => document.documentElement.hasAttribute('data-fr-js'))).toBe(true);
  // Keyboard: the first Tab reaches the skip link to the content.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#content');
  // IdPs below eidas2 are disabled buttons, with their reason linked for screen readers.
  const impots = page.getByRole('button', { name: 'impots.gouv.fr (DGFiP)' });
  expect(await impots.isDisabled()).toBe(true);
  expect(await impots.getAttribute('aria-describedby')).toBe('idp-impots-reason');
  await page.screenshot({ path: new URL('broker-chooser.png', OUTPUT).pathname, fullPage: true });

  // The citizen chooses with the keyboard: Tab order goes skip links, language, then the enabled IdPs.
  const focusOrder: string[] = [];
  for (let i = 0; i < 8 && !focusOrder.includes('laposte'); i++) {
    await page.keyboard.press('Tab');
    focusOrder.push(
      await page.evaluate(
        () =>
          (document.activeElement as HTMLButtonElement | null)?.value ||
          document.activeElement?.textContent?.trim() ||
          '',
      ),
    );
  }
  expect(focusOrder.at(-1)).toBe('laposte');
  expect(focusOrder).not.toContain('impots');
  await page.keyboard.press('Enter');
  const laposte = platform.config.identityProviders.find((i) => i.name === 'laposte')!.issuer;
  await page
    .waitForURL((url) => url.origin === laposte, { timeout: 10000 })
    .catch(async (error) => {
      await page.screenshot({ path: new URL('broker-after-choice.png', OUTPUT).pathname, fullPage: true });
      throw new Error(`${(error as Error).message} at ${page.url()} problems=${problems.join(' | ')}`);
    });
  await page.locator('#login').fill('marie.dupont');
  await page.locator('#password').fill('123');
  await page.getByRole('button', { name: /connecter/i }).click();
  const landed = new URL((await arrivedAtSp).url());
  const tokens = await oidc.authorizationCodeGrant(client, landed, checks);
  expect(tokens.claims()!.acr).toBe('eidas2');
  // The only console error allowed: the SP that is not running.
  expect(problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p))).toEqual([]);
  await context.close();
}, 60000);

test('pages switch to English and error pages show their code', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  const problems = watchPage(page);
  const response = await page.goto(
    new URL(
      '/authorize?client_id=parking-nimes&redirect_uri=http://evil.example/cb&response_type=code&scope=openid',
      platform.issuer,
    ).href,
  );
  expect(response!.status()).toBe(400);
  expect(page.url()).toContain(platform.issuer);
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.getByRole('alert').textContent()).toContain('REDIRECT_URI_NOT_REGISTERED');
  await page.screenshot({ path: new URL('broker-error-en.png', OUTPUT).pathname, fullPage: true });
  await page.getByRole('link', { name: 'Français' }).click();
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  expect(await page.getByRole('alert').textContent()).toContain(
    'L’adresse de retour demandée par le service n’est pas enregistrée',
  );
  expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  await context.close();
}, 60000);
