import { startPlatform } from '../../../bin/platform.ts';
import { ConfigError } from '../../../lib/config/load.ts';
import { loadContract } from '../../../lib/federation/contract.ts';
import { composeContract } from '../../../lib/federation/compose.ts';
import { checkPrivateServiceProviders } from '../../../lib/federation/private-service-providers.ts';
import { createLogger } from '../../../lib/log.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { freePort } from '../../../harness/ports.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage, textOf } from '../../../harness/citizen.ts';
import {
  authorizationUrl,
  postGraphQL,
  redeemCode,
  registered,
  serviceProvider,
} from '../../helpers/service-provider.ts';
import { testConfig } from '../support/broker.ts';
import { consentJourney, DashboardUser } from '../dashboard/support/dashboard.ts';

/**
 * Private service providers (docs/service-providers.md#private-service-providers): a
 * company's registration (`private: true`) may hold only the scopes whose catalog entry
 * allows private service providers, or the broker does not start; the consent page tells
 * the citizen that the recipient is a private company, in French and in English.
 */
const config = testConfig();
const { scopes } = composeContract(loadContract(config));
const bank = () => config.serviceProviders.find((sp) => sp.clientId === 'banque-exemple')!;

describe('a private service provider may be entitled only to scopes open to private service providers', () => {
  test('the sandbox registrations pass: banque-exemple is private and asks for dgfip_rfr and dgfip_nbpart only', () => {
    expect(bank().private).toBe(true);
    expect(bank().scopes).toEqual(expect.arrayContaining(['dgfip_rfr', 'dgfip_nbpart']));
    expect(() => checkPrivateServiceProviders(config.serviceProviders, scopes)).not.toThrow();
  });

  test('only the DGFiP reference tax income and shares are open to private service providers in the catalogs', () => {
    const open = [...scopes.values()].filter((s) => s.privateServiceProviders).map((s) => s.name);
    expect(open.sort()).toEqual(['dgfip_nbpart', 'dgfip_rfr']);
  });

  test('a family quotient for a private SP is refused with a message naming the SP and the scope', () => {
    const sp = { ...bank(), scopes: [...bank().scopes, 'cnaf_quotient_familial'] };
    expect(() => checkPrivateServiceProviders([sp], scopes)).toThrow(ConfigError);
    expect(() => checkPrivateServiceProviders([sp], scopes)).toThrow(
      'serviceProviders[banque-exemple].scopes: "cnaf_quotient_familial" cannot be granted to a private service provider ' +
        "(cnaf's catalog does not allow it: subgraphs/cnaf/catalog.json, privateServiceProviders)",
    );
  });

  test('every forbidden scope is named at once; the same scopes for a public SP are fine', () => {
    const sp = { ...bank(), scopes: [...bank().scopes, 'cnaf_prestations', 'dgfip_adresse_fiscale'] };
    let message = '';
    try {
      checkPrivateServiceProviders([sp], scopes);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('serviceProviders[banque-exemple].scopes: "cnaf_prestations"');
    expect(message).toContain('serviceProviders[banque-exemple].scopes: "dgfip_adresse_fiscale"');
    expect(() => checkPrivateServiceProviders([{ ...sp, private: false }], scopes)).not.toThrow();
  });

  test('identity scopes, in no catalog, are not concerned', () => {
    const sp = { ...bank(), scopes: ['openid', 'given_name', 'birthdate', 'email'] };
    expect(() => checkPrivateServiceProviders([sp], scopes)).not.toThrow();
  });
});

describe('at start-up', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  test('the broker refuses to start when a private SP is entitled to benefits', async () => {
    const bad = testConfig([
      ['broker.url', `http://localhost:${await freePort()}`],
      ['serviceProviders.banque-exemple.scopes', ['openid', 'dgfip_rfr', 'dgfip_nbpart', 'cnaf_prestations']],
    ]);
    const error = await startPlatform({ config: bad, database, logger: createLogger('test', 'silent') }, [
      'broker',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /serviceProviders\[banque-exemple\]\.scopes: "cnaf_prestations" cannot be granted to a private service provider/,
    );
  });

  test('so does the gateway', async () => {
    const bad = testConfig([
      ['gateway.url', `http://127.0.0.1:${await freePort()}`],
      ['serviceProviders.banque-exemple.scopes', ['openid', 'dgfip_rfr', 'dgfip_nbpart', 'cnaf_quotient_familial']],
    ]);
    const error = await startPlatform({ config: bad, database, logger: createLogger('test', 'silent') }, [
      'gateway',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /"cnaf_quotient_familial" cannot be granted to a private service provider/,
    );
  });
});

describe('the consent page of a private SP', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 90000);
  afterAll(async () => {
    await platform?.close();
  });

  test('says, in French and in English, that the recipient is a private company; the data is read at eidas2', async () => {
    const sp = await serviceProvider(platform, 'banque-exemple');
    const { url, checks } = await authorizationUrl(sp, {
      details: [registered('LoanApplication', 'Estimer votre capacité d’emprunt')],
      acr: 'eidas2',
    });
    const citizen = new Citizen(platform);
    const page = consentPage(await citizen.signIn(url, { login: 'jean.martin', idp: 'laposte' }));
    const french = textOf(page.html);
    expect(page.html).toContain('id="private-sp"');
    expect(page.html).toContain('fr-notice--warning');
    expect(french).toContain('Banque Exemple est une entreprise privée, pas une administration.');
    expect(french).toContain('sous sa propre responsabilité');
    expect(french).toContain('Revenu fiscal de référence');
    expect(french).toContain('Nombre de parts fiscales');
    expect(french).not.toContain('Quotient familial');

    const english = await citizen.go(new URL(`${page.url.pathname}?lang=en`, platform.issuer));
    expect(english.html).toContain('<html lang="en"');
    const text = textOf(english.html);
    expect(text).toContain('is a private company, not a public administration.');
    expect(text).toContain('under its own responsibility');
    expect(text).toContain('Reference tax income');

    const tokens = await redeemCode(sp, (await citizen.decide(consentPage(english), 'allow')).url, checks);
    expect(tokens.claims()!.acr).toBe('eidas2');
    const result = await postGraphQL(platform, tokens.access_token, sp.operation('LoanApplication'), 'LoanApplication');
    expect(result.status).toBe(200);
    expect(result.body.data.me.taxHousehold).toEqual({ taxYear: 2024, referenceTaxIncome: 50410, shares: 3 });
  }, 60000);

  test('in the dashboard, the consent given to the bank says it is a private company; the city’s does not', async () => {
    const jean = { login: 'jean.martin', idp: 'laposte' };
    await consentJourney(platform, 'banque-exemple', 'LoanApplication', jean, {
      purpose: 'Estimer votre capacité d’emprunt',
      acr: 'eidas2',
    });
    await consentJourney(platform, 'parking-nimes', 'Parking', jean);
    const user = new DashboardUser(platform);
    await user.signIn(jean);
    const page = await user.get('/mon-compte/consentements');
    const sections = [...page.html.matchAll(/<section class="fr-callout[\s\S]*?<\/section>/g)].map((m) => textOf(m[0]));
    const bank = sections.find((text) => text.includes('Banque Exemple'))!;
    const city = sections.find((text) => text.includes('Ville de Nîmes'))!;
    expect(bank).toContain('Entreprise privée');
    expect(city).not.toContain('Entreprise privée');
    const english = textOf((await user.get('/mon-compte/consentements?lang=en')).html);
    expect(english).toContain('Private company');
  }, 90000);

  test('a public SP’s consent page has no such notice', async () => {
    const sp = await serviceProvider(platform, 'parking-nimes');
    const { url } = await authorizationUrl(sp, { details: [registered('Parking')] });
    const page = consentPage(await new Citizen(platform).signIn(url, { login: 'marie.dupont', idp: 'impots' }));
    expect(page.html).not.toContain('id="private-sp"');
    expect(textOf(page.html)).not.toContain('entreprise privée');
  }, 60000);
});
