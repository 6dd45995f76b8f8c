import type { DataProviderModule } from '../../lib/subgraph/provider.ts';
import { createLoaders, type AntsLoaders } from './loaders.ts';
import { writeRecords, type AntsRecords } from './records.ts';
import { resolvers } from './resolvers.ts';

/**
 * ANTS — Agence nationale des titres sécurisés, vehicle registry (SIV): the vehicles
 * the citizen holds or co-holds and their Crit'Air class. Contract: ./schema.graphql and
 * ./catalog.json; sandbox records: ./seed.ts.
 */
export const provider: DataProviderModule<AntsLoaders, AntsRecords> = {
  migrations: new URL('./migrations/', import.meta.url),
  createLoaders,
  resolvers,
  writeRecords,
};
