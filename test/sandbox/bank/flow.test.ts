import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage, textOf, type Stop } from '../../../harness/citizen.ts';

/**
 * The sandbox bank over HTTP, beside its browser walk (browser.test.ts): what it asks the
 * broker for, the duration chosen, an applicant the DGFiP does not know (no estimate, never
 * an invented figure), a refused consent, a callback this browser did not start, the
 * parking service and the bank side by side on one host name — and no figure in any log.
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ bank: true, parking: true });
}, 90000);
afterAll(async () => {
  await platform?.close();
});

const bankUrl = (path: string) => new URL(path, platform.urls.bank!);

/** "Se connecter avec Passerelle" on the bank's home page, then the broker as `account`. */
async function applyAs(
  account: { login: string; idp: string },
  form: Record<string, string> = {},
): Promise<{ citizen: Citizen; start: URL; stop: Stop }> {
  const citizen = new Citizen(platform);
  const home = await citizen.agent.fetch(bankUrl('/'));
  expect(await home.text()).toContain('action="/login"');
  const login = await citizen.agent.fetch(bankUrl('/login'), { form });
  expect(login.status).toBe(303);
  const start = new URL(login.headers.get('location')!);
  return { citizen, start, stop: await citizen.signIn(start, account) };
}

/** From the bank's callback to the page it ends on. */
async function backAtTheBank(citizen: Citizen, callback: Stop): Promise<{ url: URL; status: number; html: string }> {
  expect(callback.url.origin).toBe(new URL(platform.urls.bank!).origin);
  const { response, url } = await citizen.agent.follow(callback.url);
  return { url, status: response.status, html: await response.text() };
}

test('the request is pushed, asks for eidas2 and the one registered operation; the chosen duration is used', async () => {
  const { citizen, start, stop } = await applyAs({ login: 'marie.dupont', idp: 'laposte' }, { duration: '15' });
  // Pushed (PAR): the browser carries a request_uri only, never the request itself.
  expect([...start.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  expect(start.searchParams.get('client_id')).toBe('banque-exemple');
  const page = consentPage(stop);
  expect(textOf(page.html)).toContain('Banque Exemple est une entreprise privée');
  const landed = await backAtTheBank(citizen, await citizen.decide(page, 'allow'));
  expect(landed.url.pathname).toBe('/application');
  // Marie: 16,200 € over 2 shares; 15 years.
  expect(landed.html).toContain('data-rfr="16200"');
  expect(landed.html).toContain('data-shares="2"');
  const text = textOf(landed.html).replace(/\s/g, ' ');
  expect(text).toContain('Sur 15 ans au taux de 3,5 %');
  expect(text).toContain('8 100 €'); // income per share
  const { rows } = await platform.pool.query(
    "SELECT data->>'acr' AS acr, data->'scopes' AS scopes FROM audit.events WHERE kind = 'broker.consent_given' AND data->>'operationName' = 'LoanApplication' ORDER BY seq DESC LIMIT 1",
  );
  expect(rows[0].acr).toBe('eidas2');
  expect([...rows[0].scopes].sort()).toEqual(['dgfip_nbpart', 'dgfip_rfr']);
}, 60000);

test('an applicant the DGFiP does not know gets no estimate, and is told why', async () => {
  const { citizen, stop } = await applyAs({ login: 'ines.peeters', idp: 'eidas' });
  const landed = await backAtTheBank(citizen, await citizen.decide(consentPage(stop), 'allow'));
  expect(landed.url.pathname).toBe('/application');
  expect(landed.html).toContain('id="no-estimate"');
  expect(landed.html).not.toContain('id="estimate"');
  expect(textOf(landed.html)).toContain('Les impôts ne connaissent pas de foyer fiscal à votre nom');
}, 60000);

test('a refused consent reads nothing and says so', async () => {
  const calls = platform.providers.dgfip!.graphqlCalls().length;
  const { citizen, stop } = await applyAs({ login: 'jean.martin', idp: 'laposte' });
  const landed = await backAtTheBank(citizen, await citizen.decide(consentPage(stop), 'refuse'));
  expect(landed.status).toBe(403);
  expect(landed.html).toContain('data-error-code="BANK_CONSENT_REFUSED"');
  expect(textOf(landed.html)).toContain('Aucune donnée n’a été lue.');
  expect(platform.providers.dgfip!.graphqlCalls().length).toBe(calls);
}, 60000);

test('a callback this browser did not start, an unknown page, the estimate without a session', async () => {
  const citizen = new Citizen(platform);
  const callback = await citizen.agent.fetch(bankUrl('/callback?code=x&state=y'));
  expect(callback.status).toBe(400);
  expect(await callback.text()).toContain('data-error-code="BANK_SIGN_IN_EXPIRED"');
  const missing = await citizen.agent.fetch(bankUrl('/nowhere?lang=en'));
  expect(missing.status).toBe(404);
  expect(textOf(await missing.text())).toContain('This page does not exist.');
  const estimate = await citizen.agent.fetch(bankUrl('/application'));
  expect([estimate.status, estimate.headers.get('location')]).toEqual([303, '/']);
});

test('the parking service and the bank on one host name keep their own sessions', async () => {
  const { citizen, stop } = await applyAs({ login: 'jean.martin', idp: 'laposte' });
  await backAtTheBank(citizen, await citizen.decide(consentPage(stop), 'allow'));
  const names = citizen.agent.cookieNames('localhost');
  expect(names).toContain('banque_session');
  expect(names.some((n) => n.startsWith('parking_'))).toBe(false);
  const parkingHome = await citizen.agent.fetch(new URL('/', platform.urls.parking!));
  expect(await parkingHome.text()).not.toContain('Vous êtes connecté(e).');
}, 60000);

test('no component logged a figure the bank read', () => {
  const logs = platform.logs.join('');
  expect(logs).toContain('loan estimated');
  // Jean's reference tax income and his estimates, as whole numbers (not inside a longer one: a timestamp).
  for (const figure of ['50410', '293692', '253516', '205668'])
    expect(logs).not.toMatch(new RegExp(`(?<![0-9])${figure}(?![0-9])`));
});
