import { Agent } from '../../../lib/http/agent.ts';
import { signOut, visitParking, type VisitOutcome } from '../../../sandbox/parking/visit.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';

/**
 * The parking service through the whole platform (subgraphs, sandbox IdPs,
 * broker, gateway, parking), over HTTP as a citizen's browser would go: every
 * sandbox identity's expected outcome (docs/parking.md "Expected outcomes"), and every way it can go wrong.
 */
let platform: TestPlatform;
let parkingUrl: string;

beforeAll(async () => {
  platform = await startTestPlatform({ parking: true });
  parkingUrl = platform.urls.parking!;
}, 60000);
afterAll(async () => {
  await platform?.close();
});

const visit = (login: string, idp: string, extra: Partial<Parameters<typeof visitParking>[0]> = {}) =>
  visitParking({ parkingUrl, login, idp, ...extra });
const prices = (outcome: VisitOutcome) =>
  outcome.kind === 'permit'
    ? outcome.vehicles
    : outcome.kind === 'ineligible'
      ? outcome.reason
      : `error ${outcome.code}`;

describe('every sandbox identity gets the outcome docs/parking.md gives', () => {
  test.each([
    ['marie.dupont', 'impots', [{ plate: 'GE-512-KL', monthlyCents: 500 }]],
    ['jean.martin', 'ameli', [{ plate: 'CH-318-XN', monthlyCents: 3500 }]],
    ['sofia.garcia', 'eidas', [{ plate: 'FK-287-BT', monthlyCents: 1750 }]],
    ['lucas.bernard', 'laposte', 'NOT_RESIDENT'],
    ['camille.petit', 'ameli', 'NO_VEHICLE'],
    [
      'anne-sophie.lefevre-roy',
      'laposte',
      [
        { plate: 'AG-731-TE', monthlyCents: 2000 },
        { plate: 'FV-926-HS', monthlyCents: 1000 },
      ],
    ],
  ])('%s (through %s)', async (login, idp, expected) => {
    expect(prices(await visit(login, idp))).toEqual(expected);
  });

  test('the permit page shows the reason and the data used', async () => {
    const marie = await visit('marie.dupont', 'laposte');
    expect(marie.html).toContain('Vous pouvez obtenir la vignette résident de Nîmes');
    expect(marie.html).toMatch(/quotient familial \(540 €\) ne dépasse pas 700 €/);
    expect(marie.html).toMatch(/5,00\s€\s\/\smois/);
    expect(marie.html).toContain('Au nom de Marie Dupont, identité vérifiée par Passerelle.');
    expect(marie.html).toMatch(/au lieu de 10,00\s€ : réduction Crit’Air\s0/);
    // The data used, as read: tax address (DGFiP), vehicle (ANTS), family quotient (CNAF).
    expect(marie.html).toContain('Code INSEE de la commune : 30189');
    expect(marie.html).toMatch(/GE-512-KL — Renault Zoé \(titulaire\), Crit’Air\s0/);
    expect(marie.html).toMatch(/540 € \(CAF, calculé pour \d{4}-\d{2}\)/);

    const lucas = await visit('lucas.bernard', 'impots');
    expect(lucas.kind === 'ineligible' && lucas.explanation).toBe(
      'Votre adresse fiscale est à Montpellier, pas à Nîmes : la vignette résident est réservée aux habitants de Nîmes.',
    );
    expect(lucas.html).toMatch(/EQ-644-RD — Peugeot 208 \(titulaire\), Crit’Air\s1/);

    const sofia = await visit('sofia.garcia', 'eidas');
    expect(sofia.html).toContain('car vous n’êtes allocataire ni de la CAF ni de la MSA');
    expect(sofia.html).toContain('Vous n’êtes allocataire ni de la CAF ni de la MSA.');

    const anneSophie = await visit('anne-sophie.lefevre-roy', 'laposte');
    expect(anneSophie.html).toMatch(/FV-926-HS — Toyota Yaris \(cotitulaire\), Crit’Air\s1/);
  });

  test('the pages are in English on request', async () => {
    const agent = new Agent();
    await (await agent.fetch(`${parkingUrl}/?lang=en`)).text();
    const outcome = await visit('jean.martin', 'impots', { agent });
    expect(outcome.html).toContain('Base price: €35.00 a month, as your family quotient (€1450) is above €1200.');
    expect(outcome.html).toContain('<html lang="en"');
  });
});

describe('a clear page when the citizen says no or something fails', () => {
  test('refused consent: no data read, a page that says so', async () => {
    const outcome = await visit('marie.dupont', 'impots', { consent: 'refuse' });
    expect(outcome.kind === 'error' && outcome.code).toBe('PARKING_CONSENT_REFUSED');
    expect(outcome.html).toContain('Vous avez refusé le partage de vos données');
    expect(outcome.html).not.toContain('GE-512-KL');
  });

  test('cancel at the identity provider: the IdP error, with the broker code', async () => {
    const outcome = await visit('marie.dupont', 'impots', { cancelAtIdp: true });
    expect(outcome.kind === 'error' && outcome.code).toBe('PARKING_IDENTITY_PROVIDER_FAILED');
    expect(outcome.html).toContain('Code de Passerelle : IDP_AUTHENTICATION_FAILED');
  });

  test('an invalid identity at the IdP: refused by the broker, explained by the service', async () => {
    const outcome = await visit('identite.invalide', 'impots');
    expect(outcome.kind === 'error' && outcome.code).toBe('PARKING_IDENTITY_PROVIDER_FAILED');
    expect(outcome.html).toContain('Code de Passerelle : PIVOT_IDENTITY_INVALID');
  });

  test('a callback this browser did not start is refused, nothing exchanged', async () => {
    const response = await fetch(`${parkingUrl}/callback?code=stolen&state=whatever`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('data-error-code="PARKING_SIGN_IN_EXPIRED"');
  });

  test('a callback with another state is refused, and spends the pending sign-in', async () => {
    const agent = new Agent();
    const login = await agent.fetch(`${parkingUrl}/login`, { method: 'POST', form: {} });
    expect(login.status).toBe(303);
    // Back at the callback with a state of someone else's: refused before any code exchange.
    const forged = await agent.fetch(`${parkingUrl}/callback?code=abc&state=not-the-one`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('PARKING_SIGN_IN_EXPIRED');
    // And the pending sign-in is gone: the real state no longer works either.
    const again = await agent.fetch(`${parkingUrl}/callback?code=abc&state=any`);
    expect(await again.text()).toContain('PARKING_SIGN_IN_EXPIRED');
  });

  test('unknown pages and methods get the service’s own pages', async () => {
    const missing = await fetch(`${parkingUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('PARKING_PAGE_NOT_FOUND');
    const permit = await fetch(`${parkingUrl}/permit`, { redirect: 'manual' });
    expect([permit.status, permit.headers.get('location')]).toEqual([303, '/']);
  });
});

describe('signing out', () => {
  test('logout needs the session’s token, then ends the broker session and comes back', async () => {
    const outcome = await visit('camille.petit', 'ameli');
    expect(outcome.kind).toBe('ineligible');
    // A forged logout (no token) is refused and the session stays.
    const forged = await outcome.agent.fetch(`${parkingUrl}/logout`, { method: 'POST', form: { csrf: 'guess' } });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('PARKING_FORM_INVALID');
    expect((await outcome.agent.fetch(`${parkingUrl}/permit`)).status).toBe(200);

    const back = await signOut(outcome, { parkingUrl });
    expect([back.url.pathname, back.status]).toEqual(['/logged-out', 200]);
    expect(back.html).toContain('Vous êtes déconnecté(e) du service et de Passerelle');
    // The service forgot the session: the permit page sends back home.
    const after = await outcome.agent.fetch(`${parkingUrl}/permit`);
    expect([after.status, after.headers.get('location')]).toEqual([303, '/']);
    // And the broker's session too: signing in again goes through the chooser and the IdP.
    const steps: string[] = [];
    await visitParking({
      parkingUrl,
      login: 'camille.petit',
      idp: 'ameli',
      agent: outcome.agent,
      onStep: (s) => steps.push(s.site),
    });
    expect(steps).toContain('idp ameli');
  });
});

describe('a logout at the broker', () => {
  test('ends the service’s session too (back-channel logout)', async () => {
    const outcome = await visit('camille.petit', 'ameli');
    expect((await outcome.agent.fetch(`${parkingUrl}/permit`)).status).toBe(200);
    // The citizen logs out at the broker directly (not through the service).
    const confirm = await outcome.agent.fetch(`${platform.urls.broker}/logout`);
    const html = await confirm.text();
    const action =
      /<form id="op.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"/.exec(
        html,
      );
    expect(action).not.toBeNull();
    const done = await outcome.agent.follow(new URL(action![1]!, platform.urls.broker), {
      init: { method: 'POST', form: { xsrf: action![2]!, logout: 'yes' } },
    });
    expect(done.response.status).toBe(200);
    // The broker told the service, which forgot the session.
    const after = await outcome.agent.fetch(`${parkingUrl}/permit`);
    expect([after.status, after.headers.get('location')]).toEqual([303, '/']);
  });

  test('a forged logout token is refused', async () => {
    const response = await fetch(`${parkingUrl}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'logout_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'invalid logout token' });
  });
});

describe('the platform failing, one part after the other', () => {
  test('a data provider down: no price computed from incomplete data', async () => {
    await platform.stop('cnaf');
    const outcome = await visit('marie.dupont', 'impots');
    expect(outcome.kind === 'error' && outcome.code).toBe('PARKING_DATA_INCOMPLETE');
    expect(outcome.html).toContain('le tarif n’est pas calculé sur des données incomplètes');
    expect(outcome.html).not.toMatch(/data-monthly-cents/);
  });

  test('the gateway down: a clear page, the citizen still signed in and able to sign out', async () => {
    await platform.stop('gateway');
    const outcome = await visit('marie.dupont', 'impots');
    expect(outcome.kind === 'error' && outcome.code).toBe('PARKING_GATEWAY_UNAVAILABLE');
    expect(outcome.html).toContain('Les administrations ne répondent pas');
    const back = await signOut(outcome, { parkingUrl });
    expect(back.url.pathname).toBe('/logged-out');
  });

  test('the broker down: the sign-in button leads to a clear page', async () => {
    await platform.stop('broker');
    const response = await fetch(`${parkingUrl}/login`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('data-error-code="PARKING_BROKER_UNAVAILABLE"');
  });
});
