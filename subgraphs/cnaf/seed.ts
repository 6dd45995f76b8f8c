import { REFERENCE_YEAR, type SyntheticHousehold } from '../../sandbox/seed/households.ts';
import { SANDBOX_IDENTITIES as who, SANDBOX_RELATIVES as relative } from '../../sandbox/seed/identities.ts';
import {
  departementOf,
  lastMonths,
  registryPerson,
  SPELLINGS,
  type RegistrySeed,
} from '../../sandbox/seed/registry-seed.ts';
import type { BenefitKind, CnafRecords, DossierRecord } from './records.ts';

/**
 * CNAF seed data: names in upper case, family names with spaces for hyphens. The
 * family quotient is recorded for the last 12 months (sandbox) or 3 (synthetic) up to
 * the month of seeding; the subgraph serves the latest one up to the current month.
 */
const spelling = SPELLINGS.upperSpacedFamily;

/** Monthly amounts of 2025 (allocations familiales: base rate). */
const AMOUNTS = {
  AF_2: 151.05,
  AF_3: 344.59,
  AF_MORE: 193.54,
  PAJE: 198.16,
  COMPLEMENT_FAMILIAL: 204.71,
  AAH: 1033.32,
  RSA: 646.52,
};

function sandboxRecords(today: Date): CnafRecords {
  const months = lastMonths(today, 12);
  const quotient = (value: number) => months.map((month) => ({ month, value }));
  return {
    persons: [
      registryPerson('CAF30-0000101', who['marie.dupont']!, spelling),
      registryPerson('CAF30-0000201', who['jean.martin']!, spelling),
      registryPerson('CAF30-0000202', relative['sylvie.rousseau']!, spelling),
      registryPerson('CAF30-0000301', who['anne-sophie.lefevre-roy']!, spelling),
      registryPerson('CAF30-0000302', relative['julien.marchand']!, spelling),
    ],
    dossiers: [
      {
        regime: 'CAF',
        fund: '30',
        fileNumber: '9000101',
        members: [{ ref: 'CAF30-0000101', role: 'ALLOCATAIRE' }],
        quotients: quotient(540),
        benefits: [
          { kind: 'APL', monthlyAmount: 198.4, since: '2023-09-01' },
          { kind: 'PRIME_ACTIVITE', monthlyAmount: 142.15, since: '2024-04-01' },
        ],
        children: [{ givenNames: 'Léa', birthdate: '2016-07-03', dependent: true }],
      },
      {
        regime: 'CAF',
        fund: '30',
        fileNumber: '9000201',
        members: [
          { ref: 'CAF30-0000201', role: 'ALLOCATAIRE' },
          { ref: 'CAF30-0000202', role: 'CONJOINT' },
        ],
        quotients: quotient(1450),
        benefits: [{ kind: 'ALLOCATIONS_FAMILIALES', monthlyAmount: AMOUNTS.AF_2, since: '2009-09-01' }],
        children: [
          { givenNames: 'Thomas', birthdate: '2006-02-20', dependent: true },
          { givenNames: 'Emma', birthdate: '2009-08-30', dependent: true },
        ],
      },
      {
        regime: 'CAF',
        fund: '30',
        fileNumber: '9000301',
        members: [
          { ref: 'CAF30-0000301', role: 'ALLOCATAIRE' },
          { ref: 'CAF30-0000302', role: 'CONJOINT' },
        ],
        quotients: quotient(900),
        benefits: [{ kind: 'ALLOCATIONS_FAMILIALES', monthlyAmount: AMOUNTS.AF_2, since: '2013-12-01' }],
        children: [
          { givenNames: 'Hugo', birthdate: '2010-03-14', dependent: true },
          { givenNames: 'Chloé', birthdate: '2013-11-02', dependent: true },
        ],
      },
    ],
  };
}

/** CAF shares: 2 for the beneficiary (alone or in a couple), ½ for each of the first two children, 1 for the third, ½ after. */
export function cafShares(children: number, singleParent: boolean): number {
  let shares = 2 + (singleParent && children > 0 ? 0.5 : 0);
  for (let i = 0; i < children; i++) shares += i === 2 ? 1 : 0.5;
  return shares;
}

function syntheticRecords(households: SyntheticHousehold[], today: Date): CnafRecords {
  const records: CnafRecords = { persons: [], dossiers: [] };
  const months = lastMonths(today, 3);
  for (const h of households) {
    const random = h.random('cnaf');
    const children = h.children.length;
    const monthlyPerAdult = h.income / 12 / h.adults.length;
    const claims =
      children > 0 ? random.chance(0.9) : monthlyPerAdult < 1_100 ? random.chance(0.8) : random.chance(0.03);
    if (!claims) continue;
    if (h.index >= 9_000_000)
      throw new Error(
        'synthetic CNAF file numbers are 7 digits below 9000000 (9xxxxxx: sandbox): at most 9,000,000 households',
      );

    const benefits: DossierRecord['benefits'] = [];
    const since = (yearsAgo: number) => `${REFERENCE_YEAR - yearsAgo}-${String(random.int(1, 12)).padStart(2, '0')}-01`;
    const youngest = Math.min(...h.children.map((c) => REFERENCE_YEAR - Number(c.birthdate.slice(0, 4))));
    if (children >= 2)
      benefits.push({
        kind: 'ALLOCATIONS_FAMILIALES',
        monthlyAmount: children === 2 ? AMOUNTS.AF_2 : AMOUNTS.AF_3 + (children - 3) * AMOUNTS.AF_MORE,
        since: since(random.int(0, 6)),
      });
    if (children > 0 && youngest < 3)
      benefits.push({ kind: 'PAJE', monthlyAmount: AMOUNTS.PAJE, since: since(youngest) });
    if (children >= 3 && youngest >= 3 && monthlyPerAdult < 2_500)
      benefits.push({
        kind: 'COMPLEMENT_FAMILIAL',
        monthlyAmount: AMOUNTS.COMPLEMENT_FAMILIAL,
        since: since(random.int(0, 3)),
      });
    if (monthlyPerAdult < 600)
      benefits.push({ kind: 'RSA', monthlyAmount: AMOUNTS.RSA, since: since(random.int(0, 4)) });
    else if (monthlyPerAdult < 1_700 && random.chance(0.6))
      benefits.push({
        kind: 'PRIME_ACTIVITE',
        monthlyAmount: random.int(40, 260) + random.int(0, 99) / 100,
        since: since(random.int(0, 3)),
      });
    if (monthlyPerAdult < 1_400 && random.chance(0.7))
      benefits.push({
        kind: 'APL',
        monthlyAmount: random.int(90, 380) + random.int(0, 99) / 100,
        since: since(random.int(0, 8)),
      });
    if (random.chance(0.03))
      benefits.push({ kind: 'AAH', monthlyAmount: AMOUNTS.AAH, since: since(random.int(0, 15)) });

    const family = benefits
      .filter((b) => (['ALLOCATIONS_FAMILIALES', 'PAJE', 'COMPLEMENT_FAMILIAL'] as BenefitKind[]).includes(b.kind))
      .reduce((sum, b) => sum + b.monthlyAmount, 0);
    const value = Math.round((h.income / 12 + family) / cafShares(children, h.adults.length === 1));
    const refs = h.adults.map((adult) => `CNAF-S-${adult.ref}`);
    h.adults.forEach((adult, i) => records.persons.push(registryPerson(refs[i]!, adult.pivot, spelling)));
    records.dossiers.push({
      regime: random.chance(0.06) ? 'MSA' : 'CAF',
      fund: departementOf(h.address.cityCode),
      fileNumber: String(h.index).padStart(7, '0'),
      members: refs.map((ref, i) => ({ ref, role: i === 0 ? 'ALLOCATAIRE' : 'CONJOINT' })),
      // Resources are re-assessed now and then: a small drift from month to month.
      quotients: months.map((month, i) => ({
        month,
        value: Math.max(0, value + (i === months.length - 1 ? 0 : random.int(-15, 15))),
      })),
      benefits,
      children: h.children.map((c) => ({ givenNames: c.givenNames, birthdate: c.birthdate, dependent: true })),
    });
  }
  return records;
}

export const registrySeed: RegistrySeed<CnafRecords> = { sandboxRecords, syntheticRecords };
