/// <reference lib="dom" />
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { launchChromium, testOutputDir, watchPage } from '../helpers/chromium.ts';
import type { Pool } from '../../lib/db/database.ts';
import { formAction } from '../../lib/http/agent.ts';
import type { IdpPreferenceStore } from '../../auth/idp-preferences.ts';
import { spClient } from './support/broker.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { BROKER_AND_IDPS, redeem, signIn, type SignInResult } from './support/sign-in.ts';

/**
 * IdP preferences enforced at sign-in, end to end: the broker with the real sandbox
 * IdPs, openid-client as the SP, the preferences changed through the store the
 * dashboard uses (RunningBroker.idpPreferences). A refused sign-in shows a page with
 * its code, offers the chooser of the same interaction and the way back to the SP
 * (access_denied), stores nothing, and is recorded.
 */
let platform: TestPlatform;
let pool: Pool;
let preferences: IdpPreferenceStore;
let browser: Browser;
const SP_ORIGIN = 'http://localhost:3000';
const OUTPUT = testOutputDir();

beforeAll(async () => {
  platform = await startTestPlatform({ components: BROKER_AND_IDPS });
  pool = platform.database.pool();
  preferences = platform.broker.idpPreferences;
  browser = await launchChromium();
}, 60000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** The account id the broker gave `login`'s latest sign-in (the audit chain's citizen reference). */
async function accountOfLatestSignIn(): Promise<string> {
  const { rows } = await pool.query<{ citizen_ref: string }>(
    "SELECT citizen_ref FROM audit.events WHERE kind = 'broker.sign_in' ORDER BY seq DESC LIMIT 1",
  );
  return rows[0]!.citizen_ref;
}

async function eventsSince(seq: number) {
  const { rows } = await pool.query<{
    kind: string;
    citizen_ref: string | null;
    client_id: string | null;
    data: Record<string, unknown>;
  }>('SELECT kind, citizen_ref, client_id, data FROM audit.events WHERE seq > $1 ORDER BY seq', [seq]);
  return rows;
}

async function lastSeq(): Promise<number> {
  const { rows } = await pool.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int AS seq FROM audit.events');
  return rows[0]!.seq;
}

/** Follows the "go back to the service" form of a refusal page: where the SP is sent. */
async function backToSp(result: SignInResult, html: string, code: string): Promise<URL> {
  const abort = new RegExp(
    `<form method="post" action="(/interaction/[^"]+/abort)">\\s*<input type="hidden" name="reason" value="${code}">`,
  ).exec(html);
  expect(abort).not.toBeNull();
  const { url } = await result.agent.follow(new URL(abort![1]!, platform.issuer), {
    init: { form: { reason: code } },
    stopAt: (u) => u.origin === SP_ORIGIN,
  });
  return url;
}

/** From a refusal page: "choose another account", then sign in through `idp` in the same interaction. */
async function chooseAnother(result: SignInResult, html: string, idp: string, login: string): Promise<URL> {
  const chooseAgain = /<a class="fr-btn" href="(\/interaction\/[^"]+\?choose=1)">/.exec(html);
  expect(chooseAgain).not.toBeNull();
  const stopAt = (u: URL) => u.origin === SP_ORIGIN;
  const chooser = await result.agent.follow(new URL(chooseAgain![1]!, platform.issuer), { stopAt });
  expect(chooser.response.status).toBe(200);
  await chooser.response.text();
  const atIdp = await result.agent.follow(new URL(`${chooser.url.pathname}/idp`, platform.issuer), {
    stopAt,
    init: { form: { idp } },
  });
  const loginForm = formAction(await atIdp.response.text());
  const back = await result.agent.follow(new URL(loginForm!, atIdp.url), {
    stopAt,
    init: { form: { login, password: '123' } },
  });
  const next = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(await back.response.text())?.[1];
  return (await result.agent.follow(new URL(next!.replaceAll('&amp;', '&'), back.url), { stopAt })).url;
}

describe('a blocked identity provider', () => {
  test('Marie blocks laposte: a sign-in through it is refused with the page, the SP gets access_denied; impots still works', async () => {
    const first = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
    expect(first.landed.origin).toBe(SP_ORIGIN);
    const marie = await accountOfLatestSignIn();
    await preferences.setBlocked(marie, 'laposte', true, { currentIdp: 'impots' });
    // Her claims would have expired by now in real life: a refused sign-in must not store them again.
    await pool.query('DELETE FROM auth.accounts WHERE account_id = $1', [marie]);
    const before = await lastSeq();

    const refused = await signIn(platform, { idp: 'laposte', login: 'marie.dupont' });
    expect(refused.response.status).toBe(403);
    expect(refused.landed.pathname).toBe('/idp/laposte/callback');
    const html = await refused.response.text();
    expect(html).toContain('IDP_BLOCKED_BY_CITIZEN');
    expect(html).toContain('Vous avez bloqué ce fournisseur d’identité');
    expect(html).toContain('/mon-compte');
    expect(html).not.toMatch(/Dupont|1985-04-12/);
    const { rows: stored } = await pool.query('SELECT count(*)::int AS n FROM auth.accounts WHERE account_id = $1', [
      marie,
    ]);
    expect(stored[0].n).toBe(0);

    const sp = await backToSp(refused, html, 'IDP_BLOCKED_BY_CITIZEN');
    expect(sp.searchParams.get('error')).toBe('access_denied');
    expect(sp.searchParams.get('error_description')).toMatch(
      /^IDP_BLOCKED_BY_CITIZEN: You blocked this identity provider/,
    );

    expect(
      (await eventsSince(before)).map(({ kind, citizen_ref, client_id, data }) => ({
        kind,
        citizen_ref,
        client_id,
        data,
      })),
    ).toEqual([
      {
        kind: 'broker.sign_in_refused',
        citizen_ref: marie,
        client_id: 'parking-nimes',
        data: { idp: 'laposte', code: 'IDP_BLOCKED_BY_CITIZEN' },
      },
      {
        kind: 'broker.sign_in_aborted',
        citizen_ref: null,
        client_id: 'parking-nimes',
        data: { code: 'IDP_BLOCKED_BY_CITIZEN' },
      },
    ]);

    // impots still signs her in, with the same identity.
    const again = await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
    const { userinfo } = await redeem(again);
    expect(userinfo.family_name).toBe('Dupont');
    expect(await accountOfLatestSignIn()).toBe(marie);
    expect((await preferences.get(marie)).used.map((u) => u.idp)).toEqual(['impots']);
  }, 60000);

  test('from the refusal page the citizen chooses another IdP in the same interaction and signs in', async () => {
    const refused = await signIn(platform, { idp: 'laposte', login: 'marie.dupont', acr: 'eidas1' });
    expect(refused.response.status).toBe(403);
    const landed = await chooseAnother(refused, await refused.response.text(), 'impots', 'marie.dupont');
    expect(landed.origin).toBe(SP_ORIGIN);
    const tokens = await oidc.authorizationCodeGrant(refused.client, landed, refused.checks);
    expect(tokens.claims()!.acr).toBe('eidas1');
  }, 60000);

  test('unblocked, laposte signs her in again', async () => {
    await signIn(platform, { idp: 'impots', login: 'marie.dupont' });
    const marie = await accountOfLatestSignIn();
    await preferences.setBlocked(marie, 'laposte', false, { currentIdp: 'impots' });
    const result = await signIn(platform, { idp: 'laposte', login: 'marie.dupont' });
    expect(result.landed.origin).toBe(SP_ORIGIN);
    expect((await preferences.get(marie)).used.map((u) => u.idp).sort()).toEqual(['impots', 'laposte']);
  }, 60000);
});

describe('new identity providers not allowed', () => {
  test('after using only impots, laposte is refused (IDP_NEW_NOT_ALLOWED) and impots accepted; allowed again, laposte works', async () => {
    await signIn(platform, { idp: 'impots', login: 'lucas.bernard' });
    const lucas = await accountOfLatestSignIn();
    await preferences.setAllowNewIdps(lucas, false);
    const before = await lastSeq();

    const refused = await signIn(platform, { idp: 'laposte', login: 'lucas.bernard' });
    expect(refused.response.status).toBe(403);
    const html = await refused.response.text();
    expect(html).toContain('IDP_NEW_NOT_ALLOWED');
    const sp = await backToSp(refused, html, 'IDP_NEW_NOT_ALLOWED');
    expect(sp.searchParams.get('error')).toBe('access_denied');
    expect(sp.searchParams.get('error_description')).toMatch(/^IDP_NEW_NOT_ALLOWED: /);
    const events = await eventsSince(before);
    expect(events[0]).toMatchObject({
      kind: 'broker.sign_in_refused',
      citizen_ref: lucas,
      data: { idp: 'laposte', code: 'IDP_NEW_NOT_ALLOWED' },
    });

    expect((await signIn(platform, { idp: 'impots', login: 'lucas.bernard' })).landed.origin).toBe(SP_ORIGIN);
    expect((await preferences.get(lucas)).used.map((u) => u.idp)).toEqual(['impots']);

    await preferences.setAllowNewIdps(lucas, true);
    expect((await signIn(platform, { idp: 'laposte', login: 'lucas.bernard' })).landed.origin).toBe(SP_ORIGIN);
    const changes = (await eventsSince(before)).filter((e) => e.kind === 'broker.idp_preference_changed');
    expect(changes).toEqual([
      { kind: 'broker.idp_preference_changed', citizen_ref: lucas, client_id: null, data: { allowNewIdps: true } },
    ]);
  }, 60000);
});

describe('the refusal page in a browser', () => {
  let jean: string;
  beforeAll(async () => {
    await signIn(platform, { idp: 'impots', login: 'jean.martin' });
    jean = await accountOfLatestSignIn();
    await preferences.setBlocked(jean, 'ameli', true, { currentIdp: 'impots' });
  }, 60000);

  /** Jean signs in through ameli (idp_hint) in Chromium; returns the page where it ended. */
  async function refusedInBrowser(locale: string) {
    const client = await spClient(platform.issuer, 'parking-nimes', platform.config);
    const start = oidc.buildAuthorizationUrl(client, {
      redirect_uri: `${SP_ORIGIN}/callback`,
      scope: 'openid identite_pivot',
      idp_hint: 'ameli',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    });
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(start.href);
    await page.locator('#login').fill('jean.martin');
    await page.locator('#password').fill('123');
    await page.getByRole('button', { name: /connecter|sign in/i }).click();
    await page.waitForURL((url) => url.pathname === '/idp/ameli/callback');
    await page.waitForLoadState('networkidle');
    return { context, page, problems };
  }

  test('in French: the code, the reason, where to change it; "choose another account" leads to the chooser; no CSP violation', async () => {
    const { context, page, problems } = await refusedInBrowser('fr-FR');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    const alert = (await page.getByRole('alert').textContent())!;
    expect(alert).toContain('IDP_BLOCKED_BY_CITIZEN');
    expect(alert).toContain('Vous avez bloqué ce fournisseur d’identité');
    expect(alert).toContain('/mon-compte');
    await page.screenshot({ path: new URL('broker-idp-blocked-fr.png', OUTPUT).pathname, fullPage: true });
    expect(await page.getByRole('button', { name: /Revenir sur/ }).isVisible()).toBe(true);

    // The language switch shows the same refusal again (the IdP's callback cannot be replayed).
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('alert').textContent()).toContain(
      'You blocked this identity provider for your identity',
    );
    await page.getByRole('link', { name: 'Français' }).click();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    await page.getByRole('link', { name: 'Choisir un autre compte' }).click();
    await page.waitForLoadState('networkidle');
    expect(await page.title()).toContain('Je choisis un compte');
    expect(await page.getByRole('button', { name: /impots/i }).isEnabled()).toBe(true);
    expect(problems.filter((p) => !/status of 403/.test(p))).toEqual([]);
    await context.close();
  }, 60000);

  test('in English', async () => {
    const { context, page, problems } = await refusedInBrowser('en-GB');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('alert').textContent()).toContain(
      'You blocked this identity provider for your identity',
    );
    await page.screenshot({ path: new URL('broker-idp-blocked-en.png', OUTPUT).pathname, fullPage: true });
    expect(problems.filter((p) => !/status of 403/.test(p))).toEqual([]);
    await context.close();
  }, 60000);
});
