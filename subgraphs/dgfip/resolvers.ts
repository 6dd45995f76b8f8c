import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import {
  forMatchedCitizen,
  type CitizenRef,
  type CompanyRef,
  type SubgraphContext,
} from '../../lib/subgraph/provider.ts';
import type { DgfipLoaders, HouseholdRow, TaxComplianceRow } from './loaders.ts';

type Context = SubgraphContext<DgfipLoaders>;

/** `TaxAddress` of ./schema.graphql. */
function taxAddress(row: HouseholdRow) {
  return { lines: row.address_lines, postalCode: row.postal_code, city: row.city, cityCode: row.city_code };
}

/** `TaxHousehold` of ./schema.graphql. */
function taxHousehold(row: HouseholdRow) {
  return {
    taxYear: row.income_year,
    referenceTaxIncome: row.reference_tax_income,
    shares: row.shares,
    familySituation: row.family_situation,
  };
}

const TAX_LABELS: Readonly<Record<string, string>> = {
  TVA: 'Taxe sur la valeur ajoutée',
  IS: 'Impôt sur les sociétés',
  CFE: 'Cotisation foncière des entreprises',
  IR_PRO: 'Impôt sur le revenu (bénéfices professionnels)',
};

/** `FiscalCompliance` of ./schema.graphql. */
function fiscalCompliance(row: TaxComplianceRow) {
  return {
    upToDate: row.up_to_date,
    asOf: row.as_of,
    missing: row.shortfalls.map((s) => ({ tax: s.tax, taxLabel: TAX_LABELS[s.tax], kind: s.kind, period: s.period })),
  };
}

export const resolvers: GraphQLResolverMap<Context> = {
  Citizen: {
    taxAddress: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, async (id) => {
        const row = await loaders.household.load(id);
        return row && taxAddress(row);
      }),
    taxHousehold: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, async (id) => {
        const row = await loaders.household.load(id);
        return row && taxHousehold(row);
      }),
  },
  // The token's company only (the runtime checked the reference); null when the DGFiP does not know it.
  Company: {
    fiscalCompliance: async ({ siren }: CompanyRef, _args, { loaders }: Context) => {
      const row = await loaders.taxCompliance.load(siren);
      return row && fiscalCompliance(row);
    },
  },
};
