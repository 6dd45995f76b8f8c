import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeContract } from '../lib/federation/compose.ts';
import { ContractError, DEFAULT_SCHEMA_DIR, loadContract } from '../lib/federation/contract.ts';

/** A copy of schema/ that a test may break. */
function schemaCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-schema-'));
  cpSync(DEFAULT_SCHEMA_DIR, dir, { recursive: true });
  edit(dir);
  return dir;
}
const editFile = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, 'utf8')));
function problemsOf(dir: string): string[] {
  try {
    composeContract(loadContract(dir));
  } catch (error) {
    if (error instanceof ContractError) return error.problems;
    throw error;
  }
  return [];
}

describe('the federation contract', () => {
  test('composes, with the scope map read back from the supergraph', () => {
    const composed = composeContract();
    expect(composed.subgraphs).toEqual(['citizen', 'ants', 'cnaf', 'dgfip']);
    expect(composed.supergraphSdl).toContain('@link(url: "https://passerelle.numerique.gouv.fr/scope/v1.0", import: ["@scope"])');
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
    const dir = schemaCopy((d) => editFile(join(d, 'ants/schema.graphql'), (t) => t.replace('model: String! @scope(anyOf: ["ants_caracteristiques"])', 'model: String!')));
    expect(problemsOf(dir)).toEqual(['ants: Vehicle.model is reachable from Citizen but has no @scope']);
  });

  test('a scope missing from the provider catalog fails', () => {
    const dir = schemaCopy((d) => editFile(join(d, 'cnaf/schema.graphql'), (t) => t.replace('@scope(anyOf: ["cnaf_enfants"])', '@scope(anyOf: ["cnaf_enfants", "cnaf_typo"])')));
    expect(problemsOf(dir)).toEqual(['cnaf: scope cnaf_typo is used in schema.graphql but missing from catalog.json']);
  });

  test("another provider's scope is not in this catalog and fails", () => {
    const dir = schemaCopy((d) => editFile(join(d, 'ants/schema.graphql'), (t) => t.replace('critAir: Int @scope(anyOf: ["ants_critair"])', 'critAir: Int @scope(anyOf: ["ants_critair", "dgfip_rfr"])')));
    expect(problemsOf(dir)).toEqual(['ants: scope dgfip_rfr is used in schema.graphql but missing from catalog.json']);
  });

  test('a catalog scope no field uses fails', () => {
    const dir = schemaCopy((d) => editFile(join(d, 'dgfip/catalog.json'), (t) => {
      const c = JSON.parse(t);
      c.scopes.dgfip_unused = { label: { fr: 'x', en: 'x' }, description: { fr: 'x', en: 'x' } };
      return JSON.stringify(c);
    }));
    expect(problemsOf(dir)).toEqual(['dgfip: catalog scope dgfip_unused is used by no field']);
  });

  test('a provider with its own root field fails', () => {
    const dir = schemaCopy((d) => editFile(join(d, 'dgfip/schema.graphql'), (t) => `${t}\ntype Query { everyone: [Citizen!]! }\n`));
    expect(problemsOf(dir)).toContain('dgfip: defines Query fields; a provider serves data only through Citizen');
  });

  test('composition errors fail loudly', () => {
    const dir = schemaCopy((d) => editFile(join(d, 'cnaf/schema.graphql'), (t) => t.replace('type Citizen @key(fields: "id") {\n  id: ID!', 'type Citizen @key(fields: "id") {\n  id: ID!\n  vehicles: Int @scope(anyOf: ["cnaf_enfants"])')));
    const problems = problemsOf(dir);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith('composition: '))).toBe(true);
    expect(problems.join('\n')).toMatch(/Citizen\.vehicles/);
  });

  test('an invalid catalog is reported with its key', () => {
    const dir = schemaCopy((d) => editFile(join(d, 'cnaf/catalog.json'), (t) => t.replace('"minAcr": "eidas2"', '"minAcr": "eidas9"')));
    expect(() => loadContract(dir)).toThrow(/schema\/cnaf\/catalog.json: scopes.cnaf_prestations.minAcr/);
  });
});
