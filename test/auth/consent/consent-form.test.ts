import { Agent } from '../../../lib/http/agent.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage, textOf, type ConsentPage } from '../../../harness/citizen.ts';
import {
  authorizationUrl,
  redeemCode,
  registered,
  serviceProvider,
  type Checks,
  type ServiceProvider,
} from '../../helpers/service-provider.ts';

/**
 * The consent form is CSRF-safe: only the citizen's own browser, with the page's
 * one-time token, can decide, and only once. Every refused post grants nothing.
 */
let platform: TestPlatform;
let parking: ServiceProvider;

beforeAll(async () => {
  platform = await startTestPlatform();
  parking = await serviceProvider(platform, 'parking-nimes');
}, 90000);
afterAll(async () => {
  await platform?.close();
});

async function atConsent(): Promise<{ citizen: Citizen; page: ConsentPage; checks: Checks }> {
  const { url, checks } = await authorizationUrl(parking, { details: [registered('Parking')] });
  const citizen = new Citizen(platform);
  return { citizen, page: consentPage(await citizen.signIn(url, { login: 'marie.dupont', idp: 'laposte' })), checks };
}

const consentPost = (platform: TestPlatform, page: ConsentPage) =>
  new URL(`/interaction/${page.uid}/consent`, platform.issuer);

async function consentsGiven(): Promise<number> {
  const { rows } = await platform.pool.query(
    "SELECT count(*)::int AS n FROM audit.events WHERE kind = 'broker.consent_given'",
  );
  return rows[0].n;
}

test('forged posts are refused with a clear page and grant nothing; the citizen can still decide', async () => {
  const { citizen, page, checks } = await atConsent();
  const given = await consentsGiven();
  const post = (form: Record<string, string>, headers: Record<string, string> = {}, agent = citizen.agent) =>
    agent.fetch(consentPost(platform, page), { form, headers });

  const attempts = [
    { what: 'no token', response: await post({ decision: 'allow' }), status: 403, code: 'CONSENT_FORM_INVALID' },
    {
      what: 'a wrong token',
      response: await post({ decision: 'allow', token: page.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
      status: 403,
      code: 'CONSENT_FORM_INVALID',
    },
    {
      what: 'another origin',
      response: await post({ decision: 'allow', token: page.token }, { origin: 'https://evil.example' }),
      status: 403,
      code: 'CONSENT_FORM_INVALID',
    },
    // A cross-site form post carries no SameSite=Lax cookie: the broker does not know the interaction.
    {
      what: 'no interaction cookie',
      response: await post({ decision: 'allow', token: page.token }, {}, new Agent()),
      status: 400,
      code: 'INTERACTION_EXPIRED',
    },
    {
      what: 'an unknown decision',
      response: await post({ decision: 'maybe', token: page.token }),
      status: 400,
      code: 'FORM_INVALID',
    },
  ];
  for (const attempt of attempts) {
    const html = await attempt.response.text();
    expect({
      what: attempt.what,
      status: attempt.response.status,
      location: attempt.response.headers.get('location'),
    }).toEqual({ what: attempt.what, status: attempt.status, location: null });
    expect(textOf(html)).toContain(attempt.code);
  }
  expect(await consentsGiven()).toBe(given);

  const back = await citizen.decide(page, 'allow');
  const tokens = await redeemCode(parking, back.url, checks);
  expect(tokens.authorization_details).toHaveLength(1);
  expect(await consentsGiven()).toBe(given + 1);
});

test('a replayed post is refused: the first decision stands, one code is issued', async () => {
  const { citizen, page, checks } = await atConsent();
  const form = { decision: 'allow', token: page.token };
  const first = await citizen.agent.fetch(consentPost(platform, page), { form });
  expect(first.status).toBe(303);

  // Replayed (or double-clicked) before the browser moved on.
  const replay = await citizen.agent.fetch(consentPost(platform, page), { form: { ...form, decision: 'refuse' } });
  expect(replay.status).toBe(409);
  expect(textOf(await replay.text())).toContain('CONSENT_ALREADY_DECIDED');
  // Reloading the page does not offer a new form either.
  const reload = await citizen.go(new URL(`/interaction/${page.uid}`, platform.issuer));
  expect(reload.status).toBe(409);
  expect(reload.html).not.toContain('name="token"');

  const back = await citizen.go(new URL(first.headers.get('location')!, platform.issuer));
  const tokens = await redeemCode(parking, back.url, checks);
  expect(tokens.authorization_details).toHaveLength(1);

  // Once the sign-in is over, the interaction is gone.
  const late = await citizen.agent.fetch(consentPost(platform, page), { form });
  expect(late.status).toBe(400);
  expect(textOf(await late.text())).toContain('INTERACTION_EXPIRED');
});

test('the page is served with a strict CSP whose forms lead only to the broker and the SP', async () => {
  const { citizen, page } = await atConsent();
  const response = await citizen.agent.fetch(new URL(`/interaction/${page.uid}`, platform.issuer));
  const csp = response.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/form-action 'self' http:\/\/localhost:3000(;|$)/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  // A reload gives a new token; the old one no longer decides.
  const reloaded = consentPage({ url: page.url, status: response.status, html: await response.text() });
  expect(reloaded.token).not.toBe(page.token);
  const stale = await citizen.decide(page, 'allow');
  expect(stale.status).toBe(403);
});
