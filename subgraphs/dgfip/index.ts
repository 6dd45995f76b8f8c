import type { DataProviderModule } from '../../lib/subgraph/provider.ts';
import { createLoaders, type DgfipLoaders } from './loaders.ts';
import { writeRecords, type DgfipRecords } from './records.ts';
import { resolvers } from './resolvers.ts';

/**
 * DGFiP — Direction générale des Finances publiques: the tax address and the tax
 * household (foyer fiscal) of the citizen's latest return. Contract: ./schema.graphql and
 * ./catalog.json; sandbox records: ./seed.ts.
 */
export const provider: DataProviderModule<DgfipLoaders, DgfipRecords> = {
  migrations: new URL('./migrations/', import.meta.url),
  createLoaders,
  resolvers,
  writeRecords,
};
