import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { CompanyRef, SubgraphContext } from '../../lib/subgraph/provider.ts';
import type { AccountRow, UrssafLoaders } from './loaders.ts';
import { EMPLOYEES_BANDS } from './nomenclatures.ts';

type Context = SubgraphContext<UrssafLoaders>;

/** `SocialCompliance` of ./schema.graphql. */
function socialCompliance(row: AccountRow) {
  return {
    upToDate: row.up_to_date,
    asOf: row.checked_on,
    validUntil: row.valid_until,
    attestationNumber: row.attestation_number,
    employeesBand: { code: row.employees_band, label: EMPLOYEES_BANDS[row.employees_band] },
  };
}

// The token's company only (the runtime checked the reference); null when URSSAF has no account for it.
export const resolvers: GraphQLResolverMap<Context> = {
  Company: {
    socialCompliance: async ({ siren }: CompanyRef, _args, { loaders }: Context) => {
      const row = await loaders.account.load(siren);
      return row && socialCompliance(row);
    },
  },
};
