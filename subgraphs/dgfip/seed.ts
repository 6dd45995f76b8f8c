import { daysFrom, SANDBOX_COMPANIES, type SyntheticCompany } from '../../sandbox/seed/companies.ts';
import type { SyntheticHousehold } from '../../sandbox/seed/households.ts';
import { SANDBOX_IDENTITIES as who, SANDBOX_RELATIVES as relative } from '../../sandbox/seed/identities.ts';
import { registryPerson, SPELLINGS, type RegistrySeed } from '../../sandbox/seed/registry-seed.ts';
import type { CompanyTaxComplianceRecord, DgfipRecords, FamilySituation, TaxHouseholdRecord } from './records.ts';

/**
 * DGFiP seed data. The tax registry writes names in upper case without accents.
 * Income year 2024 (returns filed in 2025, address on 1 January 2025).
 */
const INCOME_YEAR = 2024;
const spelling = SPELLINGS.upperWithoutAccents;

function sandboxRecords(): DgfipRecords {
  const nimes = (lines: string[], postalCode: string) => ({ lines, postalCode, city: 'Nîmes', cityCode: '30189' });
  return {
    persons: [
      registryPerson('1234567890123', who['marie.dupont']!, spelling),
      registryPerson('1072118300154', who['jean.martin']!, spelling),
      registryPerson('1074051930022', relative['sylvie.rousseau']!, spelling),
      registryPerson('2906219913477', who['sofia.garcia']!, spelling),
      registryPerson('2010134172088', who['lucas.bernard']!, spelling),
      registryPerson('2900097120631', who['camille.petit']!, spelling),
      registryPerson('1780975115290', who['anne-sophie.lefevre-roy']!, spelling),
      registryPerson('1760230189017', relative['julien.marchand']!, spelling),
      registryPerson('2480230189025', who['yvonne.martin']!, spelling),
    ],
    households: [
      // Marie: single parent of one child (case T), 2 shares.
      household('2430A00000011', 16_200, 2, 'SINGLE', nimes(['12 rue de la Madeleine'], '30000'), ['1234567890123']),
      // Jean and Sylvie: married, two children, 3 shares.
      household('2430A00000022', 50_410, 3, 'MARRIED', nimes(['27 avenue Jean Jaurès'], '30900'), [
        '1072118300154',
        '1074051930022',
      ]),
      // Sofía: lives and pays taxes in Nîmes.
      household('2430A00000033', 26_910, 1, 'SINGLE', nimes(['5 boulevard Victor Hugo', 'Appartement 12'], '30000'), [
        '2906219913477',
      ]),
      // Lucas: lives in Montpellier.
      household(
        '2434A00000044',
        15_480,
        1,
        'SINGLE',
        { lines: ["22 rue de l'Aiguillerie"], postalCode: '34000', city: 'Montpellier', cityCode: '34172' },
        ['2010134172088'],
      ),
      household('2430A00000055', 22_350, 1, 'SINGLE', nimes(['8 rue Fresque'], '30000'), ['2900097120631']),
      // Anne-Sophie and Julien: married, two children, 3 shares.
      household('2430A00000066', 31_200, 3, 'MARRIED', nimes(['19 rue Porte de France'], '30900'), [
        '1780975115290',
        '1760230189017',
      ]),
      // Yvonne: widowed, lives alone in Nîmes, 1 share.
      household('2430A00000077', 18_940, 1, 'WIDOWED', nimes(['3 rue des Lombards'], '30000'), ['2480230189025']),
    ],
  };
}

function household(
  noticeReference: string,
  referenceTaxIncome: number,
  shares: number,
  familySituation: FamilySituation,
  address: TaxHouseholdRecord['address'],
  declarants: [string] | [string, string],
): TaxHouseholdRecord {
  return { noticeReference, incomeYear: INCOME_YEAR, referenceTaxIncome, shares, familySituation, address, declarants };
}

/** Numéro fiscal of a synthetic person: `3`, the household (10 digits), the slot, a check digit. */
export function syntheticTaxNumber(ref: string): string {
  const [household, slot] = ref.split('-').map(Number) as [number, number];
  return `3${String(household).padStart(10, '0')}${slot}${(household + slot) % 10}`;
}

/** Tax shares (quotient familial fiscal): 1 per declarant, ½ for each of the first two children, 1 from the third. */
export function taxShares(declarants: number, children: number, singleParent: boolean): number {
  const forChildren = Math.min(children, 2) * 0.5 + Math.max(children - 2, 0);
  return declarants + forChildren + (singleParent && children > 0 ? 0.5 : 0);
}

function syntheticRecords(households: SyntheticHousehold[]): DgfipRecords {
  const records: DgfipRecords = { persons: [], households: [] };
  for (const h of households) {
    const random = h.random('dgfip');
    // A few adults are unknown to the tax office (recently arrived, never filed).
    const known = h.adults.filter(() => !random.chance(0.02));
    if (!known.length) continue;
    for (const adult of known)
      records.persons.push(registryPerson(syntheticTaxNumber(adult.ref), adult.pivot, spelling));
    const joint = (h.union === 'MARRIED' || h.union === 'CIVIL_PARTNERSHIP') && known.length === 2;
    const returns = joint ? [known] : known.map((adult) => [adult]);
    returns.forEach((declarants, i) => {
      const children = i === 0 ? h.children.length : 0;
      const situation: FamilySituation =
        h.union === 'MARRIED'
          ? 'MARRIED'
          : h.union === 'CIVIL_PARTNERSHIP'
            ? 'CIVIL_PARTNERSHIP'
            : h.union === 'DIVORCED' || h.union === 'WIDOWED'
              ? h.union
              : 'SINGLE';
      records.households.push({
        noticeReference: `24S${String(h.index).padStart(9, '0')}${i}`,
        incomeYear: INCOME_YEAR,
        referenceTaxIncome: Math.round(h.income * (returns.length === 1 ? 1 : i === 0 ? 0.55 : 0.45)),
        shares: taxShares(declarants.length, children, declarants.length === 1 && h.adults.length === 1),
        familySituation: situation,
        address: h.address,
        declarants: declarants.map((adult) => syntheticTaxNumber(adult.ref)) as [string] | [string, string],
      });
    });
  }
  return records;
}

/**
 * The tax compliance of the sandbox companies (docs/sandbox.md "Sandbox companies"), as of
 * yesterday: Marie's bakery, Jean's haulage company and Camille's trade are up to date;
 * Anne-Sophie's consulting company has not filed its VAT return for last quarter.
 */
function sandboxCompanies(today: Date): CompanyTaxComplianceRecord[] {
  const asOf = daysFrom(today, -1);
  const { boulangerieDupont, transportsMartin, petitCamille, lefevreRoyConseil } = SANDBOX_COMPANIES;
  return [
    { siren: boulangerieDupont, asOf, shortfalls: [] },
    { siren: transportsMartin, asOf, shortfalls: [] },
    { siren: petitCamille, asOf, shortfalls: [] },
    {
      siren: lefevreRoyConseil,
      asOf,
      shortfalls: [{ tax: 'TVA', kind: 'RETURN_NOT_FILED', period: previousQuarter(today) }],
    },
  ];
}

/** `YYYY-Tn` of the quarter before `today`'s. */
function previousQuarter(today: Date): string {
  const quarter = Math.floor(today.getUTCMonth() / 3); // 0..3, this quarter
  return quarter === 0 ? `${today.getUTCFullYear() - 1}-T4` : `${today.getUTCFullYear()}-T${quarter}`;
}

/**
 * Synthetic companies (sandbox/seed/companies.ts): the DGFiP knows every active one; about
 * one in twelve is not up to date (a VAT return not filed, a corporate tax or CFE balance
 * unpaid…). Ceased companies have no current situation.
 */
function syntheticCompanyRecords(companies: SyntheticCompany[], today: Date): DgfipRecords {
  const records: DgfipRecords = { persons: [], households: [], companies: [] };
  const lastYear = String(today.getUTCFullYear() - 1);
  for (const c of companies) {
    if (c.ceasedOn) continue;
    const random = c.random('dgfip');
    const asOf = daysFrom(today, -random.int(1, 20));
    const shortfalls: CompanyTaxComplianceRecord['shortfalls'] = [];
    if (random.chance(0.08)) {
      const soleTrader = c.legalForm === '1000';
      const count = random.chance(0.75) ? 1 : 2;
      const taxes = random.chance(0.5) ? (['TVA', soleTrader ? 'IR_PRO' : 'IS'] as const) : (['CFE', 'TVA'] as const);
      for (const tax of taxes.slice(0, count))
        shortfalls.push(
          tax === 'TVA'
            ? { tax, kind: random.chance(0.6) ? 'RETURN_NOT_FILED' : 'PAYMENT_OVERDUE', period: previousQuarter(today) }
            : {
                tax,
                kind: tax === 'CFE' ? 'PAYMENT_OVERDUE' : random.chance(0.5) ? 'RETURN_NOT_FILED' : 'PAYMENT_OVERDUE',
                period: lastYear,
              },
        );
    }
    records.companies!.push({ siren: c.siren, asOf, shortfalls });
  }
  return records;
}

export const registrySeed: RegistrySeed<DgfipRecords> = {
  sandboxRecords: (today) => ({ ...sandboxRecords(), companies: sandboxCompanies(today) }),
  syntheticRecords,
  syntheticCompanyRecords,
};
