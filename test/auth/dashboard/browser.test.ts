/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { launchChromium, testOutputDir, watchPage } from '../../helpers/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { consentJourney, runAtGateway } from './support/dashboard.ts';

/**
 * /mon-compte in a real browser (Debian's headless Chromium): Marie signs in through
 * the broker's chooser and her IdP, reads her history, withdraws a consent, blocks an
 * IdP, switches to English — with the DSFR applied, no CSP violation, nothing fetched
 * from elsewhere. Screenshots go to test-output/.
 */
let platform: TestPlatform;
let browser: Browser;
const OUTPUT = testOutputDir();

beforeAll(async () => {
  platform = await startTestPlatform();
  const parking = await consentJourney(
    platform,
    'parking-nimes',
    'Parking',
    { login: 'marie.dupont', idp: 'impots' },
    { purpose: 'Calculer le tarif mensuel de votre vignette de stationnement résident' },
  );
  await runAtGateway(platform, parking!);
  await consentJourney(
    platform,
    'simulateur-caf',
    'FamilyQuotient',
    { login: 'marie.dupont', idp: 'laposte' },
    { purpose: 'Estimer vos aides au logement' },
  );
  browser = await launchChromium();
}, 120000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** A page in `locale` that collects console errors (CSP violations), page errors and requests leaving the machine. */
async function openPage(locale: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return { page, problems: watchPage(page), close: () => context.close() };
}

const shot = (page: Page, name: string) => page.screenshot({ path: new URL(name, OUTPUT).pathname, fullPage: true });

test('Marie signs in to /mon-compte, reads her history, withdraws a consent, blocks an IdP, and reads it in English', async () => {
  const { page, problems, close } = await openPage('fr-FR');
  await page.goto(new URL('/mon-compte', platform.issuer).href);
  expect(await page.locator('h1').textContent()).toBe('Mon compte Passerelle');
  await shot(page, 'dashboard-welcome-fr.png');
  await page.getByRole('link', { name: 'Me connecter à mon compte' }).click();
  await page.getByRole('button', { name: "L'Identité Numérique La Poste" }).click();
  await page.locator('#login').fill('marie.dupont');
  await page.locator('#password').fill('123');
  await page.getByRole('button', { name: /connecter/i }).click();
  await page.waitForURL((url) => url.pathname === '/mon-compte', { timeout: 20000 });
  await page.waitForLoadState('networkidle');

  // The history: DSFR applied, one h1, a table with a header row and the events.
  expect(await page.title()).toBe('Mon historique - Passerelle');
  expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Marianne');
  expect(await page.evaluate(() => document.documentElement.hasAttribute('data-fr-js'))).toBe(true);
  expect(await page.locator('h1').count()).toBe(1);
  const rows = page.locator('#history tbody tr');
  expect(await rows.count()).toBe(6);
  expect(await rows.first().locator('strong').first().textContent()).toBe('Connexion à Mon compte Passerelle');
  expect(await page.locator('#history').textContent()).toContain(
    'Données transmises à Stationnement résidentiel — Ville de Nîmes',
  );
  expect(await page.locator('[aria-current="page"]').textContent()).toBe('Mon historique');
  await shot(page, 'dashboard-history-fr.png');
  // The picture of docs/dashboard.md (docs/images/dashboard.png): the first screen only.
  await page.screenshot({ path: new URL('dashboard-history-fr-top.png', OUTPUT).pathname });

  // Filter by data provider with the form (keyboard-reachable labels and selects).
  await page.getByLabel('Administration détentrice des données').selectOption('dgfip');
  await page.getByRole('button', { name: 'Filtrer', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('provider') === 'dgfip');
  expect(await rows.count()).toBe(2);

  // Withdraw the parking consent.
  await page.getByRole('link', { name: 'Mes consentements' }).click();
  expect((await page.locator('main h2').allTextContents()).sort()).toEqual([
    'Simulateur d’aides au logement (CAF)',
    'Stationnement résidentiel — Ville de Nîmes',
  ]);
  await shot(page, 'dashboard-consents-fr.png');
  await page
    .locator('section', { hasText: 'Stationnement résidentiel' })
    .getByRole('button', { name: 'Retirer mon consentement' })
    .click();
  await page.waitForURL((url) => url.searchParams.get('retire') === '1');
  expect(await page.getByRole('status').textContent()).toContain('Votre consentement est retiré');
  expect(await page.locator('main h2').allTextContents()).toEqual(['Simulateur d’aides au logement (CAF)']);

  // Block impots.
  await page.getByRole('link', { name: 'Mes moyens de connexion' }).click();
  expect(await page.locator('#idps tr[data-idp="laposte"]').textContent()).toContain(
    'Vous êtes connecté avec ce compte',
  );
  await page.getByRole('button', { name: 'Bloquer impots.gouv.fr (DGFiP)' }).click();
  await page.waitForURL((url) => url.searchParams.get('fait') === 'block');
  expect(await page.locator('#idps tr[data-idp="impots"] .fr-badge').textContent()).toBe('Bloqué');
  await shot(page, 'dashboard-preferences-fr.png');

  // English: the same pages, the history showing the withdrawal and the block.
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('link', { name: 'My history' }).click();
  await page.waitForLoadState('networkidle');
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.locator('h1').textContent()).toBe('My history');
  const text = await page.locator('#history').textContent();
  expect(text).toContain('Consent to Stationnement résidentiel — Ville de Nîmes withdrawn');
  expect(text).toContain('Sign-in preference changed');
  expect(text).toContain('Tax address');
  await shot(page, 'dashboard-history-en.png');

  expect(problems).toEqual([]);
  await close();
}, 120000);
