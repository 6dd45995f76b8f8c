/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import type { TestPlatform } from '../../../harness/platform.ts';
import { AXE_VERSION } from './axe.ts';

/**
 * THE list of what the accessibility suite walks: every page a citizen can see, reached
 * as a citizen reaches it, in French and in English. A journey clicks its way through
 * the platform and calls `check(name)` on each page it stops at; the suite runs every
 * check of page-checks.ts there (axe-core, languages, reflow, zoom, screenshots).
 *
 * To check a new page: add a `check('…')` where a journey shows it, or a journey that
 * reaches it. The sandbox IdPs' pages (imitations of other services, French only,
 * without the platform's footer) are checked with `{ sandboxIdp: true }`.
 */
export interface Walk {
  page: Page;
  /** The language the browser asks for (Accept-Language) and the broker's pages are in. */
  lang: 'fr' | 'en';
  platform: TestPlatform;
  /**
   * Runs every page check on the page now shown (in the journey's tab, or `page`).
   * `sandboxIdp`: a sandbox IdP's page — French only, and no footer of ours.
   */
  check(name: string, options?: { sandboxIdp?: boolean; page?: Page }): Promise<void>;
}

export interface Journey {
  name: string;
  walk(walk: Walk): Promise<void>;
}

export interface Account {
  login: string;
  idp: string;
}

export const JOURNEYS: Journey[] = [
  {
    // The sign-in journey, from the service to its page of results and out again.
    name: 'sign-in',
    async walk(w) {
      const { page } = w;
      await page.goto(w.platform.urls.parking!);
      await w.check('parking-home');
      await page.click('#connect');
      await onBroker(w, '/interaction/');
      await w.check('broker-chooser');
      await page.click('button[name="idp"][value="impots"]');
      await page.waitForSelector('#login');
      await w.check('idp-login', { sandboxIdp: true });
      await logInAtIdp(page, { login: 'marie.dupont', idp: 'impots' }, 'wrong-password');
      await page.waitForSelector('#erreur-connexion');
      await w.check('idp-login-error', { sandboxIdp: true });
      const verified = await heldResponse(page, '*/idp/impots/callback*');
      await logInAtIdp(page, { login: 'marie.dupont', idp: 'impots' });
      await page.waitForSelector('button[name="decision"][value="allow"]');
      await w.check('broker-consent');
      await checkCopy(w, 'broker-identity-verified', await verified());
      await page.click('button[name="decision"][value="allow"]');
      await atParking(w, '/permit');
      await w.check('parking-permit');
      await page.goto(w.platform.urls.parking!);
      await w.check('parking-home-signed-in');
      await page.goto(`${w.platform.urls.parking}/permit`);
      await page.click('form[action="/logout"] button');
      await onBroker(w, '/logout');
      await w.check('broker-logout');
      await page.click('button[name="logout"][value="yes"]');
      await atParking(w, '/logged-out');
      await w.check('parking-logged-out');
    },
  },
  {
    // The permit page of a citizen the city turns down (another layout of results).
    name: 'ineligible',
    async walk(w) {
      await signInAtParking(w, { login: 'lucas.bernard', idp: 'impots' });
      await w.check('parking-permit-ineligible');
    },
  },
  {
    // Acting for someone (docs/mandates.md): "for a relative", the broker's "for whom" page, the consent page for her, her permit.
    name: 'for-someone',
    async walk(w) {
      const { page } = w;
      await page.context().clearCookies();
      await page.goto(w.platform.urls.parking!);
      await page.click('#connect-for-someone');
      await onBroker(w, '/interaction/');
      await page.click('button[name="idp"][value="ameli"]');
      await logInAtIdp(page, { login: 'jean.martin', idp: 'ameli' });
      await page.waitForSelector('form[action$="/representation"]');
      await w.check('broker-for-whom');
      // A DSFR radio is chosen through its label, which covers it.
      await page.click('label[for="choice-0"]');
      await page.click('form[action$="/representation"] button[type="submit"]');
      await page.waitForSelector('#acting-for');
      await w.check('broker-consent-for-someone');
      await page.click('button[name="decision"][value="allow"]');
      await atParking(w, '/permit');
      await w.check('parking-permit-for-someone');
    },
  },
  {
    // A service asks for a higher level of assurance (eIDAS substantial): the IdPs that cannot give it are disabled, with the reason.
    name: 'higher-level',
    async walk(w) {
      const authorize = new URL('/authorize', w.platform.urls.broker);
      authorize.search = new URLSearchParams({
        client_id: 'parking-nimes',
        redirect_uri: `${w.platform.urls.parking}/callback`,
        response_type: 'code',
        scope: 'openid',
        acr_values: 'eidas2',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'accessibility-state-0123456789',
        nonce: 'accessibility-nonce-0123456789',
      }).toString();
      await w.page.goto(authorize.href);
      await w.page.waitForSelector('button[name="idp"][disabled]');
      await w.check('broker-chooser-unavailable-idps');
    },
  },
  {
    // Every way a sign-in can fail or be refused, each page on its own.
    name: 'refusals',
    async walk(w) {
      const { page } = w;
      await signInAtParking(w, { login: 'jean.martin', idp: 'impots' }, { decision: 'refuse' });
      await w.check('parking-consent-refused');

      await startAtParking(w);
      await page.click('form[action$="/abort"] button');
      await atParking(w, '/callback');
      await w.check('parking-sign-in-cancelled');

      // The citizen gives up at the IdP: the broker says so and offers another IdP or the way back.
      await startAtParking(w);
      await page.click('button[name="idp"][value="impots"]');
      await page.click('form[action$="/abort"] button');
      await onBroker(w, '/idp/');
      await w.check('broker-idp-failure');
      await page.click('form[action$="/abort"] button');
      await atParking(w, '/callback');
      await w.check('parking-idp-failed');

      // An identity the broker refuses (born in France without a birthplace).
      await startAtParking(w);
      await page.click('button[name="idp"][value="impots"]');
      await logInAtIdp(page, { login: 'identite.invalide', idp: 'impots' });
      await onBroker(w, '/idp/');
      await w.check('broker-identity-refused');
    },
  },
  {
    // The citizen's dashboard, every section and state (put back as it was at the end).
    name: 'dashboard',
    async walk(w) {
      const { page } = w;
      const broker = w.platform.urls.broker!;
      await signInAtParking(w, { login: 'anne-sophie.lefevre-roy', idp: 'laposte' });
      await page.context().clearCookies();
      await page.goto(`${broker}/mon-compte`);
      await w.check('dashboard-welcome');
      await page.click('main a[href="/mon-compte/connexion"]');
      await signInAtDashboard(w, { login: 'anne-sophie.lefevre-roy', idp: 'laposte' });
      await w.check('dashboard-history');
      await page.selectOption('#filter-provider', 'dgfip');
      await page.click('form[method="get"] button[type="submit"]');
      await page.waitForURL((url) => url.searchParams.get('provider') === 'dgfip');
      await w.check('dashboard-history-filtered');
      await page.goto(`${broker}/mon-compte?service=passerelle-mon-compte&provider=dgfip`);
      await w.check('dashboard-history-filtered-empty');
      await page.click('a.fr-sidemenu__link[href="/mon-compte/consentements"]');
      await w.check('dashboard-consents');
      await page.click('form[action*="/revoquer"] button');
      await page.waitForURL((url) => url.searchParams.get('retire') === '1');
      await w.check('dashboard-consents-withdrawn');
      await page.click('a.fr-sidemenu__link[href="/mon-compte/fournisseurs-identite"]');
      await w.check('dashboard-preferences');
      await page.click('tr[data-idp="ameli"] button[value="block"]');
      await page.waitForURL((url) => url.searchParams.get('fait') === 'block');
      await w.check('dashboard-preferences-changed');
      await page.click('tr[data-idp="ameli"] button[value="unblock"]');
      await page.waitForURL((url) => url.searchParams.get('fait') === 'unblock');
      await page.click('form[action$="/deconnexion"] button');
      await onBroker(w, '/logout');
      await page.click('button[name="logout"][value="yes"]');
      await onBroker(w, '/mon-compte/deconnecte');
      await w.check('dashboard-logged-out');
    },
  },
  {
    // Mandates: Yvonne gives one to Lucas (form, one-time code), Lucas opens the invitation.
    name: 'mandates',
    async walk(w) {
      const { page } = w;
      const broker = w.platform.urls.broker!;
      await page.goto(`${broker}/mon-compte/connexion`);
      await signInAtDashboard(w, { login: 'yvonne.martin', idp: 'ameli' });
      await page.click('a.fr-sidemenu__link[href="/mon-compte/mandats"]');
      await w.check('dashboard-mandates');
      await page.click('main a[href="/mon-compte/mandats/nouveau"]');
      await page.fill('#family_name', 'Bernard');
      await page.fill('#given_name', 'Lucas');
      await page.fill('#birthdate', '2001-01-30');
      await page.click('label[for="domain-transport"]');
      await w.check('dashboard-mandate-new');
      await page.click('form[action$="/mandats/nouveau"] button[type="submit"]');
      await page.waitForSelector('#invitation-code');
      await w.check('dashboard-mandate-created');
      const link = (await page.locator('#invitation-link').getAttribute('href'))!;
      await page.context().clearCookies();
      await page.goto(
        `${broker}/mon-compte/connexion?${new URLSearchParams({ retour: new URL(link).pathname + new URL(link).search })}`,
      );
      await page.click('button[name="idp"][value="impots"]');
      await logInAtIdp(page, { login: 'lucas.bernard', idp: 'impots' });
      await onBroker(w, '/mon-compte/mandats/invitation');
      await w.check('dashboard-mandate-invitation');
      await page.context().clearCookies();
    },
  },
  {
    // Companies: Marie, gérante of a bakery, reads "Mes entreprises" and her bakery's history,
    // and the mandate form offers to give one in the bakery's name.
    name: 'companies',
    async walk(w) {
      const { page } = w;
      const broker = w.platform.urls.broker!;
      await page.goto(`${broker}/mon-compte/connexion`);
      await signInAtDashboard(w, { login: 'marie.dupont', idp: 'impots' });
      await page.click('a.fr-sidemenu__link[href="/mon-compte/entreprises"]');
      await w.check('dashboard-companies');
      await page.click('#companies-represented a');
      await page.waitForSelector('#company-history');
      await w.check('dashboard-company-history');
      await page.goto(`${broker}/mon-compte/mandats/nouveau`);
      await page.waitForSelector('#for-legend');
      await w.check('dashboard-mandate-new-for-company');
      await page.context().clearCookies();
    },
  },
  {
    // A citizen who blocked an IdP in the dashboard tries to sign in with it (then unblocks it).
    name: 'blocked-idp',
    async walk(w) {
      const { page } = w;
      const marie = { login: 'marie.dupont', idp: 'laposte' };
      const preferences = `${w.platform.urls.broker}/mon-compte/fournisseurs-identite`;
      await page.goto(`${w.platform.urls.broker}/mon-compte/connexion`);
      await signInAtDashboard(w, marie);
      await page.goto(preferences);
      await page.click('tr[data-idp="impots"] button[value="block"]');
      await page.waitForURL((url) => url.searchParams.get('fait') === 'block');
      await startAtParking(w);
      await page.click('button[name="idp"][value="impots"]');
      await logInAtIdp(page, { login: 'marie.dupont', idp: 'impots' });
      await onBroker(w, '/idp/');
      await w.check('broker-idp-blocked');
      await page.context().clearCookies();
      await page.goto(`${w.platform.urls.broker}/mon-compte/connexion`);
      await signInAtDashboard(w, marie);
      await page.goto(preferences);
      await page.click('tr[data-idp="impots"] button[value="unblock"]');
      await page.waitForURL((url) => url.searchParams.get('fait') === 'unblock');
    },
  },
  {
    // Pages at addresses that lead nowhere, or nowhere any more.
    name: 'dead-ends',
    async walk(w) {
      const { page } = w;
      const broker = w.platform.urls.broker!;
      await page.goto(`${broker}/nulle-part`);
      await w.check('broker-not-found');
      await page.goto(`${broker}/interaction/expiree`);
      await w.check('broker-interaction-expired');
      await page.goto(
        `${broker}/authorize?client_id=parking-nimes&redirect_uri=${encodeURIComponent('http://evil.example/cb')}&response_type=code&scope=openid`,
      );
      await w.check('broker-request-refused');
      await page.goto(`${broker}/idp/impots/logged-out`);
      await w.check('broker-logged-out');
      await page.goto(`${w.platform.urls.parking}/nulle-part`);
      await w.check('parking-not-found');
      await page.goto(`${w.platform.urls.impots}/interaction/expiree`);
      await w.check('idp-error', { sandboxIdp: true });
    },
  },
  {
    // The statement, reached as every page offers it: the footer link (here from the parking service).
    name: 'accessibility-statement',
    async walk(w) {
      await w.page.goto(w.platform.urls.parking!);
      await w.page.click('footer a.fr-footer__bottom-link[href*="/accessibilite"]');
      await onBroker(w, '/accessibilite');
      await w.check('broker-accessibility-statement');
      // It states the results of this very suite: the axe-core it runs, no errors, and the status.
      const text = (await w.page.locator('main').textContent())!.replace(/\s+/g, ' ');
      const axe = `axe-core ${AXE_VERSION.split('.').slice(0, 2).join('.')}`;
      for (const claim of [
        axe,
        w.lang === 'fr' ? 'aucune erreur' : 'no errors',
        w.lang === 'fr' ? 'non conforme' : 'non-compliant',
        w.platform.config.broker.accessibility.entity ?? '',
        w.platform.config.broker.accessibility.contact ?? '',
      ]) {
        if (!text.includes(claim)) throw new Error(`the accessibility statement does not say "${claim}"`);
      }
    },
  },
];

/** A citizen starting afresh (no session anywhere): from the parking home page to the broker's chooser. */
export async function startAtParking(w: Walk): Promise<void> {
  await w.page.context().clearCookies();
  await w.page.goto(w.platform.urls.parking!);
  await w.page.click('#connect');
  await onBroker(w, '/interaction/');
  await w.page.waitForSelector('button[name="idp"]');
}

/** A whole sign-in at the parking service, unchecked: ends on the permit page (or wherever the decision leads). */
export async function signInAtParking(
  w: Walk,
  account: Account,
  options: { decision?: 'allow' | 'refuse' } = {},
): Promise<void> {
  await startAtParking(w);
  await w.page.click(`button[name="idp"][value="${account.idp}"]`);
  await logInAtIdp(w.page, account);
  await w.page.click(`button[name="decision"][value="${options.decision ?? 'allow'}"]`);
  await atParking(w, options.decision === 'refuse' ? '/callback' : '/permit');
}

/** From the broker's chooser (after /mon-compte/connexion) to the dashboard's history. */
export async function signInAtDashboard(w: Walk, account: Account): Promise<void> {
  await w.page.click(`button[name="idp"][value="${account.idp}"]`);
  await logInAtIdp(w.page, account);
  await onBroker(w, '/mon-compte', { exact: true });
}

/** Fills the sandbox IdP's login form (password 123, or a wrong one) and submits it. */
export async function logInAtIdp(
  page: Page,
  account: Account,
  password: 'right' | 'wrong-password' = 'right',
): Promise<void> {
  await page.fill('#login', account.login);
  await page.fill('#password', password === 'right' ? '123' : 'pas-le-bon');
  await page.click('form[action$="/login"] button[type="submit"]');
}

export async function onBroker(w: Walk, path: string, options: { exact?: boolean } = {}): Promise<void> {
  const origin = new URL(w.platform.urls.broker!).origin;
  await w.page.waitForURL(
    (url) => url.origin === origin && (options.exact ? url.pathname === path : url.pathname.startsWith(path)),
    { timeout: 20000 },
  );
}

export async function atParking(w: Walk, path: string): Promise<void> {
  const origin = new URL(w.platform.urls.parking!).origin;
  await w.page.waitForURL((url) => url.origin === origin && url.pathname === path, { timeout: 20000 });
}

export interface HeldResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The next response of `page` whose URL matches `pattern` (a DevTools URL pattern), as
 * the server sent it. Read through the DevTools protocol's Fetch domain, which, unlike
 * `page.route`, also sees the requests a redirect leads to; the response goes on to
 * the page unchanged.
 */
export async function heldResponse(page: Page, pattern: string): Promise<() => Promise<HeldResponse>> {
  const cdp = await page.context().newCDPSession(page);
  const held = new Promise<HeldResponse>((resolve, reject) => {
    cdp.on('Fetch.requestPaused', (event) => {
      cdp
        .send('Fetch.getResponseBody', { requestId: event.requestId })
        .then(async ({ body, base64Encoded }) => {
          resolve({
            url: event.request.url,
            status: event.responseStatusCode ?? 0,
            headers: Object.fromEntries((event.responseHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value])),
            body: base64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
          });
          await cdp.send('Fetch.continueRequest', { requestId: event.requestId });
          await cdp.detach();
        })
        .catch(reject);
    });
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: pattern, requestStage: 'Response' }] });
  return () => held;
}

/**
 * The broker's "identity verified" page moves on at once (meta refresh, delay 0: allowed
 * by WCAG 2.2.1, nothing is timed), too fast to look at. It is checked as a copy: the
 * broker's own response (headers, CSP included) served again at its own address in a
 * second tab, without the refresh tag — after checking that the delay is 0.
 */
export async function checkCopy(w: Walk, name: string, held: HeldResponse): Promise<void> {
  const refresh = /<meta http-equiv="refresh" content="([^"]*)">/.exec(held.body)?.[1];
  if (refresh !== undefined && !refresh.startsWith('0;'))
    throw new Error(`${name} refreshes after a delay: ${refresh}`);
  const copy = await w.page.context().newPage();
  try {
    const headers = Object.fromEntries(
      Object.entries(held.headers).filter(([key]) => key !== 'set-cookie' && key !== 'content-length'),
    );
    await copy.route(
      held.url,
      (route) =>
        route.fulfill({
          status: held.status,
          headers,
          body: held.body.replace(/<meta http-equiv="refresh"[^>]*>/, ''),
        }),
      { times: 1 },
    );
    await copy.goto(held.url);
    await w.check(name, { page: copy });
  } finally {
    await copy.close();
  }
}
