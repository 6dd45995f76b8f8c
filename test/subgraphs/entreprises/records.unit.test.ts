import { isSiren, isSiret, siretProblem } from '../../../lib/contracts/company-identifiers.ts';
import type { PoolClient } from '../../../lib/db/database.ts';
import { syntheticCompanies } from '../../../sandbox/seed/companies.ts';
import { registrySeed, sirenOf, siretOf } from '../../../subgraphs/entreprises/seed.ts';
import { CompanyRecordError, writeRecords, type CompanyRecord } from '../../../subgraphs/entreprises/records.ts';

/** The register's load refuses what it would not hold, before writing anything. */
const untouched = {
  query: () => {
    throw new Error('nothing may be written when a record is refused');
  },
} as unknown as PoolClient;

function company(overrides: Partial<CompanyRecord> = {}): CompanyRecord {
  const siren = sirenOf(90_000_009);
  return {
    siren,
    legalName: 'EXEMPLE',
    legalForm: '5499',
    nafCode: '70.22Z',
    createdOn: '2020-01-01',
    establishments: [
      {
        siret: siretOf(siren, 1),
        headOffice: true,
        address: { lines: ['1 rue X'], postalCode: '30000', city: 'Nîmes', cityCode: '30189' },
      },
    ],
    representatives: [],
    ...overrides,
  };
}

test.each([
  ['a SIREN failing its check digit', { siren: '123456789' }, /SIREN "123456789" fails its check digit/],
  [
    'a SIRET failing its check digit',
    { establishments: [{ ...company().establishments[0]!, siret: `${sirenOf(90_000_009)}00010` }] },
    /fails its check digit/,
  ],
  [
    'an establishment of another company',
    { establishments: [{ ...company().establishments[0]!, siret: siretOf(sirenOf(90_000_008), 1) }] },
    /belongs to another SIREN/,
  ],
  [
    'no head office',
    { establishments: [{ ...company().establishments[0]!, headOffice: false }] },
    /exactly one establishment must be the head office/,
  ],
  ['an unknown legal category', { legalForm: '9999' }, /unknown legal category 9999/],
  ['an unknown activity', { nafCode: '99.99Z' }, /unknown NAF code 99.99Z/],
])('a company with %s is refused, naming it', async (_case, overrides, message) => {
  const refused = writeRecords(untouched, { persons: [], companies: [company(overrides)] });
  await expect(refused).rejects.toThrow(CompanyRecordError);
  await expect(refused).rejects.toThrow(message);
});

test('sandbox and synthetic records carry valid identifiers, and each director is a person of the records', () => {
  const synthetic = registrySeed.syntheticCompanyRecords!(syntheticCompanies(0, 3000), new Date());
  const sandbox = registrySeed.sandboxRecords(new Date());
  for (const records of [sandbox, synthetic]) {
    const refs = new Set(records.persons.map((p) => p.ref));
    expect(refs.size).toBe(records.persons.length);
    for (const c of records.companies) {
      expect(isSiren(c.siren)).toBe(true);
      for (const e of c.establishments) expect(siretProblem(e.siret)).toBeNull();
      for (const r of c.representatives) expect(refs.has(r.ref)).toBe(true);
    }
  }
  // One company per number, SIRENs never repeat; a realistic mix of forms, some co-gérants, some ceased.
  expect(synthetic.companies).toHaveLength(3000);
  expect(new Set(synthetic.companies.map((c) => c.siren)).size).toBe(synthetic.companies.length);
  const share = (test: (c: CompanyRecord) => boolean) => synthetic.companies.filter(test).length / 3000;
  expect(share((c) => c.legalForm === '1000')).toBeGreaterThan(0.3);
  expect(share((c) => c.representatives.length === 2)).toBeGreaterThan(0.01);
  expect(share((c) => c.ceasedOn !== undefined)).toBeGreaterThan(0.03);
  expect(share((c) => c.ceasedOn !== undefined)).toBeLessThan(0.3);
  expect(share((c) => c.establishments.length > 1)).toBeGreaterThan(0.03);
  expect(synthetic.companies.every((c) => c.establishments.every((e) => isSiret(e.siret)))).toBe(true);
});
