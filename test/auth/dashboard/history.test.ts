import { textOf } from '../../../harness/citizen.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { consentJourney, DashboardUser, historyRows, runAtGateway } from './support/dashboard.ts';

/**
 * What /mon-compte shows: Marie used two SPs through two IdPs (parking-nimes through
 * impots, simulateur-caf through laposte, and refused simulateur-caf once through
 * impots); Lucas used parking-nimes. Each sees exactly their own events — tied by the
 * pivot identity (the broker's account id), whatever the SP or the IdP — with the
 * catalogs' labels, filtered, paginated, exported.
 */
let platform: TestPlatform;
const MARIE_IMPOTS = { login: 'marie.dupont', idp: 'impots' };
const MARIE_LAPOSTE = { login: 'marie.dupont', idp: 'laposte' };
const LUCAS = { login: 'lucas.bernard', idp: 'laposte' };
const FORMULA_PURPOSE = '=HYPERLINK("http://example.org","Voir")';
let marie: DashboardUser;
let lucas: DashboardUser;
let marieAccount: string;

beforeAll(async () => {
  platform = await startTestPlatform({ overrides: [['broker.dashboard.pageSize', 5]] });
  const parking = await consentJourney(platform, 'parking-nimes', 'Parking', MARIE_IMPOTS, {
    purpose: 'Calculer le tarif de votre vignette',
  });
  expect((await runAtGateway(platform, parking!)).status).toBe(200);
  const caf = await consentJourney(platform, 'simulateur-caf', 'FamilyQuotient', MARIE_LAPOSTE, {
    purpose: 'Estimer vos aides au logement',
  });
  expect((await runAtGateway(platform, caf!)).status).toBe(200);
  await consentJourney(platform, 'simulateur-caf', 'FamilyQuotient', MARIE_IMPOTS, {
    decision: 'refuse',
    purpose: FORMULA_PURPOSE,
  });
  await consentJourney(platform, 'parking-nimes', 'Parking', LUCAS, { purpose: 'Tarif de Lucas' });

  marie = new DashboardUser(platform);
  expect((await marie.signIn(MARIE_LAPOSTE)).url.pathname).toBe('/mon-compte');
  const { rows } = await platform.pool.query<{ account_id: string }>('SELECT account_id FROM auth.dashboard_sessions');
  marieAccount = rows[0]!.account_id;
  lucas = new DashboardUser(platform);
  await lucas.signIn(LUCAS);
}, 120000);
afterAll(async () => {
  await platform?.close();
});

/** Every row of the history (following "older events"), from `path`. */
async function allRows(user: DashboardUser, path: string): Promise<{ rows: string[]; pages: number }> {
  const rows: string[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const page = await user.get(next);
    expect(page.status).toBe(200);
    rows.push(...historyRows(page.html));
    pages += 1;
    next = /<a [^>]*href="([^"]+)" id="next-page"/.exec(page.html)?.[1]?.replaceAll('&amp;', '&');
  }
  return { rows, pages };
}

async function storedKinds(accountId: string): Promise<string[]> {
  const { rows } = await platform.pool.query<{ kind: string }>(
    'SELECT kind FROM audit.events WHERE citizen_ref = $1 ORDER BY occurred_at DESC, seq DESC',
    [accountId],
  );
  return rows.map((r) => r.kind);
}

test('Marie sees her sign-ins, consents and refusal across two SPs and two IdPs, newest first, with labels', async () => {
  const { rows, pages } = await allRows(marie, '/mon-compte');
  // Exactly her events, in the stored order: nothing of Lucas's, nothing missing.
  expect(rows.map((r) => r.split(' | ')[0])).toEqual(await storedKinds(marieAccount));
  expect(pages).toBe(Math.ceil(rows.length / 5));
  const text = rows.join('\n');
  expect(text).not.toContain('Tarif de Lucas');

  const signIns = rows.filter((r) => r.startsWith('broker.sign_in |'));
  expect(signIns.map((r) => r.replace(/^.*?(Connexion à)/, '$1'))).toEqual([
    "Connexion à Mon compte Passerelle Compte utilisé : L'Identité Numérique La Poste Niveau de garantie : faible (eidas1)",
    'Connexion à Simulateur d’aides au logement (CAF) Compte utilisé : impots.gouv.fr (DGFiP) Niveau de garantie : faible (eidas1)',
    "Connexion à Simulateur d’aides au logement (CAF) Compte utilisé : L'Identité Numérique La Poste Niveau de garantie : faible (eidas1)",
    'Connexion à Stationnement résidentiel — Ville de Nîmes Compte utilisé : impots.gouv.fr (DGFiP) Niveau de garantie : faible (eidas1)',
  ]);
  const parking = rows.find((r) => r.includes('Consentement donné à Stationnement'))!;
  for (const label of [
    'Accordé',
    'Finalité : Calculer le tarif de votre vignette',
    'Direction générale des Finances publiques (DGFiP)',
    'Adresse fiscale',
    'Agence nationale des titres sécurisés (ANTS)',
    "Classe Crit'Air de vos véhicules",
    'Caisse nationale des allocations familiales (CNAF) et MSA',
    'Quotient familial',
  ]) {
    expect(parking).toContain(label);
  }
  const caf = rows.find((r) => r.includes('Consentement donné à Simulateur'))!;
  expect(caf).toContain('Finalité : Estimer vos aides au logement');
  expect(caf).toContain('Quotient familial');
  expect(caf).not.toContain('Adresse fiscale');
  // The data exchanges: SP, providers queried, data read (labels), outcome.
  const exchanges = rows.filter((r) => r.startsWith('gateway.exchange |'));
  expect(exchanges).toHaveLength(2);
  expect(exchanges[1]).toContain('Données transmises à Stationnement résidentiel — Ville de Nîmes Transmises');
  expect(exchanges[1]).toMatch(
    /Administrations interrogées : [^|]*Direction générale des Finances publiques \(DGFiP\)/,
  );
  for (const label of [
    'Adresse fiscale',
    "Classe Crit'Air de vos véhicules",
    'Liste de vos véhicules',
    'Quotient familial',
  ])
    expect(exchanges[1]).toContain(label);
  expect(exchanges[0]).toContain('Données transmises à Simulateur d’aides au logement (CAF) Transmises');
  expect(exchanges[0]).toContain('Quotient familial');
  expect(exchanges[0]).not.toContain('Adresse fiscale');
  const refused = rows.find((r) => r.startsWith('broker.consent_refused'))!;
  expect(refused).toContain('Consentement refusé à Simulateur d’aides au logement (CAF) Refusé');
  // Labels for citizens, never scope names or field paths.
  expect(text).not.toMatch(/dgfip_|ants_|cnaf_|taxAddress|familyQuotient/);
});

test('in English, the same history uses the English labels', async () => {
  const page = await marie.get('/mon-compte?lang=en');
  expect(page.html).toContain('<html lang="en"');
  const text = historyRows(page.html).join('\n');
  expect(text).toContain('Signed in to My Passerelle account');
  expect(text).toContain('Level of assurance');
  await marie.get('/mon-compte?lang=fr');
});

test('Lucas sees only his own events, and not Marie’s services', async () => {
  const { rows } = await allRows(lucas, '/mon-compte');
  expect(rows.map((r) => r.split(' | ')[0])).toEqual(['broker.sign_in', 'broker.consent_given', 'broker.sign_in']);
  expect(rows.join('\n')).toContain('Tarif de Lucas');
  expect(rows.join('\n')).not.toContain('Données transmises');
  expect(rows.join('\n')).not.toMatch(/Simulateur|vignette|impots/);
  const page = await lucas.get('/mon-compte');
  expect(page.html).not.toContain('value="simulateur-caf"');
});

test('filters: by service and by data provider', async () => {
  const caf = (await allRows(marie, '/mon-compte?service=simulateur-caf')).rows;
  expect(caf.map((r) => r.split(' | ')[0])).toEqual([
    'broker.consent_refused',
    'broker.sign_in',
    'gateway.exchange',
    'broker.consent_given',
    'broker.sign_in',
  ]);
  expect(caf.every((r) => r.includes('Simulateur'))).toBe(true);

  // DGFiP: only the parking consent and exchange read its data (the CAF operation does not).
  const dgfip = (await allRows(marie, '/mon-compte?provider=dgfip')).rows;
  expect(dgfip.map((r) => r.split(' | ')[0])).toEqual(['gateway.exchange', 'broker.consent_given']);
  expect(dgfip.every((r) => r.includes('Stationnement'))).toBe(true);
  // CNAF: both consents, both exchanges and the refusal concern the family quotient.
  const cnaf = (await allRows(marie, '/mon-compte?provider=cnaf')).rows;
  expect(cnaf.map((r) => r.split(' | ')[0])).toEqual([
    'broker.consent_refused',
    'gateway.exchange',
    'broker.consent_given',
    'gateway.exchange',
    'broker.consent_given',
  ]);
  // Both filters at once.
  const both = (await allRows(marie, '/mon-compte?provider=cnaf&service=parking-nimes')).rows;
  expect(both.map((r) => r.split(' | ')[0])).toEqual(['gateway.exchange', 'broker.consent_given']);
  // Another citizen's service filter shows nothing of theirs.
  expect(historyRows((await lucas.get('/mon-compte?service=simulateur-caf')).html)).toEqual([]);
});

test('bad filters and cursors are refused with a clear page', async () => {
  for (const path of [
    '/mon-compte?provider=inconnu',
    '/mon-compte?page=bm90LWEtY3Vyc29y',
    '/mon-compte?page=%27%3B--',
    '/mon-compte/export.xml',
  ]) {
    const page = await marie.get(path);
    expect(page.status).toBe(400);
    expect(textOf(page.html)).toContain('DASHBOARD_FILTER_INVALID');
  }
});

test('pages: keyset cursors walk the whole history once, and an old cursor still works after new events', async () => {
  const first = await marie.get('/mon-compte');
  const next = /<a [^>]*href="([^"]+)" id="next-page"/.exec(first.html)![1]!.replaceAll('&amp;', '&');
  const secondBefore = historyRows((await marie.get(next)).html);
  // A new event (a sign-in elsewhere) does not shift the older page.
  await consentJourney(platform, 'parking-nimes', 'Parking', MARIE_LAPOSTE, { decision: 'refuse' });
  expect(historyRows((await marie.get(next)).html)).toEqual(secondBefore);
  const { rows } = await allRows(marie, '/mon-compte');
  expect(new Set(rows).size).toBe(rows.length);
  expect(rows.map((r) => r.split(' | ')[0])).toEqual(await storedKinds(marieAccount));
});

test('export JSON: every event of hers, none of anyone else, as an attachment', async () => {
  const response = await marie.fetch('/mon-compte/export.json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('content-disposition')).toMatch(
    /^attachment; filename="franceconnect-historique-\d{4}-\d\d-\d\d\.json"$/,
  );
  const exported = (await response.json()) as {
    events: Array<{
      occurredAt: string;
      kind: string;
      serviceId: string | null;
      service: string | null;
      data: Record<string, unknown>;
    }>;
    mandates: unknown[];
  };
  const events = exported.events;
  // Marie gave one, her bakery's to Anne-Sophie (docs/sandbox.md), and received none (Camille's
  // invitation to her is not hers until she accepts it).
  expect(exported.mandates).toEqual([
    expect.objectContaining({ id: 'mdt_sandbox_boulangerie_anne_sophie', direction: 'given' }),
  ]);
  const { rows } = await platform.pool.query<{ kind: string; occurred_at: Date; data: Record<string, unknown> }>(
    'SELECT kind, occurred_at, data FROM audit.events WHERE citizen_ref = $1 ORDER BY occurred_at DESC, seq DESC',
    [marieAccount],
  );
  expect(events.map((e) => [e.kind, e.occurredAt, e.data])).toEqual(
    rows.map((r) => [r.kind, r.occurred_at.toISOString(), r.data]),
  );
  expect(events.find((e) => e.kind === 'broker.consent_given' && e.serviceId === 'parking-nimes')).toMatchObject({
    service: 'Stationnement résidentiel — Ville de Nîmes',
    data: { purpose: 'Calculer le tarif de votre vignette', scopes: expect.arrayContaining(['dgfip_adresse_fiscale']) },
  });
  expect(JSON.stringify(events)).not.toContain('Tarif de Lucas');
});

test('export CSV: fixed columns, RFC 4180 quoting, formulas neutralized', async () => {
  const response = await marie.fetch('/mon-compte/export.csv');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=".*\.csv"$/);
  const csv = await response.text();
  const lines = csv.split('\r\n');
  expect(lines.at(-1)).toBe('');
  expect(lines[0]).toBe(
    'occurred_at,event,service_id,service,identity_provider,level,purpose,data_providers,data,outcome,grant_id,reason,mandate_id,mandate_person,mandate_domains,mandate_first_day,mandate_last_day,mandate_state',
  );
  // Every event, and one line for the mandate she gave (her bakery's).
  expect(lines.length - 2).toBe((await storedKinds(marieAccount)).length + 1);
  const refused = lines.find((l) => l.includes('broker.consent_refused') && l.includes('HYPERLINK'))!;
  // The SP-written purpose starts with "=": quoted, doubled quotes, and an apostrophe first.
  expect(refused).toContain(`"'=HYPERLINK(""http://example.org"",""Voir"")"`);
  const parking = lines.find((l) => l.includes('broker.consent_given,parking-nimes'))!;
  expect(parking).toContain(
    '"Caractéristiques de vos véhicules; Classe Crit\'Air de vos véhicules; Liste de vos véhicules (immatriculation, titulaire ou cotitulaire); Quotient familial; Adresse fiscale"',
  );
  expect(csv).not.toContain('Tarif de Lucas');
});

test('without a session: the welcome page, and no export', async () => {
  const stranger = new DashboardUser(platform);
  const page = await stranger.get('/mon-compte');
  expect(page.status).toBe(200);
  expect(textOf(page.html)).toContain('Me connecter à mon compte');
  expect(historyRows(page.html)).toEqual([]);
  const exported = await stranger.fetch('/mon-compte/export.json');
  expect(exported.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await exported.text()).not.toContain('broker.sign_in');
});
