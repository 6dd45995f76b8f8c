import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage, textOf, type Stop } from '../../../harness/citizen.ts';
import { createMandateStore, type Mandate } from '../../../auth/mandates/store.ts';
import {
  authorizationUrl,
  redeemCode,
  redirectError,
  registered,
  serviceProvider,
  type ServiceProvider,
} from '../../helpers/service-provider.ts';
import {
  YVONNE_MANDATE,
  accountOf,
  choose,
  errorCodeOf,
  forWhomPage,
  giveMandate,
  subOf,
} from '../../helpers/representation.ts';

/**
 * Acting for someone at a service provider, at the broker (docs/mandates.md "For service
 * providers"): the "for whom" page only for an SP asking for `representation`, its
 * choices (oneself, each mandator whose mandate covers the operation's domains, the others
 * listed with what they lack), forged answers refused, and the tokens under a mandate:
 * the mandator as `sub` with her identity claims, the representative as `act`.
 */
let platform: TestPlatform;
let parking: ServiceProvider;
/** Camille → Jean, housing only: covers neither operation of the parking service. */
let camille: Mandate;

const JEAN = { login: 'jean.martin', idp: 'ameli' };
const FOR_SOMEONE = 'openid given_name family_name representation';

beforeAll(async () => {
  platform = await startTestPlatform();
  parking = await serviceProvider(platform, 'parking-nimes');
  camille = await giveMandate(platform, 'camille.petit', 'jean.martin', ['housing']);
}, 90000);
afterAll(async () => {
  await platform?.close();
});

async function signIn(request: { operation?: string; scope?: string }, who = JEAN) {
  const { url, checks } = await authorizationUrl(parking, {
    ...(request.operation ? { details: [registered(request.operation)] } : {}),
    scope: request.scope ?? FOR_SOMEONE,
  });
  const citizen = new Citizen(platform);
  return { citizen, checks, stop: await citizen.signIn(url, who) };
}

test('the page offers oneself and each mandator whose mandate covers the operation, and says why the others do not', async () => {
  const { stop } = await signIn({ operation: 'ParkingForSomeone' });
  const page = forWhomPage(stop);
  const text = textOf(page.html);
  expect(text).toContain('Pour qui faites-vous cette démarche ?');
  expect(text).toContain('Stationnement résidentiel — Ville de Nîmes vous permet de faire cette démarche');
  expect(page.choices.map((c) => c.value)).toEqual(['self', YVONNE_MANDATE]);
  expect(page.choices.map((c) => c.label)).toEqual(['Pour moi-même', 'Pour Yvonne Martin']);
  expect(text).toMatch(
    /Mandat pour Transports et véhicules et Logement et adresse, valable jusqu’au \d+ \p{L}+ \d{4}/u,
  );
  expect(text).toContain('Mandats qui ne couvrent pas cette démarche');
  expect(text).toContain(
    'Camille Petit : son mandat (pour Logement et adresse) ne couvre pas Transports et véhicules, dont cette démarche a besoin.',
  );
  // Accessible: a labelled radio group, each radio with its label.
  expect(page.html).toMatch(/<fieldset class="fr-fieldset" aria-labelledby="representation-legend" role="radiogroup">/);
  expect(page.html).toContain('<label class="fr-label" for="choice-self">');

  // The full operation reads the family quotient (social): Yvonne's mandate does not cover it.
  const full = forWhomPage((await signIn({ operation: 'Parking' })).stop);
  expect(full.choices.map((c) => c.value)).toEqual(['self']);
  expect(textOf(full.html)).toContain(
    'Yvonne Martin : son mandat (pour Transports et véhicules et Logement et adresse) ne couvre pas Prestations sociales et famille',
  );
});

test('the page is in English on request', async () => {
  const { stop, citizen } = await signIn({ operation: 'ParkingForSomeone' });
  const english = await citizen.go(new URL(`${stop.url.pathname}?lang=en`, platform.issuer));
  const text = textOf(english.html);
  expect(text).toContain('For whom are you doing this procedure?');
  expect(text).toContain('For myself');
  expect(text).toContain('Mandate for Transport and vehicles and Housing and address');
});

test('forged answers are refused with a code, and the right one still works once', async () => {
  const { citizen, stop } = await signIn({ operation: 'ParkingForSomeone' });
  const page = forWhomPage(stop);
  const refused = async (choice: string, token?: string) => {
    const answer = await choose(platform, citizen, page, choice, token);
    return { status: answer.status, code: errorCodeOf(answer) };
  };
  expect(await refused(camille.id)).toEqual({ status: 403, code: 'REPRESENTATION_NOT_COVERED' });
  expect(await refused('mdt_someone_else')).toEqual({ status: 400, code: 'REPRESENTATION_CHOICE_INVALID' });
  expect(await refused(YVONNE_MANDATE, 'forged-token')).toEqual({ status: 403, code: 'REPRESENTATION_FORM_INVALID' });
  const { rows } = await platform.pool.query(
    'SELECT count(*)::int AS n FROM auth.representation_choices WHERE interaction_uid = $1 AND chosen_at IS NOT NULL',
    [page.uid],
  );
  expect(rows[0].n).toBe(0);

  const consent = consentPage(await choose(platform, citizen, page, YVONNE_MANDATE));
  expect(textOf(consent.html)).toContain('Vous agissez pour Yvonne Martin');
  // The first answer stands: a replay (even of another choice) is refused.
  expect(await refused('self')).toEqual({ status: 403, code: 'REPRESENTATION_FORM_INVALID' });
});

test('acting for Yvonne: the ID token describes her, with Jean as `act`; the consent is in both histories', async () => {
  const { citizen, stop, checks } = await signIn({ operation: 'ParkingForSomeone' });
  const consent = consentPage(await choose(platform, citizen, forWhomPage(stop), YVONNE_MANDATE));
  const text = textOf(consent.html);
  expect(text).toMatch(
    /Vous agissez pour Yvonne Martin, au titre du mandat qu’elle vous a donné le \d+(er)? \p{L}+ \d{4} pour Transports et véhicules et Logement et adresse\./u,
  );
  expect(text).toContain('C’est vous qui décidez.');
  expect(text).toContain('Adresse fiscale');
  expect(text).not.toContain('Quotient familial');

  const tokens = await redeemCode(parking, (await citizen.decide(consent, 'allow')).url, checks);
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({
    sub: subOf(platform, 'yvonne.martin', 'parking-nimes'),
    given_name: 'Yvonne',
    family_name: 'Martin',
    act: { sub: subOf(platform, 'jean.martin', 'parking-nimes'), given_name: 'Jean', family_name: 'Martin' },
  });
  // Only what the scopes asked for: no birthdate, Jean's nor Yvonne's.
  expect(claims).not.toHaveProperty('birthdate');
  expect(Object.keys(claims.act as object).sort()).toEqual(['family_name', 'given_name', 'sub']);

  const grantId = (
    await platform.pool.query('SELECT grant_id FROM auth.mandate_grants WHERE mandate_id = $1', [YVONNE_MANDATE])
  ).rows.map((r) => r.grant_id);
  expect(grantId.length).toBeGreaterThan(0);
  const { rows } = await platform.pool.query(
    `SELECT data#>>'{representation,role}' AS role, data->>'sub' AS sub FROM audit.events
     WHERE kind = 'broker.consent_given' AND data#>>'{representation,mandateId}' = $1 AND data->>'grantId' = ANY($2)
     ORDER BY role`,
    [YVONNE_MANDATE, grantId],
  );
  expect(rows).toContainEqual({ role: 'mandator', sub: subOf(platform, 'yvonne.martin', 'parking-nimes') });
  expect(rows).toContainEqual({ role: 'representative', sub: subOf(platform, 'jean.martin', 'parking-nimes') });
});

test('identity only, for Yvonne: the ID token names her, userinfo gives her identity and `act`', async () => {
  const scope = 'openid given_name family_name birthdate representation';
  const { citizen, stop, checks } = await signIn({ scope });
  const back: Stop = await choose(platform, citizen, forWhomPage(stop), YVONNE_MANDATE);
  expect(redirectError(back.url)).toBeUndefined();
  const tokens = await redeemCode(parking, back.url, checks, undefined, { dpop: false });
  const yvonne = subOf(platform, 'yvonne.martin', 'parking-nimes');
  const act = { sub: subOf(platform, 'jean.martin', 'parking-nimes'), given_name: 'Jean', family_name: 'Martin' };
  // A sign-in without data gets an access token for /userinfo: the claims are there (OIDC Core 5.4).
  expect(tokens.claims()!.sub).toBe(yvonne);
  const userinfo = await oidc.fetchUserInfo(parking.client, tokens.access_token, yvonne);
  expect(userinfo).toMatchObject({
    sub: yvonne,
    given_name: 'Yvonne',
    family_name: 'Martin',
    birthdate: '1948-02-14',
    act,
  });
});

test('after acting for Yvonne, a sign-in of the same session that does not ask for representation is Jean’s own', async () => {
  const { citizen, stop, checks } = await signIn({ scope: 'openid given_name representation' });
  const back = await choose(platform, citizen, forWhomPage(stop), YVONNE_MANDATE);
  const first = await redeemCode(parking, back.url, checks, undefined, { dpop: false });
  expect(first.claims()!.sub).toBe(subOf(platform, 'yvonne.martin', 'parking-nimes'));

  // Single sign-on: no IdP, no page; the session's grant (obtained under the mandate) is not reused.
  const again = await authorizationUrl(parking, { scope: 'openid given_name' });
  const answer = await citizen.signIn(again.url, JEAN);
  expect(answer.url.searchParams.get('code')).toBeTruthy();
  const tokens = await redeemCode(parking, answer.url, again.checks, undefined, { dpop: false });
  const jean = subOf(platform, 'jean.martin', 'parking-nimes');
  expect(await oidc.fetchUserInfo(parking.client, tokens.access_token, jean)).toEqual({
    sub: jean,
    given_name: 'Jean',
  });
});

test('`act` carries names only when the SP asked for them', async () => {
  const { citizen, stop, checks } = await signIn({ scope: 'openid representation' });
  const back = await choose(platform, citizen, forWhomPage(stop), YVONNE_MANDATE);
  const tokens = await redeemCode(parking, back.url, checks, undefined, { dpop: false });
  const yvonne = subOf(platform, 'yvonne.martin', 'parking-nimes');
  const userinfo = await oidc.fetchUserInfo(parking.client, tokens.access_token, yvonne);
  expect(userinfo).toEqual({ sub: yvonne, act: { sub: subOf(platform, 'jean.martin', 'parking-nimes') } });
});

test('an SP that did not ask for representation never learns mandates exist: no page, no act, Jean is the subject', async () => {
  const { citizen, stop, checks } = await signIn({ operation: 'Parking', scope: 'openid given_name family_name' });
  const consent = consentPage(stop);
  expect(textOf(consent.html)).not.toMatch(/Pour qui|Vous agissez pour|mandat/i);
  // Nor can a forged "for whom" answer bring the mandate in.
  const forged = await choose(platform, citizen, { ...consent, choices: [] }, YVONNE_MANDATE);
  expect({ status: forged.status, code: errorCodeOf(forged) }).toEqual({
    status: 403,
    code: 'REPRESENTATION_FORM_INVALID',
  });
  const tokens = await redeemCode(parking, (await citizen.decide(consent, 'allow')).url, checks);
  const claims = tokens.claims()!;
  expect(claims.sub).toBe(subOf(platform, 'jean.martin', 'parking-nimes'));
  expect(claims.given_name).toBe('Jean');
  expect(claims).not.toHaveProperty('act');
  // The pivot token is Jean's own: no actor, no mandate (the gateway test reads pivot tokens).
  expect(tokens.access_token.split('.')).toHaveLength(5);
  expect(() => decodeJwt(tokens.access_token)).toThrow();
});

test('an SP not entitled to representation cannot ask for it (invalid_scope)', async () => {
  const caf = await serviceProvider(platform, 'simulateur-caf');
  await expect(authorizationUrl(caf, { scope: 'openid given_name representation' })).rejects.toMatchObject({
    error: 'invalid_scope',
  });
});

test('a code obtained under a mandate ended before it is redeemed gets no token', async () => {
  const given = await giveMandate(platform, 'camille.petit', 'jean.martin', ['transport', 'housing']);
  const { citizen, stop, checks } = await signIn({ operation: 'ParkingForSomeone' });
  const consent = consentPage(await choose(platform, citizen, forWhomPage(stop), given.id));
  const back = await citizen.decide(consent, 'allow');
  await createMandateStore(platform.pool).end(given.id, accountOf(platform, 'jean.martin'));
  await expect(redeemCode(parking, back.url, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('a mandate ended while its consent page is open: the decision is refused, nothing is granted', async () => {
  const given = await giveMandate(platform, 'camille.petit', 'jean.martin', ['transport', 'housing']);
  const { citizen, stop } = await signIn({ operation: 'ParkingForSomeone' });
  const consent = consentPage(await choose(platform, citizen, forWhomPage(stop), given.id));
  await createMandateStore(platform.pool).end(given.id, accountOf(platform, 'camille.petit'));
  const answer = await citizen.decide(consent, 'allow');
  expect({ status: answer.status, code: errorCodeOf(answer) }).toEqual({
    status: 409,
    code: 'REPRESENTATION_MANDATE_ENDED',
  });
  const { rows } = await platform.pool.query('SELECT 1 FROM auth.mandate_grants WHERE mandate_id = $1', [given.id]);
  expect(rows).toEqual([]);
});

test('someone holding no mandate is not asked, and signs in as themselves', async () => {
  const { stop } = await signIn({ operation: 'ParkingForSomeone' }, { login: 'marie.dupont', idp: 'impots' });
  const consent = consentPage(stop);
  expect(textOf(consent.html)).not.toContain('Vous agissez pour');
});
