import { createServer, type Server, type Socket } from 'node:net';
import * as oidc from 'openid-client';
import { Agent } from '../../lib/http/agent.ts';
import { freePort } from '../../harness/ports.ts';
import { startTestBroker, testConfig, type TestBroker } from './support/broker.ts';

/**
 * The broker's pages up to the trip to an identity provider: chooser, levels,
 * disabled and unreachable IdPs, cancel, languages, CSP, assets. IdPs here are
 * addresses where nothing answers (or answers nothing): no IdP is needed to
 * test that the broker copes with their absence.
 */
let t: TestBroker;
let issuer: string;
let hanging: Server;
const sockets: Socket[] = [];
const REDIRECT = 'http://localhost:3000/callback';

const idp = (name: string, issuer: string, maxAcr: string, extra: Record<string, unknown> = {}) => ({
  name,
  displayName: `IdP ${name}`,
  issuer,
  clientId: 'passerelle',
  clientSecret: 'sandbox-secret-for-tests-only-0123456789',
  maxAcr,
  ...extra,
});

beforeAll(async () => {
  hanging = createServer((socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const hangingPort = (hanging.address() as { port: number }).port;
  const closedPort = await freePort();
  const config = testConfig([
    ['broker.idpTimeoutMs', 800],
    [
      'identityProviders',
      [
        idp('closed', `http://127.0.0.1:${closedPort}`, 'eidas1'),
        idp('hanging', `http://127.0.0.1:${hangingPort}`, 'eidas3'),
        idp('weak', `http://127.0.0.1:${closedPort}/weak`, 'eidas1'),
        idp('off', `http://127.0.0.1:${closedPort}/off`, 'eidas3', { enabled: false }),
      ],
    ],
  ]);
  t = await startTestBroker({ config });
  issuer = t.broker.issuer;
});
afterAll(async () => {
  await t.close();
  sockets.forEach((s) => s.destroy());
  await new Promise((r) => hanging.close(r));
});

/** Starts a sign-in as parking-nimes and returns the agent at the interaction page. */
async function startSignIn(
  params: Record<string, string> = {},
  agent = new Agent(),
): Promise<{ agent: Agent; page: Response; url: URL }> {
  const url = new URL('/authorize', issuer);
  const all = {
    client_id: 'parking-nimes',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid given_name',
    state: 's'.repeat(32),
    nonce: 'n'.repeat(32),
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  const { response, url: last } = await agent.follow(url);
  return { agent, page: response, url: last };
}

describe('the IdP chooser', () => {
  test('lists every IdP; those below the level or disabled are disabled with the reason', async () => {
    const { page, url } = await startSignIn({ acr_values: 'eidas2 eidas3' });
    expect(page.status).toBe(200);
    expect(url.pathname).toMatch(/^\/interaction\//);
    const html = await page.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('substantiel (eidas2)');
    expect(html).toMatch(/value="hanging">/);
    expect(html).toMatch(/value="weak" disabled aria-describedby="idp-weak-reason"/);
    expect(html).toMatch(/id="idp-weak-reason">Ce compte ne permet pas d’atteindre le niveau de garantie demandé/);
    expect(html).toMatch(/value="off" disabled aria-describedby="idp-off-reason"/);
    expect(html).toMatch(/id="idp-off-reason">Ce compte est momentanément indisponible/);
  });

  test('pages carry a strict CSP and security headers', async () => {
    const { page } = await startSignIn();
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/form-action 'self' .*http:\/\/127\.0\.0\.1:\d+/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*src=)/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
  });

  test('English through ?lang=en (remembered) or Accept-Language', async () => {
    const { agent, url } = await startSignIn();
    const english = await agent.fetch(new URL(`${url.pathname}?lang=en`, issuer));
    const html = await english.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('Choose an account to sign in');
    expect(html).toMatch(/href="[^"]*lang=fr" lang="fr" hreflang="fr"/);
    expect(english.headers.get('content-language')).toBe('en');
    expect(await (await agent.fetch(new URL(url.pathname, issuer))).text()).toContain('<html lang="en"');
    const accepted = await startSignIn({}, new Agent());
    const page = await accepted.agent.fetch(new URL(accepted.url.pathname, issuer), {
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(await page.text()).toContain('<html lang="en"');
  });

  test('an unreachable IdP is reported (502, code) and the citizen can choose another', async () => {
    const { agent, url } = await startSignIn();
    const page = await agent.fetch(new URL(`${url.pathname}/idp`, issuer), { form: { idp: 'closed' } });
    expect(page.status).toBe(502);
    const html = await page.text();
    expect(html).toContain('IDP_UNAVAILABLE');
    expect(html).toContain(`href="${url.pathname}?choose=1"`);
    expect((await agent.fetch(new URL(`${url.pathname}?choose=1`, issuer))).status).toBe(200);
  });

  test('an IdP that never answers times out into an error page', async () => {
    const { agent, url } = await startSignIn();
    const started = Date.now();
    const page = await agent.fetch(new URL(`${url.pathname}/idp`, issuer), { form: { idp: 'hanging' } });
    expect(page.status).toBe(502);
    expect(await page.text()).toContain('IDP_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a disabled IdP, or one below the level, is refused even when posted directly', async () => {
    const { agent, url } = await startSignIn({ acr_values: 'eidas2' });
    const off = await agent.fetch(new URL(`${url.pathname}/idp`, issuer), { form: { idp: 'off' } });
    expect(off.status).toBe(403);
    expect(await off.text()).toContain('IDP_DISABLED');
    const weak = await agent.fetch(new URL(`${url.pathname}/idp`, issuer), { form: { idp: 'weak' } });
    expect(weak.status).toBe(403);
    expect(await weak.text()).toContain('IDP_LEVEL_TOO_LOW');
    const unknown = await agent.fetch(new URL(`${url.pathname}/idp`, issuer), { form: { idp: 'nowhere' } });
    expect(unknown.status).toBe(404);
  });

  test('idp_hint skips the chooser (here: to a disabled IdP, reported)', async () => {
    const { page } = await startSignIn({ idp_hint: 'off' });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('IDP_DISABLED');
  });

  test('cancelling returns access_denied to the SP with the code', async () => {
    const { agent, url } = await startSignIn();
    const { url: landed } = await agent.follow(new URL(`${url.pathname}/abort`, issuer), {
      init: { form: { reason: 'SIGN_IN_CANCELLED' } },
      stopAt: (u) => u.origin === 'http://localhost:3000',
    });
    expect(landed.origin + landed.pathname).toBe(REDIRECT);
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('error_description')).toMatch(/^SIGN_IN_CANCELLED: /);
    expect(landed.searchParams.get('state')).toBe('s'.repeat(32));
    expect(landed.searchParams.get('iss')).toBe(issuer);
  });

  test('an interaction page without its cookie is expired', async () => {
    const { url } = await startSignIn();
    const page = await new Agent().fetch(new URL(url.pathname, issuer));
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('INTERACTION_EXPIRED');
  });
});

describe('assets and unknown pages', () => {
  test('DSFR files are served from our origin', async () => {
    for (const [path, type] of [
      ['dsfr.min.css', 'text/css'],
      ['dsfr.module.min.js', 'text/javascript'],
      ['fonts/Marianne-Regular.woff2', 'font/woff2'],
      ['utility/icons/icons.min.css', 'text/css'],
    ]) {
      const response = await fetch(new URL(`/assets/dsfr/${path}`, issuer));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      await response.arrayBuffer();
    }
  });

  test.each([
    '/assets/dsfr/../package.json',
    '/assets/dsfr/%2e%2e/package.json',
    '/assets/dsfr/README.md',
    '/nothing-here',
  ])('%s is a 404 page', async (path) => {
    const response = await fetch(new URL(path, issuer));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('PAGE_NOT_FOUND');
  });
});
