import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { forMatchedCitizen, type CitizenRef, type SubgraphContext } from '../../lib/subgraph/provider.ts';
import type { AntsLoaders, VehicleRow } from './loaders.ts';

type Context = SubgraphContext<AntsLoaders>;

/** `Vehicle` of ./schema.graphql. */
function vehicle(row: VehicleRow) {
  return {
    registrationNumber: row.registration_number,
    holderRole: row.role,
    make: row.make,
    model: row.model,
    category: row.category,
    energy: row.energy,
    firstRegistrationDate: row.first_registration_date,
    critAir: row.crit_air,
  };
}

export const resolvers: GraphQLResolverMap<Context> = {
  Citizen: {
    // A citizen known to the SIV holds vehicles (possibly none left: an empty list).
    vehicles: (citizen: CitizenRef, _args, { loaders }: Context) =>
      forMatchedCitizen(citizen, async (id) => (await loaders.vehicles.load(id)).map(vehicle)),
  },
};
