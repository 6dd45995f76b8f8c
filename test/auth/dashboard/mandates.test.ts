import { appendEvents } from '../../../lib/audit/index.ts';
import { inTransaction } from '../../../lib/db/database.ts';
import { textOf } from '../../../harness/citizen.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { DashboardUser, historyRows } from './support/dashboard.ts';

/**
 * The "Mandats" section of /mon-compte through HTTP with a real broker (docs/mandates.md):
 * the sandbox's seeded mandates, creation → one-time code → acceptance by the right person
 * only, refusal, ending by either side, the eidas2 level and signing in again to reach it,
 * what the histories of both people say, the export — and what a representative cannot do.
 */
let platform: TestPlatform;
const YVONNE = { login: 'yvonne.martin', idp: 'ameli' };
const JEAN = { login: 'jean.martin', idp: 'impots' };
const MARIE = { login: 'marie.dupont', idp: 'laposte' };
const LUCAS = { login: 'lucas.bernard', idp: 'impots' };
const CAMILLE = { login: 'camille.petit', idp: 'ameli' };
const SEEDED = 'mdt_sandbox_yvonne_jean';
let yvonne: DashboardUser;
let jean: DashboardUser;
let marie: DashboardUser;
let lucas: DashboardUser;

beforeAll(async () => {
  platform = await startTestPlatform();
  yvonne = new DashboardUser(platform);
  jean = new DashboardUser(platform);
  marie = new DashboardUser(platform);
  lucas = new DashboardUser(platform);
  for (const [user, account] of [
    [yvonne, YVONNE],
    [jean, JEAN],
    [marie, MARIE],
    [lucas, LUCAS],
  ] as const)
    expect((await user.signIn(account)).url.pathname).toBe('/mon-compte');
}, 120000);
afterAll(async () => {
  await platform?.close();
});

/** The rows of a mandates table ("given" or "received") as text. */
function mandateRows(html: string, side: 'given' | 'received'): string[] {
  const table = new RegExp(`<table id="mandates-${side}-table">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr data-mandate="[^"]+">([\s\S]*?)<\/tr>/g)].map((m) =>
    textOf(m[1]!).replace(/\s+/g, ' ').trim(),
  );
}

/** Fills and posts the creation form; returns the page and, when created, the code and link. */
async function propose(user: DashboardUser, fields: Record<string, string>, domains: string[]) {
  const form = await user.get('/mon-compte/mandats/nouveau');
  const start = /id="debut" name="debut" type="date" required value="([^"]+)"/.exec(form.html)![1]!;
  const end = /id="fin" name="fin" type="date" required value="([^"]+)"/.exec(form.html)![1]!;
  const body = new URLSearchParams({ csrf: user.csrf, debut: start, fin: end, ...fields });
  for (const domain of domains) body.append('domaine', domain);
  const response = await user.citizen.agent.fetch(new URL('/mon-compte/mandats/nouveau', platform.issuer), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const html = await response.text();
  const code = /id="invitation-code" class="fr-h3">([A-Z0-9-]+)</.exec(html)?.[1];
  const link = /id="invitation-link" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  return { status: response.status, html, text: textOf(html), code, link, start, end };
}

const LUCAS_FIELDS = { family_name: 'Bernard', given_name: 'Lucas', birthdate: '2001-01-30' };
const JEAN_FIELDS = { family_name: 'MARTIN', given_name: 'jean', birthdate: '1972-11-03' };

async function stateOf(mandateId: string): Promise<string> {
  const { rows } = await platform.pool.query('SELECT state FROM auth.mandates WHERE id = $1', [mandateId]);
  return rows[0]?.state;
}

async function latestMandateOf(user: DashboardUser): Promise<string> {
  const page = await user.get('/mon-compte/mandats');
  return /<tr data-mandate="([^"]+)">/.exec(page.html)![1]!;
}

test('the seeded mandate: Yvonne sees it given to Jean, Jean sees it received, with labels, French dates and state', async () => {
  const page = await yvonne.get('/mon-compte/mandats');
  expect(page.status).toBe(200);
  expect(page.html).toContain('aria-current="page">Mes mandats</a>');
  const [given] = mandateRows(page.html, 'given');
  expect(given).toMatch(
    /^Jean Martin Transports et véhicules Logement et adresse du \d{1,2}(er)? \S+ \d{4} au .* Actif Mettre fin$/,
  );
  expect(mandateRows(page.html, 'received')).toEqual([]);
  expect(textOf(page.html)).toContain('Personne ne vous a donné de mandat.');
  expect(mandateRows((await jean.get('/mon-compte/mandats')).html, 'received')[0]).toMatch(/^Yvonne Martin Transports/);
  // Camille's proposal to Marie is not Marie's until she accepts it; Camille sees it waiting.
  expect(mandateRows((await marie.get('/mon-compte/mandats')).html, 'received')).toEqual([]);
  const camille = new DashboardUser(platform);
  await camille.signIn(CAMILLE);
  expect(mandateRows((await camille.get('/mon-compte/mandats')).html, 'given')).toEqual([
    expect.stringMatching(/^Marie Dupont Logement et adresse .* En attente de réponse Mettre fin$/),
  ]);
});

test('Marie creates a mandate for Lucas: a one-time code and link; Jean is refused, Marie herself too; Lucas accepts', async () => {
  const created = await propose(marie, { ...LUCAS_FIELDS, mandator: 'someone-else' }, ['transport', 'housing']);
  expect(created.status).toBe(200);
  expect(created.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  expect(created.link).toBe(
    `${platform.issuer}/mon-compte/mandats/invitation?code=${created.code!.replaceAll('-', '')}`,
  );
  expect(created.text).toContain('Lucas Bernard doit maintenant accepter le mandat');
  expect(created.text).toContain('pendant 7 jours');
  const mandateId = await latestMandateOf(marie);
  expect(await stateOf(mandateId)).toBe('proposed');

  // Jean has the link: not for him.
  const forJean = await jean.get(created.link!);
  expect(forJean.status).toBe(403);
  expect(textOf(forJean.html)).toContain('MANDATE_REPRESENTATIVE_MISMATCH');
  // Nothing of the mandate shows to someone it is not meant for.
  expect(textOf(forJean.html)).not.toContain('Marie Dupont');
  expect(textOf(forJean.html)).not.toContain('Transports et véhicules');
  const refused = await jean.post('/mon-compte/mandats/invitation', { code: created.code!, action: 'accepter' });
  expect(refused.status).toBe(403);
  expect(textOf(refused.html)).toContain('MANDATE_REPRESENTATIVE_MISMATCH');
  expect(textOf(refused.html)).not.toContain('Marie Dupont');
  expect((await jean.post('/mon-compte/mandats/invitation', { code: created.code!, action: 'refuser' })).status).toBe(
    403,
  );
  // Marie opening her own invitation.
  const own = await marie.get(created.link!);
  expect(own.status).toBe(400);
  expect(textOf(own.html)).toContain('MANDATE_TO_ONESELF');
  expect(await stateOf(mandateId)).toBe('proposed');

  // Lucas, with the code typed in lower case with spaces.
  const invitation = await lucas.get(
    `/mon-compte/mandats/invitation?code=${encodeURIComponent(created.code!.toLowerCase().replaceAll('-', ' '))}`,
  );
  const text = textOf(invitation.html);
  expect(text).toContain('Marie Dupont vous propose d’agir en son nom.');
  expect(text).toContain('Transports et véhicules');
  expect(text).toMatch(/Période : du .* au .* inclus/);
  const accepted = await lucas.post('/mon-compte/mandats/invitation', { code: created.code!, action: 'accepter' });
  expect(accepted.url.href).toBe(`${platform.issuer}/mon-compte/mandats?fait=accepted`);
  expect(textOf(accepted.html)).toContain('Vous avez accepté le mandat');
  expect(mandateRows(accepted.html, 'received')[0]).toMatch(/^Marie Dupont .* Actif Mettre fin$/);
  expect(await stateOf(mandateId)).toBe('active');

  // Used once.
  const again = await lucas.post('/mon-compte/mandats/invitation', { code: created.code!, action: 'accepter' });
  expect(again.status).toBe(400);
  expect(textOf(again.html)).toContain('MANDATE_INVITATION_INVALID');
  expect((await lucas.get(created.link!)).status).toBe(400);

  // The mandator is always the session's account, whatever the form says.
  const { rows } = await platform.pool.query(
    `SELECT mandator_account_id = (SELECT account_id FROM auth.dashboard_sessions s WHERE s.csrf_token = $2) AS mine
       FROM auth.mandates WHERE id = $1`,
    [mandateId, marie.csrf],
  );
  expect(rows[0].mine).toBe(true);
});

test('bad forms: no domain, unknown domain, past start, over 12 months, incomplete person, oneself, no CSRF — nothing stored', async () => {
  const { rows: before } = await platform.pool.query('SELECT count(*)::int AS n FROM auth.mandates');
  const cases: Array<[Record<string, string>, string[], string]> = [
    [LUCAS_FIELDS, [], 'MANDATE_DOMAINS_INVALID'],
    [LUCAS_FIELDS, ['health'], 'MANDATE_DOMAINS_INVALID'],
    [{ ...LUCAS_FIELDS, debut: '2020-01-01' }, ['transport'], 'MANDATE_DATES_INVALID'],
    [{ ...LUCAS_FIELDS, fin: '2099-01-01' }, ['transport'], 'MANDATE_DATES_INVALID'],
    [{ ...LUCAS_FIELDS, debut: '2026-02-30' }, ['transport'], 'MANDATE_DATES_INVALID'],
    [{ ...LUCAS_FIELDS, given_name: ' ' }, ['transport'], 'MANDATE_REPRESENTATIVE_INVALID'],
    [{ ...LUCAS_FIELDS, birthdate: '30/01/2001' }, ['transport'], 'MANDATE_REPRESENTATIVE_INVALID'],
    [{ family_name: 'Dupont', given_name: 'Marie', birthdate: '1985-04-12' }, ['transport'], 'MANDATE_TO_ONESELF'],
  ];
  for (const [fields, domains, code] of cases) {
    const page = await propose(marie, fields, domains);
    expect([page.status, page.text.includes(code)]).toEqual([400, true]);
    // The form comes back with what was typed.
    expect(page.html).toContain(`value="${fields.family_name}"`);
  }
  expect((await propose(marie, { ...LUCAS_FIELDS, csrf: 'forged' }, ['transport'])).status).toBe(403);
  const { rows: after } = await platform.pool.query('SELECT count(*)::int AS n FROM auth.mandates');
  expect(after[0].n).toBe(before[0].n);
});

test('social needs eidas2: refused at eidas1 with a link to sign in again, which comes back to the form; then the invited person too', async () => {
  const low = await propose(marie, LUCAS_FIELDS, ['social']);
  expect(low.status).toBe(403);
  expect(low.text).toContain('MANDATE_LEVEL_TOO_LOW');
  const again = /<a class="fr-link" href="([^"]+)">Me reconnecter avec un niveau de garantie substantiel/
    .exec(low.html)![1]!
    .replaceAll('&amp;', '&');
  expect(again).toBe('/mon-compte/connexion?niveau=eidas2&retour=%2Fmon-compte%2Fmandats%2Fnouveau');
  // The form says beforehand which domains need it (from the catalogs' minAcr).
  expect(textOf(low.html)).toContain('Un mandat couvrant Prestations sociales et famille demande d’être connecté');
  const back = await marie.signIn(MARIE, again);
  expect(back.url.pathname).toBe('/mon-compte/mandats/nouveau');
  expect(textOf(back.html)).not.toContain('Un mandat couvrant');
  const { rows } = await platform.pool.query('SELECT acr FROM auth.dashboard_sessions WHERE csrf_token = $1', [
    marie.csrf,
  ]);
  expect(rows[0].acr).toBe('eidas2');
  const created = await propose(marie, LUCAS_FIELDS, ['social']);
  expect(created.status).toBe(200);

  // Lucas, signed in through impots (eidas1): told before, refused if he tries, then at eidas2 through laposte.
  const page = await lucas.get(created.link!);
  expect(textOf(page.html)).toContain('pour l’accepter, connectez-vous avec un niveau de garantie substantiel');
  const refused = await lucas.post('/mon-compte/mandats/invitation', { code: created.code!, action: 'accepter' });
  expect(refused.status).toBe(403);
  expect(textOf(refused.html)).toContain('MANDATE_LEVEL_TOO_LOW');
  const link = /href="(\/mon-compte\/connexion\?niveau=eidas2[^"]+)"/.exec(refused.html)![1]!.replaceAll('&amp;', '&');
  const lucasHigh = new DashboardUser(platform);
  const landed = await lucasHigh.signIn({ login: 'lucas.bernard', idp: 'laposte' }, link);
  expect(landed.url.pathname).toBe('/mon-compte/mandats/invitation');
  expect(landed.url.searchParams.get('code')).toBe(created.code);
  expect(textOf(landed.html)).toContain('Marie Dupont vous propose d’agir en son nom.');
  const accepted = await lucasHigh.post('/mon-compte/mandats/invitation', { code: created.code!, action: 'accepter' });
  expect(accepted.url.searchParams.get('fait')).toBe('accepted');
});

test('a sign-in level that does not exist is refused; a return address outside /mon-compte is ignored', async () => {
  const user = new DashboardUser(platform);
  const bad = await user.get('/mon-compte/connexion?niveau=eidas9');
  expect(bad.status).toBe(400);
  expect(textOf(bad.html)).toContain('DASHBOARD_LEVEL_INVALID');
  for (const retour of [
    'https://evil.example/',
    '//evil.example/mon-compte',
    '/mon-compte/../logout',
    '/mon-compte%2f..%2flogout',
  ])
    expect((await user.signIn(LUCAS, `/mon-compte/connexion?${new URLSearchParams({ retour })}`)).url.href).toBe(
      `${platform.issuer}/mon-compte`,
    );
  // Without a session, the invitation link leads to the sign-in, which comes back to it.
  const stranger = new DashboardUser(platform);
  const welcome = await stranger.get('/mon-compte/mandats/invitation?code=ABCD-EFGH-JKLM');
  const signIn = /href="(\/mon-compte\/connexion\?retour=[^"]+)"/.exec(welcome.html)![1]!.replaceAll('&amp;', '&');
  const landed = await stranger.signIn(LUCAS, signIn);
  expect(`${landed.url.pathname}${landed.url.search}`).toBe('/mon-compte/mandats/invitation?code=ABCD-EFGH-JKLM');
  expect(textOf(landed.html)).toContain('MANDATE_INVITATION_INVALID');
});

test('Jean declines a mandate Marie offers him; both histories say so', async () => {
  const created = await propose(marie, JEAN_FIELDS, ['housing']);
  const declined = await jean.post('/mon-compte/mandats/invitation', { code: created.code!, action: 'refuser' });
  expect(declined.url.searchParams.get('fait')).toBe('declined');
  const mandateId = await latestMandateOf(marie);
  expect(await stateOf(mandateId)).toBe('declined');
  expect(mandateRows((await marie.get('/mon-compte/mandats')).html, 'given')[0]).toMatch(
    /^Jean Martin Logement et adresse .* Refusé$/,
  );
  expect(historyRows((await marie.get('/mon-compte')).html)[0]).toMatch(
    /^broker\.mandate_declined \| .*Jean Martin a refusé votre mandat Domaines : Logement et adresse Période : du /,
  );
  expect(historyRows((await jean.get('/mon-compte')).html)[0]).toMatch(
    /^broker\.mandate_declined \| .*Vous avez refusé le mandat de Marie Dupont/,
  );
});

test('a representative sees only their own history, never the mandator’s, and cannot filter on someone else’s mandate', async () => {
  const rows = historyRows((await jean.get(`/mon-compte?mandat=${SEEDED}`)).html);
  expect(rows).toEqual([
    expect.stringMatching(
      /^broker\.mandate_accepted \| .*Vous avez accepté le mandat de Yvonne Martin Actif Domaines : Transports et véhicules, Logement et adresse/,
    ),
  ]);
  const all = (await jean.get('/mon-compte')).html;
  expect(all).toContain('Agissant pour Yvonne Martin');
  expect(all).not.toContain('Connexion à Mon compte Passerelle Compte utilisé : ameli');
  const other = await jean.get('/mon-compte?mandat=mdt_sandbox_camille_marie');
  expect(other.status).toBe(400);
  expect(textOf(other.html)).toContain('DASHBOARD_FILTER_INVALID');
  // No page of the dashboard takes another account: the mandator's mandates are not Jean's to list as given.
  expect(mandateRows((await jean.get('/mon-compte/mandats')).html, 'given')).not.toContainEqual(
    expect.stringMatching(/^Jean Martin/),
  );
});

test('exchanges made under the mandate read in both histories with the names from the mandate', async () => {
  const { rows } = await platform.pool.query<{ mandator: string; representative: string }>(
    'SELECT mandator_account_id AS mandator, representative_account_id AS representative FROM auth.mandates WHERE id = $1',
    [SEEDED],
  );
  const data = {
    requestId: 'req-mandate-1',
    sub: null,
    grantId: 'grant-x',
    acr: 'eidas1',
    operationHash: null,
    operationName: 'Parking',
    providers: ['ants'],
    fields: ['Vehicle.critAir'],
    scopes: ['ants_critair'],
    outcome: 'success',
    httpStatus: 200,
    errorCodes: [],
    durationMs: 12,
    mandateId: SEEDED,
  };
  // What the gateway writes for a representative's exchange (lib/contracts/exchange-event.ts).
  await inTransaction(platform.pool, (client) =>
    appendEvents(client, [
      {
        kind: 'gateway.exchange',
        occurredAt: new Date(),
        citizenRef: rows[0]!.mandator,
        clientId: 'parking-nimes',
        data,
      },
      {
        kind: 'gateway.representative_exchange',
        occurredAt: new Date(),
        citizenRef: rows[0]!.representative,
        clientId: 'parking-nimes',
        data,
      },
    ]),
  );
  expect(historyRows((await yvonne.get('/mon-compte')).html)[0]).toMatch(
    /^gateway\.exchange \| .*Jean Martin, votre représentant, a permis à Stationnement résidentiel — Ville de Nîmes de lire vos données Transmises Administrations interrogées/,
  );
  const jeanRows = historyRows((await jean.get(`/mon-compte?mandat=${SEEDED}`)).html);
  expect(jeanRows[0]).toMatch(
    /^gateway\.representative_exchange \| .*Vous avez agi pour Yvonne Martin : Stationnement résidentiel — Ville de Nîmes a lu ses données/,
  );
  expect(jeanRows[0]).toContain('Classe Crit');
  expect(historyRows((await yvonne.get(`/mon-compte?mandat=${SEEDED}`)).html).map((r) => r.split(' | ')[0])).toEqual([
    'gateway.exchange',
    'broker.mandate_accepted',
    'broker.mandate_proposed',
  ]);
});

test('ending: Lucas cannot end Yvonne’s mandate; Yvonne confirms and ends it; ending twice is refused; both histories', async () => {
  expect((await lucas.get(`/mon-compte/mandats/${SEEDED}/fin`)).status).toBe(404);
  const notHis = await lucas.post(`/mon-compte/mandats/${SEEDED}/fin`);
  expect([notHis.status, textOf(notHis.html).includes('MANDATE_NOT_FOUND')]).toEqual([404, true]);
  expect(await stateOf(SEEDED)).toBe('active');

  const confirm = await yvonne.get(`/mon-compte/mandats/${SEEDED}/fin`);
  expect(textOf(confirm.html)).toContain('Vous allez mettre fin au mandat que vous avez donné à Jean Martin.');
  expect((await yvonne.post(`/mon-compte/mandats/${SEEDED}/fin`, { csrf: 'forged' })).status).toBe(403);
  const ended = await yvonne.post(`/mon-compte/mandats/${SEEDED}/fin`);
  expect(ended.url.searchParams.get('fait')).toBe('ended');
  expect(mandateRows(ended.html, 'given')[0]).toMatch(/^Jean Martin .* Terminé$/);
  expect(await stateOf(SEEDED)).toBe('revoked');
  const twice = await jean.post(`/mon-compte/mandats/${SEEDED}/fin`);
  expect([twice.status, textOf(twice.html).includes('MANDATE_STATE_INVALID')]).toEqual([409, true]);
  expect(historyRows((await yvonne.get('/mon-compte')).html)[0]).toMatch(
    /^broker\.mandate_ended \| .*Fin du mandat donné à Jean Martin .*Terminé par : vous/,
  );
  expect(historyRows((await jean.get('/mon-compte')).html)[0]).toMatch(
    /^broker\.mandate_ended \| .*Fin du mandat reçu de Yvonne Martin .*Terminé par : Yvonne Martin/,
  );

  // The representative's side: Lucas ends Marie's mandate to him.
  const lucasMandate = await latestMandateOf(lucas);
  expect((await lucas.post(`/mon-compte/mandats/${lucasMandate}/fin`)).url.searchParams.get('fait')).toBe('ended');
  expect(historyRows((await marie.get('/mon-compte')).html)[0]).toMatch(/Terminé par : Lucas Bernard/);
});

test('the export holds the mandates, given and received, with the other person’s name', async () => {
  const json = (await (await yvonne.fetch('/mon-compte/export.json')).json()) as {
    events: Array<{ kind: string; data: Record<string, unknown> }>;
    mandates: Array<Record<string, unknown>>;
  };
  expect(json.mandates).toEqual([
    expect.objectContaining({
      id: SEEDED,
      direction: 'given',
      person: 'Jean Martin',
      domains: ['transport', 'housing'],
      state: 'revoked',
      endedBy: 'mandator',
    }),
  ]);
  expect(json.events.map((e) => e.kind)).toContain('broker.mandate_ended');
  const csv = await (await jean.fetch('/mon-compte/export.csv')).text();
  const lines = csv.split('\r\n');
  expect(lines[0]).toMatch(
    /,mandate_id,mandate_person,mandate_domains,mandate_first_day,mandate_last_day,mandate_state$/,
  );
  expect(lines.find((l) => l.startsWith('') && l.includes(`mandate.received,`) && l.includes(SEEDED))).toMatch(
    /,Yvonne Martin,Transports et véhicules; Logement et adresse,\d{4}-\d\d-\d\d,\d{4}-\d\d-\d\d,revoked$/,
  );
  expect(lines.find((l) => l.includes('broker.mandate_ended'))).toContain(`${SEEDED},Yvonne Martin,`);
});
