/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { launchChromium, watchPage } from '../helpers/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { JOURNEYS, signInAtParking, type Walk } from './support/journeys.ts';
import { focus, invisible, order, press, tabTo, type Focus } from './support/keyboard.ts';
import {
  checkPage,
  describeReport,
  DESKTOP,
  SCREENSHOTS,
  settle,
  type PageReport,
  type Phrase,
} from './support/page-checks.ts';

/**
 * Accessibility of every page a citizen sees (docs/accessibility.md): the journeys of
 * journeys.ts walked in Debian's headless Chromium, in French and in English, each page
 * checked by page-checks.ts (axe-core: no violation at all; languages; reflow at
 * 320 px; 200 % zoom; screenshots in test-output/accessibility/). One platform and
 * one browser for the whole suite.
 */
let platform: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  // The operator named in the accessibility statement, with a contact (broker.accessibility).
  platform = await startTestPlatform({
    parking: true,
    overrides: [['broker.accessibility', { entity: OPERATOR, contact: 'accessibilite@passerelle.example' }]],
  });
  browser = await launchChromium();
}, 90000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const OPERATOR = 'Ville de Nîmes (démonstration)';
const STATEMENT_LINK = { fr: 'Accessibilité : non conforme', en: 'Accessibility: non-compliant' };

/** Names the configuration gives in French: on an English page they must carry lang="fr". */
function frenchPhrases(): Phrase[] {
  const { config } = platform;
  return [
    ...new Set([
      ...config.serviceProviders.map((sp) => sp.displayName),
      ...config.identityProviders.map((idp) => idp.displayName),
      ...(config.parking ? [config.parking.serviceName, config.parking.purpose] : []),
      'République', // the DSFR's logo: "République française" on every page
      'Défenseur des droits',
      OPERATOR, // in the accessibility statement
    ]),
  ].map((text) => ({ text, lang: 'fr' }));
}

describe.each(['fr', 'en'] as const)('every page in %s', (lang) => {
  test.each(JOURNEYS.map((j) => [j.name, j] as const))(
    '%s',
    async (_name, journey) => {
      const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', viewport: DESKTOP });
      const page = await context.newPage();
      const problems = watchPage(page);
      // Error pages answer with their HTTP status (Chromium logs it): only a failed sub-resource is a problem.
      page.on('response', (response) => {
        if (response.status() >= 400 && response.request().resourceType() !== 'document')
          problems.push(`${response.status()} for ${response.url()}`);
      });
      const reports: PageReport[] = [];
      let step = 0;
      const walk: Walk = {
        page,
        lang,
        platform,
        async check(name, options = {}) {
          const shown = options.page ?? page;
          const shot = `${journey.name}-${lang}-${String(++step).padStart(2, '0')}-${name}`;
          const report = await checkPage(shown, shot, options.sandboxIdp ? 'fr' : lang, frenchPhrases());
          if (!options.sandboxIdp) {
            // Every page of the platform links to the accessibility statement from its footer, stating the status.
            const link = shown.locator('footer a.fr-footer__bottom-link');
            const [text, href] = await Promise.all([link.textContent(), link.getAttribute('href')]);
            const target = href ? new URL(href, shown.url()) : undefined;
            if (
              text?.trim() !== STATEMENT_LINK[lang] ||
              target?.origin !== new URL(platform.urls.broker!).origin ||
              target.pathname !== '/accessibilite'
            ) {
              report.problems.push(`footer link to the accessibility statement: "${text}" → ${href}`);
            }
          }
          reports.push(report);
        },
      };
      try {
        await journey.walk(walk);
      } catch (error) {
        await page
          .screenshot({ path: new URL(`${journey.name}-${lang}-FAILED.png`, SCREENSHOTS).pathname, fullPage: true })
          .catch(() => {});
        throw new Error(
          `${(error as Error).message}\n(at ${page.url()}: ${await page
            .locator('h1')
            .first()
            .textContent({ timeout: 1000 })
            .catch(() => '?')})`,
        );
      } finally {
        await context.close();
      }
      const failed = reports.filter((r) => r.violations.length || r.problems.length);
      expect(failed.map(describeReport).join('\n\n')).toBe('');
      expect(reports.length).toBeGreaterThan(0);
      expect(
        problems.filter((p) => !p.startsWith('Failed to load resource: the server responded with a status of')),
      ).toEqual([]);
    },
    180000,
  );
});

/**
 * Keyboard only (Tab, Shift+Tab, Enter, Space, arrows in a radio group or a select):
 * the order of the controls focused on each page, in full, and their focus visible.
 */
describe('keyboard only', () => {
  const open = async (viewport = DESKTOP) => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport });
    const page = await context.newPage();
    const problems = watchPage(page);
    return { page, problems, context };
  };
  const HEADER = ['link Contenu', 'link Pied de page', 'link English'];
  const FOOTER = 'link Accessibilité : non conforme';
  const expectWalk = (seen: Focus[], expected: string[]) => {
    expect(order(seen)).toEqual(expected);
    expect(invisible(seen)).toEqual([]);
  };

  test('the skip links lead to the content and to the footer', async () => {
    const { page, context } = await open();
    await page.goto(platform.urls.parking!);
    expectWalk(await press(page, 'Tab', 1), ['link Contenu']);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('content');
    expectWalk(await press(page, 'Tab', 1), ['button Se connecter avec Passerelle']);
    expectWalk(await press(page, 'Shift+Tab', 1), ['link English']);

    await page.goto(platform.urls.parking!);
    expectWalk(await press(page, 'Tab', 2), ['link Contenu', 'link Pied de page']);
    await page.keyboard.press('Enter');
    expectWalk(await press(page, 'Tab', 1), [FOOTER]);

    // The sandbox IdP's page has its own.
    await page.goto(platform.urls.parking!);
    await page.click('#connect');
    await page.click('button[name="idp"][value="impots"]');
    await page.waitForSelector('#login');
    expectWalk(await press(page, 'Tab', 1), ['link Contenu']);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('contenu');
    expectWalk(await press(page, 'Tab', 1), ['textbox Identifiant']);
    await context.close();
  }, 60000);

  test('sign-in: parking service → chooser → IdP → consent → parking service, then sign-out', async () => {
    const { page, problems, context } = await open();
    await page.goto(platform.urls.parking!);
    expectWalk(await tabTo(page, 'button Se connecter avec Passerelle'), [
      ...HEADER,
      'button Se connecter avec Passerelle',
    ]);
    await page.keyboard.press('Enter');

    await page.waitForSelector('button[name="idp"]');
    const idps = [
      'button impots.gouv.fr (DGFiP)',
      "button L'Identité Numérique La Poste",
      'button ameli.fr (Assurance Maladie)',
      'button eIDAS — citoyens européens',
    ];
    expectWalk(await press(page, 'Tab', 9), [
      ...HEADER,
      ...idps,
      'button Annuler et revenir sur Stationnement résidentiel — Ville de Nîmes',
      FOOTER,
    ]);
    expectWalk(await press(page, 'Shift+Tab', 8), [
      ...[...HEADER, ...idps, 'button Annuler et revenir sur Stationnement résidentiel — Ville de Nîmes'].reverse(),
    ]);
    expectWalk(await tabTo(page, 'button impots.gouv.fr (DGFiP)'), [
      'link Pied de page',
      'link English',
      'button impots.gouv.fr (DGFiP)',
    ]);
    await page.keyboard.press('Space');

    await page.waitForSelector('#login');
    expectWalk(await tabTo(page, 'textbox Identifiant'), ['link Contenu', 'textbox Identifiant']);
    await page.keyboard.type('jean.martin');
    expectWalk(await press(page, 'Tab', 1), ['textbox Mot de passe']);
    await page.keyboard.type('123');
    expectWalk(await press(page, 'Tab', 3), [
      'combobox Niveau eIDAS renvoyé',
      'button Se connecter',
      'button Annuler et revenir au service',
    ]);
    expectWalk(await press(page, 'Shift+Tab', 1), ['button Se connecter']);
    await page.keyboard.press('Enter');

    // "Identity verified" moves on by itself to the consent page.
    await page.waitForSelector('button[name="decision"]', { timeout: 20000 });
    expectWalk(await tabTo(page, 'button Je refuse'), [...HEADER, 'button J’autorise', 'button Je refuse']);
    expectWalk(await press(page, 'Shift+Tab', 1), ['button J’autorise']);
    await page.keyboard.press('Space');

    await page.waitForURL((url) => url.pathname === '/permit', { timeout: 20000 });
    expectWalk(await tabTo(page, FOOTER), [
      ...HEADER,
      'region Tarif mensuel par véhicule',
      'button Se déconnecter',
      FOOTER,
    ]);
    expectWalk(await press(page, 'Shift+Tab', 1), ['button Se déconnecter']);
    await page.keyboard.press('Enter');

    // The broker's sign-out confirmation puts the focus on its main button.
    await page.waitForSelector('button[name="logout"]');
    expectWalk([await focus(page)], ['button Me déconnecter']);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/logged-out', { timeout: 20000 });
    expect(await page.locator('h1').textContent()).toBe('Vous êtes déconnecté(e)');
    expect(problems).toEqual([]);
    await context.close();
  }, 90000);

  test('the dashboard: sign-in, history filter, consent withdrawal, preferences, sign-out', async () => {
    const { page, problems, context } = await open();
    const lucas = { login: 'lucas.bernard', idp: 'laposte' };
    await signInAtParking({ page, lang: 'fr', platform, check: async () => {} }, lucas);
    await context.clearCookies();
    const nav = [
      'link Mon historique',
      'link Mes consentements',
      'link Mes mandats',
      'link Mes entreprises',
      'link Mes moyens de connexion',
      'button Me déconnecter',
    ];

    await page.goto(`${platform.urls.broker}/mon-compte`);
    expectWalk(await tabTo(page, 'link Me connecter à mon compte'), [...HEADER, 'link Me connecter à mon compte']);
    await page.keyboard.press('Enter');
    await page.waitForSelector('button[name="idp"]');
    expectWalk(await tabTo(page, "button L'Identité Numérique La Poste"), [
      ...HEADER,
      'button impots.gouv.fr (DGFiP)',
      "button L'Identité Numérique La Poste",
    ]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#login');
    await tabTo(page, 'textbox Identifiant');
    await page.keyboard.type(lucas.login);
    await page.keyboard.press('Tab');
    await page.keyboard.type('123');
    await page.keyboard.press('Enter'); // submits the form from its last field
    await page.waitForURL((url) => url.pathname === '/mon-compte', { timeout: 20000 });

    // History: filter by data provider with the arrow keys in the select.
    const history = [
      ...HEADER,
      ...nav,
      'combobox Service',
      'combobox Administration détentrice des données',
      'button Filtrer',
      'region Mon historique',
      'link Télécharger mon historique JSON',
      'link Télécharger mon historique pour un tableur CSV',
      FOOTER,
    ];
    expectWalk(await tabTo(page, FOOTER), history);
    expectWalk(await press(page, 'Shift+Tab', history.length - 1), history.slice(0, -1).reverse());
    expectWalk(await tabTo(page, 'combobox Administration détentrice des données'), history.slice(1, 11));
    await page.keyboard.press('ArrowDown');
    const provider = await page.locator('#filter-provider').inputValue();
    expect(provider).not.toBe('');
    expectWalk(await press(page, 'Tab', 1), ['button Filtrer']);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('provider') === provider);

    // Consents: withdraw with Space.
    expectWalk(await tabTo(page, 'link Mes consentements'), [
      ...HEADER,
      'link Mon historique',
      'link Mes consentements',
    ]);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/mon-compte/consentements');
    expectWalk(await tabTo(page, 'button Retirer mon consentement'), [
      ...HEADER,
      ...nav,
      'button Retirer mon consentement',
    ]);
    await page.keyboard.press('Space');
    await page.waitForURL((url) => url.searchParams.get('retire') === '1');
    expect(await page.getByRole('status').textContent()).toContain('Votre consentement est retiré');

    // Preferences: a radio group changes with the arrows; a block button, then unblock.
    expectWalk(await tabTo(page, 'link Mes moyens de connexion'), [...HEADER, ...nav.slice(0, 5)]);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/mon-compte/fournisseurs-identite');
    const blockButtons = [
      'button Bloquer impots.gouv.fr (DGFiP)',
      'button Bloquer ameli.fr (Assurance Maladie)',
      'button Bloquer eIDAS — citoyens européens',
    ];
    expectWalk(await tabTo(page, 'radio Les autoriser'), [
      ...HEADER,
      ...nav,
      'region Fournisseurs d’identité',
      ...blockButtons,
      'radio Les autoriser',
    ]);
    await page.keyboard.press('ArrowDown');
    expectWalk([await focus(page)], ['radio Les refuser']);
    expectWalk(await press(page, 'Tab', 1), ['button Enregistrer']);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('fait') === 'refuse-new');
    expect(await page.locator('#new-refuse').isChecked()).toBe(true);
    await tabTo(page, 'radio Les refuser');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.waitForURL((url) => url.searchParams.get('fait') === 'allow-new');
    expect(await page.locator('#new-allow').isChecked()).toBe(true);
    await tabTo(page, 'button Bloquer impots.gouv.fr (DGFiP)');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('fait') === 'block');
    await tabTo(page, 'button Débloquer impots.gouv.fr (DGFiP)');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('fait') === 'unblock');

    // Sign-out, confirmed at the broker.
    expectWalk(await tabTo(page, 'button Me déconnecter'), [...HEADER, ...nav]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('button[name="logout"]');
    expectWalk([await focus(page)], ['button Me déconnecter']);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/mon-compte/deconnecte', { timeout: 20000 });
    expect(problems).toEqual([]);
    await context.close();
  }, 120000);

  test('at 320 px, the header menu opens and closes with the keyboard and holds the language switch', async () => {
    const { page, problems, context } = await open({ width: 320, height: 640 });
    await page.goto(`${platform.urls.broker}/mon-compte`);
    await settle(page);
    expectWalk(await press(page, 'Tab', 3), ['link Contenu', 'link Pied de page', 'button Menu']);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#modal-menu.fr-modal--opened');
    // The DSFR moves the focus into the menu, on its close button.
    expectWalk([await focus(page)], ['button Fermer']);
    expectWalk(await press(page, 'Tab', 1), ['link English']);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#modal-menu:not(.fr-modal--opened)', { state: 'hidden' });
    expectWalk([await focus(page)], ['button Menu']);
    expectWalk(await press(page, 'Tab', 1), ['link Me connecter à mon compte']);
    expect(problems).toEqual([]);
    await context.close();
  }, 60000);
});

/** The checks catch what they are meant to catch (a page made wrong on purpose). */
describe('the checks themselves', () => {
  test('report a missing alternative, a wrong language, a page too wide and an invisible focus', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.setContent(`<!DOCTYPE html><html lang="en"><head><title>Wrong on purpose</title></head><body><main>
      <h1>Page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
      <p>Stationnement résidentiel</p><div style="width: 600px">wide</div>
      <button style="outline: none; box-shadow: none">Go</button></main></body></html>`);
    const report = await checkPage(page, 'checks-control', 'fr', [{ text: 'Stationnement', lang: 'fr' }]);
    expect(report.violations.map((v) => v.rule)).toContain('image-alt');
    expect(report.problems).toEqual(
      expect.arrayContaining([
        '<html lang="en">, expected "fr"',
        expect.stringMatching(/^"Stationnement" is in lang="en"/),
        expect.stringMatching(/^320px: horizontal scroll: scrollWidth 6\d\d > 320/),
      ]),
    );
    await page.keyboard.press('Tab');
    expect(await focus(page)).toEqual({
      control: 'button Go',
      invisible: expect.stringMatching(/^no outline nor box-shadow/),
    });
    await context.close();
  });
});
