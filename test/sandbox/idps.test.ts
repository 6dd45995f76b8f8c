import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as oidc from 'openid-client';
import type { RunningComponent } from '../../lib/component.ts';
import type { Config } from '../../lib/config/load.ts';
import { loadPlatformConfig } from '../../bin/config.ts';
import type { Database } from '../../lib/db/database.ts';
import { createLogger } from '../../lib/log.ts';
import { validatePivotIdentity } from '../../lib/pivot/validate.ts';
import { FRENCH_ACCOUNTS } from '../../sandbox/idps/accounts.ts';
import {
  PIVOT_SCOPE,
  SANDBOX_IDP_NAMES,
  SANDBOX_IDPS,
  sandboxIdentityProviders,
  type SandboxIdpName,
} from '../../sandbox/idps/index.ts';
import { Browser, type Page } from '../helpers/browser.ts';

/**
 * Each sandbox IdP, driven as the broker will: a real openid-client relying
 * party (discovery, PKCE, state, nonce, code exchange, ID token validation,
 * userinfo) and a browser submitting the login form over HTTP, redirected back
 * to a local callback server.
 */
const SCOPE = `openid ${PIVOT_SCOPE} email`;
let callbackServer: Server;
let brokerUrl: string;
let config: Config;
const idps = {} as Record<SandboxIdpName, RunningComponent>;

beforeAll(async () => {
  callbackServer = createServer((_req, res) => res.end('callback reached'));
  await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
  brokerUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}`;
  config = loadPlatformConfig({
    env: {},
    overrides: [
      ['broker.url', brokerUrl],
      ...SANDBOX_IDP_NAMES.map((name): [string, unknown] => [`identityProviders.${name}.issuer`, 'http://127.0.0.1:1']),
    ],
  });
  // The sandbox IdPs use no database (their state is in memory, see provider.ts).
  const context = { config, logger: createLogger('test', 'silent'), database: undefined as unknown as Database };
  for (const name of SANDBOX_IDP_NAMES) idps[name] = await sandboxIdentityProviders[name](context, { port: 0 });
});

afterAll(async () => {
  await Promise.all(Object.values(idps).map((idp) => idp.close()));
  await new Promise((resolve) => callbackServer.close(resolve));
});

const entry = (name: SandboxIdpName) => config.identityProviders.find((idp) => idp.name === name)!;
const redirectUri = (name: SandboxIdpName) => `${brokerUrl}/idp/${name}/callback`;

async function relyingParty(name: SandboxIdpName, auth: 'basic' | 'post' = 'basic'): Promise<oidc.Configuration> {
  const secret = config.secret(entry(name).clientSecret, 'test');
  return oidc.discovery(
    new URL(idps[name].url),
    entry(name).clientId,
    secret,
    auth === 'basic' ? oidc.ClientSecretBasic(secret) : oidc.ClientSecretPost(secret),
    { execute: [oidc.allowInsecureRequests] },
  );
}

interface Flow {
  rp: oidc.Configuration;
  verifier: string;
  state: string;
  nonce: string;
  authorizationUrl: URL;
}

async function startFlow(
  name: SandboxIdpName,
  params: Record<string, string> = {},
  rp?: oidc.Configuration,
): Promise<Flow> {
  const configuration = rp ?? (await relyingParty(name));
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri(name),
    scope: SCOPE,
    state,
    nonce,
    prompt: 'login',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...params,
  });
  return { rp: configuration, verifier, state, nonce, authorizationUrl };
}

async function exchange(flow: Flow, callback: Page) {
  const tokens = await oidc.authorizationCodeGrant(flow.rp, callback.url, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims()!;
  const userinfo = await oidc.fetchUserInfo(flow.rp, tokens.access_token, idToken.sub);
  return { idToken, userinfo };
}

/** Authorization, login form, code exchange, userinfo. */
async function signIn(
  name: SandboxIdpName,
  login: string,
  options: { params?: Record<string, string>; sandboxAcr?: string } = {},
) {
  const flow = await startFlow(name, options.params);
  const browser = new Browser();
  const loginPage = await browser.get(flow.authorizationUrl);
  expect(loginPage.status).toBe(200);
  const callback = await browser.submit(loginPage, '/login', {
    login,
    password: '123',
    sandbox_acr: options.sandboxAcr ?? '',
  });
  expect(callback.url.href.startsWith(redirectUri(name))).toBe(true);
  return exchange(flow, callback);
}

const PIVOT_AND_EMAIL = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email'];
const pick = (claims: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(claims).filter(([key]) => PIVOT_AND_EMAIL.includes(key)));

describe.each([
  ['impots', 'marie.dupont', 'eidas1'],
  ['laposte', 'anne-sophie.lefevre-roy', 'eidas2'],
  ['ameli', 'camille.petit', 'eidas1'],
  ['eidas', 'lukas.schneider', 'eidas3'],
] as const)('%s', (name, login, acr) => {
  test(`discovery advertises the code flow, PKCE S256, RFC 9207 iss and levels up to ${acr}`, async () => {
    const metadata = (await relyingParty(name)).serverMetadata();
    expect(metadata.issuer).toBe(idps[name].url);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.acr_values_supported?.at(-1)).toBe(acr);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', PIVOT_SCOPE, 'email']));
  });

  test(`${login} signs in at ${acr}: ID token and userinfo carry the account's claims`, async () => {
    const { idToken, userinfo } = await signIn(name, login, { params: { acr_values: acr } });
    expect(idToken).toMatchObject({ iss: idps[name].url, aud: entry(name).clientId, sub: login, acr, amr: ['pwd'] });
    expect(pick(idToken)).toEqual(SANDBOX_IDPS[name].claimsOf(login));
    expect(pick(userinfo)).toEqual(SANDBOX_IDPS[name].claimsOf(login));
    expect(validatePivotIdentity(userinfo).ok).toBe(true);
  });
});

describe('login form', () => {
  test('is French, labelled, says it is a sandbox, under a strict CSP', async () => {
    const page = await new Browser().get((await startFlow('impots')).authorizationUrl);
    expect(page.html).toContain('<html lang="fr"');
    expect(page.html).toMatch(/<label class="fr-label" for="login">/);
    expect(page.html).toMatch(/<label class="fr-label" for="password">/);
    expect(page.html).toMatch(/<label class="fr-label" for="sandbox_acr">Niveau eIDAS renvoyé/);
    expect(page.html).toContain('Bac à sable');
    expect(page.html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`form-action 'self' ${brokerUrl}`);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  test('serves its own DSFR stylesheet and logo, nothing outside the DSFR folder', async () => {
    const base = idps.laposte.url;
    const css = await fetch(`${base}/dsfr/dsfr.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    await css.body?.cancel();
    expect((await fetch(`${base}/logo.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    expect((await fetch(`${base}/dsfr/fonts/Marianne-Bold.woff2`)).status).toBe(200);
    expect((await fetch(`${base}/dsfr/..%2F..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/dsfr/dsfr.module.js`)).status).toBe(404);
    expect((await fetch(`${base}/dsfr/%E0%A4%A`)).status).toBe(404);
  });

  test('a wrong password shows the form again with an announced error, and no code', async () => {
    const browser = new Browser();
    const page = await browser.get((await startFlow('impots')).authorizationUrl);
    const retry = await browser.submit(page, '/login', { login: 'marie.dupont', password: 'wrong' });
    expect(retry.status).toBe(401);
    expect(retry.url.origin).toBe(idps.impots.url);
    expect(retry.html).toContain('role="alert"');
    expect(retry.html).toContain('Identifiant ou mot de passe incorrect');
    expect(retry.html).toContain('aria-invalid="true"');
    expect(retry.html).toContain('value="marie.dupont"');
    // The same interaction still works with the right password.
    const callback = await browser.submit(retry, '/login', { login: 'marie.dupont', password: '123' });
    expect(callback.url.searchParams.get('code')).toBeTruthy();
  });

  test('an account of another IdP is refused like a bad password', async () => {
    const browser = new Browser();
    const page = await browser.get((await startFlow('impots')).authorizationUrl);
    const retry = await browser.submit(page, '/login', { login: 'camille.petit', password: '123' });
    expect(retry.status).toBe(401);
  });

  test('prompt=login: a second authorization shows the form again', async () => {
    const browser = new Browser();
    const first = await browser.get((await startFlow('ameli')).authorizationUrl);
    await browser.submit(first, '/login', { login: 'jean.martin', password: '123' });
    const second = await browser.get((await startFlow('ameli')).authorizationUrl);
    expect(second.url.pathname).toMatch(/^\/interaction\//);
    expect(second.html).toContain('name="password"');
  });

  test('cancelling returns access_denied to the broker', async () => {
    const flow = await startFlow('ameli');
    const browser = new Browser();
    const page = await browser.get(flow.authorizationUrl);
    const callback = await browser.submit(page, '/abort', {});
    expect(callback.url.searchParams.get('error')).toBe('access_denied');
    expect(callback.url.searchParams.get('state')).toBe(flow.state);
  });
});

describe('eIDAS levels', () => {
  test('asking above the maximum is refused with an OpenID error, before any login', async () => {
    const flow = await startFlow('impots', { acr_values: 'eidas2' });
    const callback = await new Browser().get(flow.authorizationUrl);
    expect(callback.url.href.startsWith(redirectUri('impots'))).toBe(true);
    expect(callback.url.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(callback.url.searchParams.get('iss')).toBe(idps.impots.url);
    await expect(exchange(flow, callback)).rejects.toMatchObject({ error: 'unmet_authentication_requirements' });
  });

  test('unknown levels only: invalid_request', async () => {
    const callback = await new Browser().get(
      (await startFlow('laposte', { acr_values: 'substantial' })).authorizationUrl,
    );
    expect(callback.url.searchParams.get('error')).toBe('invalid_request');
  });

  test('the first reachable level in order of preference is returned', async () => {
    const { idToken } = await signIn('laposte', 'marie.dupont', { params: { acr_values: 'eidas3 eidas2 eidas1' } });
    expect(idToken.acr).toBe('eidas2');
  });

  test('no level asked: the IdP asserts its maximum', async () => {
    const { idToken } = await signIn('eidas', 'sofia.garcia');
    expect(idToken.acr).toBe('eidas3');
  });

  test('sandbox knob: "niveau eIDAS renvoyé" answers with a lower level than asked', async () => {
    const flow = await startFlow('eidas', { acr_values: 'eidas3' });
    const browser = new Browser();
    const page = await browser.get(flow.authorizationUrl);
    expect(page.html).toContain('<option value="" selected>Comme demandé (eidas3)</option>');
    expect(page.html).toContain('<option value="eidas1">');
    const { idToken } = await exchange(
      flow,
      await browser.submit(page, '/login', { login: 'sofia.garcia', password: '123', sandbox_acr: 'eidas2' }),
    );
    expect(idToken.acr).toBe('eidas2');
  });

  test('the knob only offers, and only accepts, lower levels', async () => {
    const browser = new Browser();
    const page = await browser.get((await startFlow('laposte', { acr_values: 'eidas1' })).authorizationUrl);
    expect(page.html).not.toMatch(/<option value="eidas/);
    const refused = await browser.submit(page, '/login', {
      login: 'marie.dupont',
      password: '123',
      sandbox_acr: 'eidas2',
    });
    expect(refused.status).toBe(400);
  });
});

describe('eidas bridge', () => {
  test('Sofía García López: pivot claims mapped from the eIDAS minimum data set', async () => {
    const { idToken, userinfo } = await signIn('eidas', 'sofia.garcia', { params: { acr_values: 'eidas2' } });
    const expected = {
      given_name: 'Sofía',
      family_name: 'García López',
      birthdate: '1990-06-21',
      gender: 'female',
      birthcountry: '99134',
      email: 'sofia.garcia@example.org',
    };
    expect(pick(userinfo)).toEqual(expected);
    expect(pick(idToken)).toEqual(expected);
    expect(idToken.acr).toBe('eidas2');
    expect(validatePivotIdentity(userinfo)).toMatchObject({ ok: true, identity: { birthcountry: '99134' } });
  });

  test('a citizen born outside her country of nationality, gender not provided', async () => {
    const { userinfo } = await signIn('eidas', 'ines.peeters');
    expect(userinfo.birthcountry).toBe('99350');
    expect(userinfo).not.toHaveProperty('gender');
    expect(userinfo).not.toHaveProperty('birthplace');
  });
});

describe('protocol', () => {
  test('the invalid identity is returned as-is: the IdP does not validate, the broker does', async () => {
    const { userinfo } = await signIn('impots', 'identite.invalide');
    expect(pick(userinfo)).toEqual(FRENCH_ACCOUNTS['identite.invalide']!.claims);
    expect(userinfo).not.toHaveProperty('birthplace');
    expect(validatePivotIdentity(userinfo)).toMatchObject({
      ok: false,
      errors: [{ code: 'PIVOT_BIRTHPLACE_REQUIRED' }],
    });
  });

  test('client_secret_post authenticates the broker too', async () => {
    const flow = await startFlow('laposte', {}, await relyingParty('laposte', 'post'));
    const browser = new Browser();
    const callback = await browser.submit(await browser.get(flow.authorizationUrl), '/login', {
      login: 'lucas.bernard',
      password: '123',
    });
    expect((await exchange(flow, callback)).idToken.sub).toBe('lucas.bernard');
  });

  test('PKCE is required', async () => {
    const rp = await relyingParty('impots');
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: redirectUri('impots'),
      scope: SCOPE,
      state: 'some-state',
      nonce: oidc.randomNonce(),
    });
    const callback = await new Browser().get(url);
    expect(callback.url.searchParams.get('error')).toBe('invalid_request');
    expect(callback.url.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  test('a wrong code verifier is refused at the token endpoint', async () => {
    const flow = await startFlow('impots');
    const browser = new Browser();
    const callback = await browser.submit(await browser.get(flow.authorizationUrl), '/login', {
      login: 'jean.martin',
      password: '123',
    });
    await expect(exchange({ ...flow, verifier: oidc.randomPKCECodeVerifier() }, callback)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  test('a code can be exchanged only once', async () => {
    const flow = await startFlow('laposte');
    const browser = new Browser();
    const callback = await browser.submit(await browser.get(flow.authorizationUrl), '/login', {
      login: 'marie.dupont',
      password: '123',
    });
    await exchange(flow, callback);
    await expect(exchange(flow, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('an unregistered redirect_uri gets an error page, no redirect', async () => {
    const flow = await startFlow('impots', { redirect_uri: 'http://127.0.0.1:9/evil' });
    const page = await new Browser().get(flow.authorizationUrl);
    expect(page.status).toBe(400);
    expect(page.url.origin).toBe(idps.impots.url);
    expect(page.html).toContain('redirect_uri');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).not.toMatch(/<script|fonts\.googleapis/);
  });

  test('RP-initiated logout goes back to the broker logged-out URI', async () => {
    const flow = await startFlow('ameli');
    const browser = new Browser();
    const callback = await browser.submit(await browser.get(flow.authorizationUrl), '/login', {
      login: 'camille.petit',
      password: '123',
    });
    const tokens = await oidc.authorizationCodeGrant(flow.rp, callback.url, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    const logoutUrl = oidc.buildEndSessionUrl(flow.rp, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${brokerUrl}/idp/ameli/logged-out`,
      state: 'bye',
    });
    const confirm = await browser.get(logoutUrl);
    expect(confirm.html).toContain('Me déconnecter');
    const done = await browser.submit(confirm, '/session/end/confirm', {
      xsrf: /name="xsrf" value="([^"]+)"/.exec(confirm.html)![1]!,
      logout: 'yes',
    });
    expect(done.url.href).toBe(`${brokerUrl}/idp/ameli/logged-out?state=bye`);
  });
});
