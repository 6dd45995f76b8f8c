import type { DataProviderModule } from '../../lib/subgraph/provider.ts';
import { createLoaders, type EntreprisesLoaders } from './loaders.ts';
import { writeRecords, type EntreprisesRecords } from './records.ts';
import { resolvers } from './resolvers.ts';

/**
 * Entreprises — the national company register: companies and establishments (INSEE
 * Sirene, SIREN and SIRET) and their legal representatives (registre national des
 * entreprises). Contract: ./schema.graphql and ./catalog.json; sandbox records: ./seed.ts.
 */
export const provider: DataProviderModule<EntreprisesLoaders, EntreprisesRecords> = {
  migrations: new URL('./migrations/', import.meta.url),
  createLoaders,
  resolvers,
  writeRecords,
};
