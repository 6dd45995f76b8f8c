import {
  domainsSentence,
  joinedList,
  longDate,
  missingDomains,
  operationDomains,
} from '../../../auth/mandates/coverage.ts';
import { loadBrokerContract } from '../../../auth/authorization-details/operation-schema.ts';
import { loadPlatformConfig } from '../../../bin/config.ts';
import type { ConsentedOperation } from '../../../lib/contracts/pivot-token.ts';

/** What the "for whom" and consent pages say about a mandate, and the coverage rule (auth/mandates/coverage.ts). */
const contract = loadBrokerContract(loadPlatformConfig({ env: {} }));
const operation = (scopes: string[]): ConsentedOperation => ({
  type: 'graphql_operation',
  operation_name: 'Op',
  operation_hash: 'x'.repeat(43),
  scopes,
  purpose: 'p',
});

test('dates as citizens write them: "1er" for the first of the month, in Paris', () => {
  expect(longDate(new Date('2026-12-01T00:00:00Z'), 'fr')).toBe('1er décembre 2026');
  expect(longDate(new Date('2026-12-03T00:00:00Z'), 'fr')).toBe('3 décembre 2026');
  expect(longDate(new Date('2026-12-11T10:00:00Z'), 'fr')).toBe('11 décembre 2026');
  // 23:30 UTC on 30 November is already 1 December in Paris.
  expect(longDate(new Date('2026-11-30T23:30:00Z'), 'fr')).toBe('1er décembre 2026');
  expect(longDate(new Date('2026-12-01T00:00:00Z'), 'en')).toBe('1 December 2026');
});

test('lists joined as a sentence: "A", "A et B", "A, B et C"', () => {
  expect(joinedList([], 'fr')).toBe('');
  expect(joinedList(['A'], 'fr')).toBe('A');
  expect(joinedList(['A', 'B'], 'fr')).toBe('A et B');
  expect(joinedList(['A', 'B', 'C'], 'fr')).toBe('A, B et C');
  expect(joinedList(['A', 'B', 'C'], 'en')).toBe('A, B and C');
  expect(domainsSentence(['transport', 'housing'], 'fr')).toBe('Transports et véhicules et Logement et adresse');
});

test('an operation needs the domains of its scopes; a mandate covers it when it has every one', () => {
  const parking = operation(['ants_vehicules', 'ants_critair', 'dgfip_adresse_fiscale', 'cnaf_quotient_familial']);
  expect(operationDomains([parking], contract)).toEqual(['transport', 'social', 'housing']);
  expect(missingDomains({ domains: ['transport', 'housing'] }, operationDomains([parking], contract))).toEqual([
    'social',
  ]);
  const forSomeone = operation(['ants_vehicules', 'dgfip_adresse_fiscale']);
  expect(missingDomains({ domains: ['transport', 'housing'] }, operationDomains([forSomeone], contract))).toEqual([]);
  expect(operationDomains([], contract)).toEqual([]);
  expect(() => operationDomains([operation(['no_such_scope'])], contract)).toThrow(/no_such_scope/);
});
