import { readFileSync } from 'node:fs';
import { importJWK, type CryptoKey } from 'jose';
import { connect, finishSignIn, queryGateway, startSignIn } from '../../../docs/examples/service-provider.ts';
import { loadContract } from '../../../lib/federation/contract.ts';
import { operationHash } from '../../../lib/federation/operation.ts';
import { sandboxSpKey } from '../../../harness/sandbox-keys.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage, textOf } from '../../../harness/citizen.ts';
import {
  authorizationUrl,
  inline,
  postGraphQL,
  redeemCode,
  registered,
  serviceProvider,
} from '../../helpers/service-provider.ts';

/**
 * The whole path, as a service provider following docs/service-providers.md does it (its
 * example code, docs/examples/service-provider.ts): openid-client against the running
 * broker, each sandbox citizen signing in at a sandbox identity provider, the consent
 * page, the code exchange, one POST to the gateway, data from the real subgraphs.
 */
let platform: TestPlatform;
const issuedTokens: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
}, 90000);
afterAll(async () => {
  await platform?.close();
});

const PURPOSE = 'Calculer le tarif de votre abonnement de stationnement résident';

/** What the providers hold about each sandbox citizen (docs/sandbox.md "Sandbox citizens"). */
const CITIZENS = [
  {
    login: 'marie.dupont',
    idp: 'impots',
    given: 'Marie',
    family: 'Dupont',
    cityCode: '30189',
    critAir: [0],
    quotient: 540,
  },
  {
    login: 'jean.martin',
    idp: 'ameli',
    given: 'Jean',
    family: 'Martin',
    cityCode: '30189',
    critAir: [2],
    quotient: 1450,
  },
  {
    login: 'sofia.garcia',
    idp: 'eidas',
    given: 'Sofía',
    family: 'García López',
    cityCode: '30189',
    critAir: [1],
    quotient: null,
  },
  {
    login: 'lucas.bernard',
    idp: 'laposte',
    given: 'Lucas',
    family: 'Bernard',
    cityCode: '34172',
    critAir: [1],
    quotient: undefined,
  },
  {
    login: 'camille.petit',
    idp: 'ameli',
    given: 'Camille',
    family: 'Petit',
    cityCode: '30189',
    critAir: [],
    quotient: undefined,
  },
  {
    login: 'anne-sophie.lefevre-roy',
    idp: 'laposte',
    given: 'Anne-Sophie Hélène',
    family: 'Lefèvre-Roy',
    cityCode: '30189',
    critAir: [1, 3],
    quotient: 900,
  },
] as const;

test('docs/service-providers.md shows the example code this test runs, verbatim', () => {
  const guide = readFileSync(new URL('../../../docs/service-providers.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../../../docs/examples/service-provider.ts', import.meta.url), 'utf8');
  expect(guide).toContain(example.trim());
});

describe.each(CITIZENS)('$login signs in at $idp and allows the parking operation', (person) => {
  test('the SP gets the consented data, the identity claims it asked for, and nothing else', async () => {
    const privateKey = (await importJWK(sandboxSpKey('parking-nimes'), 'ES256')) as CryptoKey;
    const broker = await connect(platform.issuer, 'parking-nimes', privateKey, { sandbox: true });
    const { url, checks, dpop } = await startSignIn(broker, {
      redirectUri: 'http://localhost:3000/callback',
      operationName: 'Parking',
      purpose: PURPOSE,
    });

    const citizen = new Citizen(platform);
    const page = consentPage(await citizen.signIn(url, person));
    const text = textOf(page.html);
    expect(text).toContain('Stationnement résidentiel — Ville de Nîmes');
    expect(text).toContain(PURPOSE);
    for (const line of [
      'Prénom(s)',
      'Nom de naissance',
      'Adresse fiscale',
      'Liste de vos véhicules',
      'Caractéristiques de vos véhicules',
      "Classe Crit'Air de vos véhicules",
      'Quotient familial',
      'Direction générale des Finances publiques (DGFiP)',
      'Agence nationale des titres sécurisés (ANTS)',
      'Caisse nationale des allocations familiales (CNAF)',
    ]) {
      expect(text).toContain(line);
    }
    // Purpose control: each administration told which service reads says so, with its catalog's reason.
    const told = loadContract(platform.config).providers.flatMap(
      (p) => p.catalog.provider.serviceProviderIdentity ?? [],
    );
    expect(told.length).toBeGreaterThan(0);
    expect(text.split('Cette administration saura que Stationnement résidentiel').length - 1).toBe(told.length);
    for (const { reason } of told) expect(text).toContain(reason.fr);
    // Labels for citizens, never field paths or scope names.
    expect(text).not.toMatch(/taxAddress|critAir|familyQuotient|Citizen\.|dgfip_|ants_|cnaf_|Date de naissance/);

    const callback = await citizen.decide(page, 'allow');
    expect(callback.url.origin).toBe('http://localhost:3000');
    const { identity, accessToken, consented } = await finishSignIn(broker, callback.url, checks, dpop);
    issuedTokens.push(accessToken);
    expect(identity).toMatchObject({ given_name: person.given, family_name: person.family, acr: 'eidas1' });
    for (const claim of ['birthdate', 'gender', 'birthplace', 'birthcountry', 'email'])
      expect(identity).not.toHaveProperty(claim);
    const document = platform.config.serviceProviders.find((s) => s.clientId === 'parking-nimes')!.operations.Parking!;
    expect(consented).toEqual([
      {
        type: 'graphql_operation',
        operation_name: 'Parking',
        operation_hash: operationHash(document),
        purpose: PURPOSE,
        scopes: [
          'ants_caracteristiques',
          'ants_critair',
          'ants_vehicules',
          'cnaf_quotient_familial',
          'dgfip_adresse_fiscale',
        ],
      },
    ]);
    // The pivot token is opaque to the SP: a JWE (5 parts) encrypted to the gateway.
    expect(accessToken.split('.')).toHaveLength(5);

    const before = platform.providerCalls();
    const result = await queryGateway(broker, dpop, platform.graphqlUrl, accessToken, document, 'Parking');
    expect(result).toMatchObject({ status: 200 });
    expect(result.errors).toBeUndefined();
    const me = (result.data as { me: any }).me;
    expect(me.taxAddress.cityCode).toBe(person.cityCode);
    expect((me.vehicles ?? []).map((v: { critAir: number }) => v.critAir).sort()).toEqual(person.critAir);
    if (person.quotient === null) expect(me.familyQuotient).toBeNull();
    if (typeof person.quotient === 'number') expect(me.familyQuotient.value).toBe(person.quotient);
    expect(platform.providerCalls()).toBeGreaterThan(before);

    // The decision is in the audit chain: labels and names, no personal data values.
    const { rows } = await platform.pool.query(
      "SELECT client_id, citizen_ref, data FROM audit.events WHERE kind = 'broker.consent_given' AND data->>'sub' = $1",
      [identity.sub],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      client_id: 'parking-nimes',
      data: {
        operationHash: operationHash(document),
        operationName: 'Parking',
        purpose: PURPOSE,
        acr: 'eidas1',
        scopes: consented![0]!.scopes,
        identityClaims: ['given_name', 'family_name'],
        labels: expect.arrayContaining(['Adresse fiscale', 'Quotient familial']),
      },
    });
    expect(JSON.stringify(rows[0])).not.toContain(person.family);
  });
});

test('an inline document, pushed (PAR) because it is large, is consented and run as written, whatever its layout', async () => {
  const sp = await serviceProvider(platform, 'parking-nimes');
  const padding = Array.from({ length: 120 }, (_, i) => `# ligne de commentaire ${i} pour un document volumineux`).join(
    '\n',
  );
  const document = `${padding}\nquery Address {\n  me {\n    id\n    taxAddress { postalCode city cityCode }\n  }\n}\n`;
  expect(Buffer.byteLength(document)).toBeGreaterThan(6000);
  const { url, checks } = await authorizationUrl(sp, {
    details: [inline(document, 'Vérifier votre commune de résidence', 'Address')],
    par: true,
  });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login: 'jean.martin', idp: 'impots' }));
  expect(textOf(page.html)).toContain('Vérifier votre commune de résidence');
  const callback = await citizen.decide(page, 'allow');
  const tokens = await redeemCode(sp, callback.url, checks);
  issuedTokens.push(tokens.access_token);
  // The same operation, compact: same canonical hash.
  const result = await postGraphQL(
    platform,
    tokens.access_token,
    'query Address { me { id taxAddress { postalCode city cityCode } } }',
    'Address',
  );
  expect(result.status).toBe(200);
  expect(result.body.data.me).toMatchObject({
    id: tokens.claims()!.sub,
    taxAddress: { city: 'Nîmes', cityCode: '30189' },
  });
});

test('two operations in one request: both shown with their purpose, both granted, each runnable', async () => {
  const sp = await serviceProvider(platform, 'parking-nimes');
  const vehicles = 'query Vehicles { me { vehicles { registrationNumber critAir } } }';
  const { url, checks } = await authorizationUrl(sp, {
    details: [registered('Parking'), inline(vehicles, 'Afficher vos vignettes', 'Vehicles')],
  });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login: 'sofia.garcia', idp: 'eidas' }));
  const text = textOf(page.html);
  expect(text).toContain('Calculer le tarif de votre abonnement');
  expect(text).toContain('Afficher vos vignettes');
  const tokens = await redeemCode(sp, (await citizen.decide(page, 'allow')).url, checks);
  issuedTokens.push(tokens.access_token);
  expect(tokens.authorization_details!.map((d) => d.operation_name)).toEqual(['Parking', 'Vehicles']);
  expect((await postGraphQL(platform, tokens.access_token, sp.operation('Parking'), 'Parking')).status).toBe(200);
  const result = await postGraphQL(platform, tokens.access_token, vehicles, 'Vehicles');
  expect(result.body.data.me.vehicles).toEqual([{ registrationNumber: 'FK-287-BT', critAir: 1 }]);
});

test('a service provider with a PS256 key and required PAR reads benefits at eidas2', async () => {
  const sp = await serviceProvider(platform, 'simulateur-caf');
  const { url, checks } = await authorizationUrl(sp, {
    details: [registered('Benefits', 'Simuler vos aides au logement')],
    acr: 'eidas2',
  });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login: 'anne-sophie.lefevre-roy', idp: 'laposte' }));
  expect(textOf(page.html)).toContain('Prestations sociales perçues');
  const tokens = await redeemCode(sp, (await citizen.decide(page, 'allow')).url, checks);
  issuedTokens.push(tokens.access_token);
  expect(tokens.claims()!.acr).toBe('eidas2');
  const result = await postGraphQL(platform, tokens.access_token, sp.operation('Benefits'), 'Benefits');
  expect(result.status).toBe(200);
  expect(result.body.data.me.familyQuotient.value).toBe(900);
  expect(Array.isArray(result.body.data.me.benefits)).toBe(true);
});

test('consent is asked for every request: a second request in the same session shows the page again, without signing in', async () => {
  const sp = await serviceProvider(platform, 'parking-nimes');
  const citizen = new Citizen(platform);
  const first = await authorizationUrl(sp, { details: [registered('Parking')] });
  await citizen.decide(consentPage(await citizen.signIn(first.url, { login: 'marie.dupont', idp: 'impots' })), 'allow');
  const second = await authorizationUrl(sp, { details: [registered('Parking')] });
  const stop = await citizen.go(second.url);
  const page = consentPage(stop);
  expect(page.url.pathname).toMatch(/^\/interaction\//);
  const tokens = await redeemCode(sp, (await citizen.decide(page, 'allow')).url, second.checks);
  issuedTokens.push(tokens.access_token);
  expect(tokens.authorization_details).toHaveLength(1);
});

test('the consent page is in English on request', async () => {
  const sp = await serviceProvider(platform, 'parking-nimes');
  const { url } = await authorizationUrl(sp, { details: [registered('Parking')] });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login: 'jean.martin', idp: 'impots' }));
  const english = await citizen.go(new URL(`${page.url.pathname}?lang=en`, platform.issuer));
  const text = textOf(english.html);
  expect(english.html).toContain('<html lang="en"');
  for (const line of [
    'Do you allow your data to be shared?',
    'Tax address',
    "Crit'Air class of your vehicles",
    'Given name(s)',
    'This administration will know that',
    'I allow',
    'I refuse',
  ])
    expect(text).toContain(line);
});

test("no component logged a pivot token or a citizen's name", () => {
  const logs = platform.logs.join('');
  expect(issuedTokens.length).toBeGreaterThan(0);
  for (const token of issuedTokens) expect(logs).not.toContain(token.slice(-40));
  for (const person of CITIZENS) expect(logs).not.toContain(person.family);
});
