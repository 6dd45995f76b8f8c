import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { forMatchedCitizen, type CitizenRef, type SubgraphContext } from '../../lib/subgraph/provider.ts';
import type { DgfipLoaders, HouseholdRow } from './loaders.ts';

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
};
