import type { DataProviderModule } from '../../lib/subgraph/provider.ts';
import { createLoaders, type CnafLoaders } from './loaders.ts';
import { writeRecords, type CnafRecords } from './records.ts';
import { resolvers } from './resolvers.ts';

/**
 * CNAF — Caisse nationale des allocations familiales, with the MSA's farming scheme:
 * family quotient of the month, benefits paid and dependent children. Contract: ./schema.graphql and
 * ./catalog.json; sandbox records: ./seed.ts.
 */
export const provider: DataProviderModule<CnafLoaders, CnafRecords> = {
  migrations: new URL('./migrations/', import.meta.url),
  createLoaders,
  resolvers,
  writeRecords,
};
