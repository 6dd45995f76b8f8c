import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { Agent } from '../../lib/http/agent.ts';
import { authorizationRequest } from '../auth/support/broker.ts';
import { DashboardUser } from '../auth/dashboard/support/dashboard.ts';
import { storedCount } from './support/oauth.ts';

/**
 * The broker's pages in a browser (RFC 9700 §4.16, OWASP): every form refuses a forged
 * post — the sign-in pages need this browser's interaction cookie and our own origin,
 * the dashboard its CSRF token, logout oidc-provider's xsrf (test/security/logout.test.ts),
 * consent its one-time token (test/auth/consent/consent-form.test.ts, and the dashboard's
 * withdrawal: test/auth/dashboard/actions.test.ts) —; no page may be framed or cached;
 * cookies are HttpOnly and SameSite (Secure is set by oidc-provider and the dashboard
 * when the request is https).
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ components: ['impots', 'broker'] });
}, 60000);
afterAll(() => platform?.close());

/** A browser with a live interaction: its uid, and the cookies it holds. */
async function interaction(): Promise<{ agent: Agent; uid: string; path: string }> {
  const agent = new Agent();
  const start = await authorizationRequest(platform.issuer, {});
  await start.arrayBuffer();
  const { response, url: landed } = await agent.follow(new URL(start.url));
  await response.arrayBuffer();
  expect(landed.pathname).toMatch(/^\/interaction\//);
  return { agent, uid: landed.pathname.split('/')[2]!, path: landed.pathname };
}

describe('every HTML page refuses framing and caching', () => {
  const pages = async (): Promise<Array<[string, Response]>> => {
    const { agent, path } = await interaction();
    const get = (p: string) =>
      agent.fetch(new URL(p, platform.issuer), { redirect: 'manual', headers: { accept: 'text/html' } });
    return [
      ['the IdP chooser', await get(path)],
      ['an expired interaction', await new Agent().fetch(new URL(path, platform.issuer))],
      [
        'an authorization error page',
        await authorizationRequest(platform.issuer, { redirect_uri: 'http://evil.example/' }),
      ],
      ['an unknown page', await get('/nowhere')],
      ['the dashboard welcome page', await get('/mon-compte')],
      ['the dashboard signed-out page', await get('/mon-compte/deconnecte')],
      ['the IdP logged-out page', await get('/idp/impots/logged-out')],
      ['the accessibility statement', await get('/accessibilite')],
      ['a logout error page', await get('/logout?id_token_hint=x&post_logout_redirect_uri=http://evil.example/')],
      ["oidc-provider's own auto-posted logout page", await get('/logout')],
    ];
  };

  test('CSP frame-ancestors none, X-Frame-Options DENY, no-store, nosniff', async () => {
    for (const [label, response] of await pages()) {
      await response.arrayBuffer();
      const headers = Object.fromEntries(response.headers.entries());
      expect({ label, type: headers['content-type'] }).toEqual({ label, type: expect.stringMatching(/^text\/html/) });
      expect({ label, csp: headers['content-security-policy'] }).toEqual({
        label,
        csp: expect.stringContaining("frame-ancestors 'none'"),
      });
      expect({ label, xfo: headers['x-frame-options'], cache: headers['cache-control'] }).toEqual({
        label,
        xfo: 'DENY',
        cache: 'no-store',
      });
      expect({ label, nosniff: headers['x-content-type-options'] }).toEqual({ label, nosniff: 'nosniff' });
    }
  });
});

describe('cookies', () => {
  test('the interaction cookies are HttpOnly and SameSite=Lax, scoped to the interaction', async () => {
    const response = await authorizationRequest(platform.issuer, {});
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/; httponly/i);
      expect(cookie).toMatch(/; samesite=lax/i);
    }
    expect(cookies.some((c) => /^passerelle_interaction=/.test(c) && /path=\/interaction\//.test(c))).toBe(true);
  });

  test('a plain-http request claiming https (X-Forwarded-Proto) gets no Secure cookie: no proxy header is trusted', async () => {
    // The broker does not trust proxy headers: a plain-http request stays plain whatever it claims.
    const url = new URL((await authorizationRequest(platform.issuer, {})).url);
    const response = await fetch(url, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    for (const cookie of response.headers.getSetCookie()) expect(cookie).not.toMatch(/; secure/i);
  });
});

describe('forged posts of the sign-in pages', () => {
  test.each(['idp', 'abort'])('POST /interaction/:uid/%s without the interaction cookie is refused', async (form) => {
    const { uid } = await interaction();
    const before = await storedCount(platform.pool, ['Interaction', 'AuthorizationCode']);
    const response = await new Agent().fetch(new URL(`/interaction/${uid}/${form}`, platform.issuer), {
      form: { idp: 'impots' },
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('INTERACTION_EXPIRED');
    expect(await storedCount(platform.pool, ['Interaction', 'AuthorizationCode'])).toBe(before);
  });

  test.each(['idp', 'abort'])(
    'POST /interaction/:uid/%s from another origin is refused (INTERACTION_FORM_FORGED)',
    async (form) => {
      const { agent, uid } = await interaction();
      const response = await agent.fetch(new URL(`/interaction/${uid}/${form}`, platform.issuer), {
        form: { idp: 'impots' },
        headers: { origin: 'http://localhost:3000' },
        redirect: 'manual',
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('INTERACTION_FORM_FORGED');
      // The interaction is still the citizen's: from our own page, the same form works.
      const genuine = await agent.fetch(new URL(`/interaction/${uid}/${form}`, platform.issuer), {
        form: { idp: 'impots' },
        headers: { origin: 'null' },
        redirect: 'manual',
      });
      expect(genuine.status).toBe(303);
      const location = genuine.headers.get('location')!;
      expect(location.startsWith(form === 'idp' ? platform.urls.impots! : platform.issuer)).toBe(true);
    },
  );
});

describe('forged posts of the dashboard', () => {
  let user: DashboardUser;
  beforeAll(async () => {
    user = new DashboardUser(platform);
    await user.signIn({ login: 'marie.dupont', idp: 'impots' });
    expect(user.csrf).not.toBe('');
  });

  test.each([
    ['/mon-compte/fournisseurs-identite', { idp: 'impots', action: 'block' }],
    ['/mon-compte/deconnexion', {}],
  ])('POST %s without, or with a wrong, CSRF token is refused (DASHBOARD_CSRF_INVALID)', async (path, fields) => {
    for (const csrf of ['', `${user.csrf}x`]) {
      const refused = await user.post(path, { ...fields, csrf });
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('DASHBOARD_CSRF_INVALID');
    }
    const crossSite = await user.citizen.agent.fetch(new URL(path, platform.issuer), {
      form: { ...fields, csrf: user.csrf },
      headers: { origin: 'http://evil.example' },
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    // Still signed in: the refused sign-out ended nothing.
    expect((await user.get('/mon-compte')).html).toContain(user.csrf);
  });

  test.each(['/mon-compte/fournisseurs-identite', '/mon-compte/deconnexion'])(
    'POST %s without a session is refused (DASHBOARD_SESSION_EXPIRED)',
    async (path) => {
      const response = await new Agent().fetch(new URL(path, platform.issuer), {
        form: { csrf: user.csrf },
        redirect: 'manual',
      });
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('DASHBOARD_SESSION_EXPIRED');
    },
  );
});
