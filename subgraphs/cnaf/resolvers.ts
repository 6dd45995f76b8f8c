import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { forMatchedCitizen, type CitizenRef, type SubgraphContext } from '../../lib/subgraph/provider.ts';
import type { Benefit, CnafLoaders } from './loaders.ts';

type Context = SubgraphContext<CnafLoaders>;

/** `Benefit` of ./schema.graphql. */
function benefit(row: Benefit) {
  return { kind: row.kind, monthlyAmount: row.monthly_amount, since: row.since };
}

// Every field is null for a citizen who is not a CAF or MSA beneficiary.
export const resolvers: GraphQLResolverMap<Context> = {
  Citizen: {
    familyQuotient: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, async (id) => {
        const row = await loaders.quotient.load(id);
        return row && { value: row.value, month: row.month, regime: row.regime };
      }),
    benefits: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, async (id) => (await loaders.benefits.load(id))?.map(benefit) ?? null),
    dependentChildren: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, (id) => loaders.dependentChildren.load(id)),
  },
};
