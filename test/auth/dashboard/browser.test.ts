/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { launchChromium, testOutputDir, watchPage } from '../../helpers/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { consentJourney, runAtGateway } from './support/dashboard.ts';
import { axeViolations } from '../../accessibility/support/axe.ts';

/**
 * /mon-compte in a real browser (Debian's headless Chromium): Marie signs in through
 * the broker's chooser and her IdP, reads her history, withdraws a consent, blocks an
 * IdP, switches to English; Yvonne gives Lucas a mandate and he accepts it (axe-core on
 * each mandates page) — with the DSFR applied, no CSP violation, nothing fetched
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
  // Her sign-ins, consent and exchange, and the two steps of her bakery's seeded company mandate.
  expect(await rows.count()).toBe(8);
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

/** Signs in on the broker's chooser and the sandbox IdP's form, from a page that led there. */
async function signInThrough(page: Page, idp: string, login: string): Promise<void> {
  await page.getByRole('button', { name: idp }).click();
  await page.locator('#login').fill(login);
  await page.locator('#password').fill('123');
  await page.getByRole('button', { name: /connecter/i }).click();
}

test('mandates: Yvonne gives Lucas a mandate and sees the code once; Lucas opens the link, signs in, accepts — every page axe-clean', async () => {
  const { page, problems, close } = await openPage('fr-FR');
  await page.goto(new URL('/mon-compte/connexion', platform.issuer).href);
  await signInThrough(page, 'ameli.fr (Assurance Maladie)', 'yvonne.martin');
  await page.waitForURL((url) => url.pathname === '/mon-compte', { timeout: 20000 });

  await page.getByRole('link', { name: 'Mes mandats' }).click();
  await page.waitForLoadState('networkidle');
  expect(await page.locator('h1').textContent()).toBe('Mes mandats');
  expect(await page.locator('#mandates-given-table tbody tr').first().textContent()).toContain('Jean Martin');
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, 'dashboard-mandates-fr.png');

  await page.getByRole('link', { name: 'Donner un mandat' }).click();
  await page.getByLabel('Nom de naissance').fill('Bernard');
  await page.getByLabel('Premier prénom').fill('Lucas');
  await page.getByLabel(/Date de naissance/).fill('2001-01-30');
  // The DSFR draws the box on the label: a person clicks it.
  await page.getByText('Transports et véhicules', { exact: true }).click();
  expect(await page.getByLabel('Transports et véhicules').isChecked()).toBe(true);
  expect(await page.getByLabel('Premier jour').inputValue()).toMatch(/^\d{4}-\d\d-\d\d$/);
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, 'dashboard-mandate-new-fr.png');
  await page.getByRole('button', { name: 'Créer le mandat et obtenir le code d’invitation' }).click();
  await page.waitForLoadState('networkidle');
  expect(await page.locator('h1').textContent()).toBe('Mandat créé : transmettez l’invitation');
  const code = (await page.locator('#invitation-code').textContent())!;
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  const link = (await page.locator('#invitation-link').getAttribute('href'))!;
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, 'dashboard-mandate-created-fr.png');

  // Lucas, in his own browser, from the link: the welcome page, sign-in, back to the invitation.
  const other = await openPage('fr-FR');
  await other.page.goto(link);
  await other.page.getByRole('link', { name: 'Me connecter à mon compte' }).click();
  await signInThrough(other.page, 'impots.gouv.fr (DGFiP)', 'lucas.bernard');
  await other.page.waitForURL((url) => url.pathname === '/mon-compte/mandats/invitation', { timeout: 20000 });
  await other.page.waitForLoadState('networkidle');
  expect(await other.page.locator('#invitation-lead').textContent()).toBe(
    'Yvonne Martin vous propose d’agir en son nom.',
  );
  expect(await axeViolations(other.page)).toEqual([]);
  await shot(other.page, 'dashboard-mandate-invitation-fr.png');
  await other.page.getByRole('button', { name: 'J’accepte le mandat' }).click();
  await other.page.waitForURL((url) => url.searchParams.get('fait') === 'accepted');
  expect(await other.page.getByRole('status').textContent()).toContain('Vous avez accepté le mandat');
  expect(await other.page.locator('#mandates-received-table tbody tr').first().textContent()).toContain(
    'Yvonne Martin',
  );

  // Yvonne's list now shows it active; the end confirmation page is accessible too.
  await page.goto(new URL('/mon-compte/mandats', platform.issuer).href);
  const row = page.locator('#mandates-given-table tbody tr', { hasText: 'Lucas Bernard' });
  expect(await row.locator('.fr-badge').textContent()).toBe('Actif');
  await row.getByRole('link', { name: 'Mettre fin' }).click();
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, 'dashboard-mandate-end-fr.png');

  // In English.
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForLoadState('networkidle');
  expect(await page.locator('h1').textContent()).toBe('End a mandate');
  expect(await axeViolations(page)).toEqual([]);

  expect([...problems, ...other.problems]).toEqual([]);
  await other.close();
  await close();
}, 120000);
