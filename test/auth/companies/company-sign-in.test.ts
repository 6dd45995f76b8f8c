import * as oidc from 'openid-client';
import { loadPlatformConfig } from '../../../bin/config.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage, textOf, type Stop } from '../../../harness/citizen.ts';
import { pairwiseSubject } from '../../../auth/pairwise.ts';
import { companyAccountId } from '../../../auth/companies/company-grants.ts';
import { sirenOf, siretOf } from '../../../subgraphs/entreprises/seed.ts';
import {
  authorizationUrl,
  postGraphQL,
  redeemCode,
  registered,
  redirectError,
  serviceProvider,
  type ServiceProvider,
} from '../../helpers/service-provider.ts';
import { accountOf, errorCodeOf, subOf } from '../../helpers/representation.ts';

/**
 * Signing in for a company (docs/companies.md), at the broker: an SP asking for the
 * `company` scope gets "Pour quelle entreprise ?" after sign-in, listing what the company
 * register (read through the gateway with the broker's own token) says the person legally
 * represents; the answer is checked against what was offered; the tokens describe the
 * company as the subject, with the person as `act`.
 */
let platform: TestPlatform;
let marches: ServiceProvider;

const MARIE = { login: 'marie.dupont', idp: 'impots' };
const FOR_COMPANY = 'openid given_name family_name email company';
const BAKERY = sirenOf(90_000_001);

beforeAll(async () => {
  // marches-nimes entitled to `representation` too, to show the two scopes exclude each other.
  platform = await startTestPlatform({
    overrides: [
      [
        'serviceProviders.marches-nimes.scopes',
        [
          ...loadPlatformConfig({ env: {} }).serviceProviders.find((sp) => sp.clientId === 'marches-nimes')!.scopes,
          'representation',
        ],
      ],
    ],
  });
  marches = await serviceProvider(platform, 'marches-nimes');
}, 90000);
afterAll(async () => {
  await platform?.close();
});

interface CompanyPage extends Stop {
  uid: string;
  token: string;
  choices: string[];
}

function companyPage(stop: Stop): CompanyPage {
  const uid = /action="\/interaction\/([^/"]+)\/company"/.exec(stop.html)?.[1];
  const token = /name="token" value="([^"]+)"/.exec(stop.html)?.[1];
  if (!uid || !token) throw new Error(`not a company page (${stop.status}): ${textOf(stop.html).slice(0, 300)}`);
  const choices = [...stop.html.matchAll(/name="choice" value="([^"]+)"/g)].map(([, value]) => value!);
  return { ...stop, uid, token, choices };
}

async function signIn(who = MARIE, scope = FOR_COMPANY) {
  const { url, checks } = await authorizationUrl(marches, { scope });
  const citizen = new Citizen(platform);
  return { citizen, checks, stop: await citizen.signIn(url, who) };
}

const choose = (citizen: Citizen, page: CompanyPage, choice: string, token = page.token) =>
  citizen.go(new URL(`/interaction/${page.uid}/company`, platform.issuer), { token, choice });

test('Marie is asked for which company, and her tokens describe the bakery with her as the gérante acting', async () => {
  const { citizen, checks, stop } = await signIn();
  const page = companyPage(stop);
  const text = textOf(page.html);
  expect(text).toContain('Pour quelle entreprise faites-vous cette démarche ?');
  expect(text).toContain('BOULANGERIE DUPONT');
  expect(text).toContain(`SIREN ${BAKERY.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3')} — vous en êtes gérante`);
  expect(page.choices[0]).toBe(`${BAKERY}/${siretOf(BAKERY, 1)}`);
  expect(page.choices.every((c) => c.startsWith(`${BAKERY}/`))).toBe(true);
  // Accessible: one labelled radio group per company.
  expect(page.html).toMatch(/<fieldset class="fr-fieldset" aria-labelledby="company-legend-0" role="radiogroup">/);

  const back = await choose(citizen, page, page.choices[0]!);
  expect(back.url.origin).toBe(new URL(marches.redirectUri).origin);
  const tokens = await redeemCode(marches, back.url, checks, undefined, { dpop: false });
  const companySub = pairwiseSubject(
    companyAccountId(BAKERY),
    'urn:passerelle:sector:marches.nimes.fr',
    platform.config.secret(platform.config.broker.pairwiseSecret, 'broker.pairwiseSecret'),
  );
  // The ID token's subject is the company; its claims are at /userinfo (OIDC Core 5.4).
  expect(tokens.claims()!.sub).toBe(companySub);
  const userinfo = await oidc.fetchUserInfo(marches.client, tokens.access_token, companySub);
  expect(userinfo).toMatchObject({
    sub: companySub,
    siren: BAKERY,
    siret: siretOf(BAKERY, 1),
    company_name: 'BOULANGERIE DUPONT',
    act: {
      sub: subOf(platform, 'marie.dupont', 'marches-nimes'),
      given_name: expect.stringMatching(/^Marie/),
      family_name: 'Dupont',
      email: expect.stringContaining('@'),
      role: 'legal_representative',
      function: 'GERANT',
    },
  });
  // Her own identity is not the subject's: no top-level names.
  expect(userinfo.given_name).toBeUndefined();

  // The broker's read of the register is an exchange in Marie's history, by Passerelle itself.
  const { rows } = await platform.pool.query<{ client_id: string }>(
    `SELECT client_id FROM audit.events WHERE kind = 'gateway.exchange' AND citizen_ref = $1`,
    [accountOf(platform, 'marie.dupont')],
  );
  expect(rows).toContainEqual({ client_id: 'passerelle' });
});

test('a forged company, another company’s SIRET, a replayed form are refused, nothing chosen', async () => {
  const { citizen, stop } = await signIn();
  const page = companyPage(stop);
  const renovation = sirenOf(90_000_002);
  const forged = await choose(citizen, page, `${renovation}/${siretOf(renovation, 1)}`);
  expect(forged.status).toBe(400);
  expect(errorCodeOf(forged)).toBe('COMPANY_CHOICE_INVALID');
  const otherSiret = await choose(citizen, page, `${BAKERY}/${siretOf(renovation, 1)}`);
  expect(errorCodeOf(otherSiret)).toBe('COMPANY_CHOICE_INVALID');
  const malformed = await choose(citizen, page, `${BAKERY}`);
  expect(errorCodeOf(malformed)).toBe('COMPANY_CHOICE_INVALID');
  const badToken = await choose(citizen, page, page.choices[0]!, 'not-the-token');
  expect(errorCodeOf(badToken)).toBe('COMPANY_FORM_INVALID');
  // The real answer still works once, and only once.
  const ok = await choose(citizen, page, page.choices[0]!);
  expect(ok.url.origin).toBe(new URL(marches.redirectUri).origin);
  const again = await choose(citizen, page, page.choices[0]!);
  expect(again.status).toBeGreaterThanOrEqual(400);
});

test('Lucas represents no company: a clear page says so and offers to go back', async () => {
  const { stop } = await signIn({ login: 'lucas.bernard', idp: 'impots' });
  expect(stop.status).toBe(403);
  expect(errorCodeOf(stop)).toBe('COMPANY_NONE');
  const text = textOf(stop.html);
  expect(text).toContain('ne vous désigne comme représentant d’aucune entreprise en activité');
  expect(stop.html).toContain('name="reason" value="COMPANY_NONE"');
});

test('company and representation together are refused at the request', async () => {
  const { url } = await authorizationUrl(marches, { scope: `${FOR_COMPANY} representation` });
  const citizen = new Citizen(platform);
  const stop = await citizen.go(url);
  const error = redirectError(stop.url);
  expect(error?.error).toBe('invalid_request');
  expect(error?.description).toMatch(/^COMPANY_WITH_REPRESENTATION: /);
});

test('Jean reads his haulage company for a tender: consent says for whom, the gateway answers for that company only', async () => {
  const HAULAGE = sirenOf(90_000_002);
  const { url, checks } = await authorizationUrl(marches, {
    scope: 'openid given_name family_name company',
    details: [registered('Tender', 'Vérifier que votre entreprise peut répondre à un marché public')],
  });
  const citizen = new Citizen(platform);
  const stop = await citizen.signIn(url, { login: 'jean.martin', idp: 'impots' });
  const page = companyPage(stop);
  expect(textOf(page.html)).toContain('TRANSPORTS MARTIN');
  expect(textOf(page.html)).toContain('vous en êtes président');
  // Two establishments: the second one chosen.
  expect(page.choices).toEqual([`${HAULAGE}/${siretOf(HAULAGE, 1)}`, `${HAULAGE}/${siretOf(HAULAGE, 2)}`]);
  const shown = consentPage(await choose(citizen, page, page.choices[1]!));
  const text = textOf(shown.html);
  expect(text).toContain('Autorisez-vous la transmission des données de TRANSPORTS MARTIN ?');
  expect(text).toMatch(
    new RegExp(
      `Vous agissez pour TRANSPORTS MARTIN \\(SIREN ${HAULAGE.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3')}\\) en tant que président, pour l’établissement SIRET`,
    ),
  );
  const back = await citizen.go(new URL(`/interaction/${shown.uid}/consent`, platform.issuer), {
    token: shown.token,
    decision: 'allow',
  });
  const tokens = await redeemCode(marches, back.url, checks);
  const answer = await postGraphQL(platform, tokens.access_token, marches.operation('Tender'), 'Tender');
  expect(answer.status).toBe(200);
  const company = (answer.body as { data: { company: Record<string, unknown> } }).data.company;
  expect(company).toMatchObject({
    siren: HAULAGE,
    legalName: 'TRANSPORTS MARTIN',
    fiscalCompliance: { upToDate: true },
    socialCompliance: { upToDate: false, validUntil: null },
  });
  // The consent is filed under the company too.
  const { rows } = await platform.pool.query(
    `SELECT kind FROM audit.events WHERE data #>> '{company,siren}' = $1 ORDER BY seq`,
    [HAULAGE],
  );
  expect(rows.map((r) => r.kind)).toEqual(
    expect.arrayContaining(['broker.company_chosen', 'broker.consent_given', 'gateway.exchange']),
  );
});

test('the register down: the page says so (503), nothing is chosen', async () => {
  await platform.stop('entreprises');
  const { stop } = await signIn();
  expect(stop.status).toBe(503);
  expect(errorCodeOf(stop)).toBe('COMPANY_REGISTRY_UNAVAILABLE');
}, 30000);
