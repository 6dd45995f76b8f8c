import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config } from '../../../lib/config/load.ts';
import { loadPlatformConfig } from '../../../bin/config.ts';
import { composeContract } from '../../../lib/federation/compose.ts';
import { ContractError, loadContract } from '../../../lib/federation/contract.ts';
import { dataProvidersDir } from '../../../lib/federation/provider-folders.ts';
import { PROVIDERS } from '../../helpers/providers.ts';

const sandbox = loadPlatformConfig({ env: {} });

/** The sandbox configuration over a copy of the data provider folders that a test may break. */
function providersCopy(edit: (dir: string) => void): Config {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-providers-'));
  cpSync(dataProvidersDir(sandbox), dir, { recursive: true });
  edit(dir);
  return loadPlatformConfig({ env: {}, overrides: [['dataProvidersDir', dir]] });
}
const editFile = (path: string, change: (text: string) => string) =>
  writeFileSync(path, change(readFileSync(path, 'utf8')));
function problemsOf(config: Config): string[] {
  try {
    composeContract(loadContract(config), Object.fromEntries(config.dataProviders.map((p) => [p.name, p.url])));
  } catch (error) {
    if (error instanceof ContractError) return error.problems;
    throw error;
  }
  return [];
}

describe('the federation contract', () => {
  test('composes, with the scope map read back from the supergraph', () => {
    const composed = composeContract(loadContract(sandbox));
    expect(composed.subgraphs).toEqual(['citizen', ...[...PROVIDERS].sort()]);
    expect(composed.supergraphSdl).toContain(
      '@link(url: "https://passerelle.numerique.gouv.fr/scope/v1.0", import: ["@scope"])',
    );
    expect(composed.scopeMap.get('Citizen.taxAddress')).toEqual(['dgfip_adresse_fiscale']);
    expect(composed.scopeMap.get('TaxAddress.city')).toEqual(['dgfip_adresse_fiscale']); // from the type
    expect(composed.scopeMap.get('TaxHousehold.referenceTaxIncome')).toEqual(['dgfip_rfr']);
    expect(composed.scopeMap.get('Vehicle.critAir')).toEqual(['ants_critair']);
    expect(composed.scopeMap.has('Citizen.id')).toBe(false);
    expect(composed.scopeMap.has('Query.me')).toBe(false);
    expect(composed.scopes.get('cnaf_prestations')).toMatchObject({ provider: 'cnaf', minAcr: 'eidas2' });
    expect(composed.scopes.get('dgfip_rfr')?.label.fr).toBe('Revenu fiscal de référence');
  });

  test('a field reachable from Citizen without a scope fails', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'ants/schema.graphql'), (t) =>
        t.replace('model: String! @scope(anyOf: ["ants_caracteristiques"])', 'model: String!'),
      ),
    );
    expect(problemsOf(config)).toEqual(['ants: Vehicle.model is reachable from Citizen but has no @scope']);
  });

  test('a scope missing from the provider catalog fails', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'cnaf/schema.graphql'), (t) =>
        t.replace('@scope(anyOf: ["cnaf_enfants"])', '@scope(anyOf: ["cnaf_enfants", "cnaf_typo"])'),
      ),
    );
    expect(problemsOf(config)).toEqual([
      'cnaf: scope cnaf_typo is used in schema.graphql but missing from catalog.json',
    ]);
  });

  test("another provider's scope is not in this catalog and fails", () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'ants/schema.graphql'), (t) =>
        t.replace(
          'critAir: Int @scope(anyOf: ["ants_critair"])',
          'critAir: Int @scope(anyOf: ["ants_critair", "dgfip_rfr"])',
        ),
      ),
    );
    expect(problemsOf(config)).toEqual([
      'ants: scope dgfip_rfr is used in schema.graphql but missing from catalog.json',
    ]);
  });

  test('a catalog scope no field uses fails', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'dgfip/catalog.json'), (t) => {
        const c = JSON.parse(t);
        c.scopes.dgfip_unused = {
          label: { fr: 'x', en: 'x' },
          description: { fr: 'x', en: 'x' },
          domain: 'fiscal',
        };
        return JSON.stringify(c);
      }),
    );
    expect(problemsOf(config)).toEqual(['dgfip: catalog scope dgfip_unused is used by no field']);
  });

  test('each scope knows its subject: citizen by default, company when the catalog says so', () => {
    const composed = composeContract(loadContract(sandbox));
    expect(composed.scopes.get('dgfip_adresse_fiscale')?.subject).toBe('citizen');
    expect(composed.scopes.get('entreprises_mandats_sociaux')?.subject).toBe('citizen');
    for (const scope of [
      'entreprises_identite',
      'entreprises_representants',
      'dgfip_regularite_fiscale',
      'urssaf_attestation_vigilance',
    ])
      expect([scope, composed.scopes.get(scope)?.subject]).toEqual([scope, 'company']);
    // The register's Company fields are read by either subject; the key needs no scope.
    expect(composed.scopeMap.get('Company.legalName')).toEqual(['entreprises_mandats_sociaux', 'entreprises_identite']);
    expect(composed.scopeMap.has('Company.siren')).toBe(false);
    expect(composed.scopeMap.has('Query.company')).toBe(false);
  });

  test('a company scope guarding a field not reachable from Company fails', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'dgfip/schema.graphql'), (t) =>
        t.replace(
          'taxAddress: TaxAddress @scope(anyOf: ["dgfip_adresse_fiscale"])',
          'taxAddress: TaxAddress @scope(anyOf: ["dgfip_adresse_fiscale", "dgfip_regularite_fiscale"])',
        ),
      ),
    );
    expect(problemsOf(config)).toEqual([
      'dgfip: Citizen.taxAddress is guarded by the company scope dgfip_regularite_fiscale but is not reachable from Company',
    ]);
  });

  test('a field reachable only from Company without a company scope fails', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'dgfip/schema.graphql'), (t) =>
        t.replace(
          'fiscalCompliance: FiscalCompliance @scope(anyOf: ["dgfip_regularite_fiscale"])',
          'fiscalCompliance: FiscalCompliance @scope(anyOf: ["dgfip_regularite_fiscale"])\n  taxOffice: String @scope(anyOf: ["dgfip_adresse_fiscale"])',
        ),
      ),
    );
    expect(problemsOf(config)).toEqual([
      'dgfip: Company.taxOffice is reachable only from Company but no company scope guards it (catalog subject "company")',
    ]);
  });

  test('a field reachable from Company without a scope fails; a provider must extend Citizen or Company', () => {
    const unscoped = providersCopy((d) =>
      editFile(join(d, 'urssaf/schema.graphql'), (t) =>
        t.replace('type EmployeesBand @scope(anyOf: ["urssaf_attestation_vigilance"]) {', 'type EmployeesBand {'),
      ),
    );
    expect(problemsOf(unscoped)).toEqual([
      'urssaf: EmployeesBand.code is reachable from Company but has no @scope',
      'urssaf: EmployeesBand.label is reachable from Company but has no @scope',
    ]);
    const neither = providersCopy((d) =>
      editFile(join(d, 'urssaf/schema.graphql'), (t) => t.replace('type Company @key(fields: "siren")', 'type Firm')),
    );
    expect(problemsOf(neither)).toContain('urssaf: extends neither the Citizen nor the Company entity');
  });

  test('a provider with its own root field fails', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'dgfip/schema.graphql'), (t) => `${t}\ntype Query { everyone: [Citizen!]! }\n`),
    );
    expect(problemsOf(config)).toContain(
      'dgfip: defines Query fields; a provider serves data only through Citizen or Company',
    );
  });

  test('a provider field returning a Citizen fails: the only citizen is the request’s', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'ants/schema.graphql'), (t) =>
        t.replace(
          'holderRole: HolderRole! @scope(anyOf: ["ants_vehicules"])',
          'holderRole: HolderRole! @scope(anyOf: ["ants_vehicules"])\n  coHolder: Citizen @scope(anyOf: ["ants_vehicules"])',
        ),
      ),
    );
    expect(problemsOf(config)).toContain(
      "ants: Vehicle.coHolder returns Citizen; a provider serves only the request's citizen",
    );
  });

  test('a catalog asking for the service provider’s identity must say why, in both languages', () => {
    expect(loadContract(sandbox).providers.map((p) => [p.name, !!p.catalog.provider.serviceProviderIdentity])).toEqual(
      expect.arrayContaining([
        ['cnaf', true],
        ['dgfip', false],
      ]),
    );
    const config = providersCopy((d) =>
      editFile(join(d, 'dgfip/catalog.json'), (t) =>
        t.replace('"provider": {', '"provider": { "serviceProviderIdentity": { "reason": { "fr": "Parce que." } },'),
      ),
    );
    expect(() => loadContract(config)).toThrow(/dgfip\/catalog.json: provider.serviceProviderIdentity.reason.en/);
  });

  test('composition errors fail loudly', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'cnaf/schema.graphql'), (t) =>
        t.replace(
          'type Citizen @key(fields: "id") {\n  id: ID!',
          'type Citizen @key(fields: "id") {\n  id: ID!\n  vehicles: Int @scope(anyOf: ["cnaf_enfants"])',
        ),
      ),
    );
    const problems = problemsOf(config);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith('composition: '))).toBe(true);
    expect(problems.join('\n')).toMatch(/Citizen\.vehicles/);
  });

  test('an invalid catalog is reported with its key', () => {
    const config = providersCopy((d) =>
      editFile(join(d, 'cnaf/catalog.json'), (t) => t.replace('"minAcr": "eidas2"', '"minAcr": "eidas9"')),
    );
    expect(() => loadContract(config)).toThrow(/cnaf\/catalog.json: scopes.cnaf_prestations.minAcr/);
  });

  test('a scope without a domain, or with one that does not exist, is refused by name', () => {
    const without = providersCopy((d) =>
      editFile(join(d, 'ants/catalog.json'), (t) => t.replace('"domain": "transport",', '')),
    );
    expect(() => loadContract(without)).toThrow(/ants\/catalog.json: scopes.ants_\w+.domain/);
    const unknown = providersCopy((d) =>
      editFile(join(d, 'cnaf/catalog.json'), (t) => t.replace('"domain": "social"', '"domain": "leisure"')),
    );
    expect(() => loadContract(unknown)).toThrow(/cnaf\/catalog.json: scopes.cnaf_\w+.domain: Invalid option/);
  });
});
