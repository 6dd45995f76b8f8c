import type { DataProviderModule } from '../../lib/subgraph/provider.ts';
import { createLoaders, type UrssafLoaders } from './loaders.ts';
import { writeRecords, type UrssafRecords } from './records.ts';
import { resolvers } from './resolvers.ts';

/**
 * URSSAF — the collector of social contributions: a company's attestation de vigilance
 * (up to date or not, its date, number and end of validity) and its employee band. It
 * serves `Company` only (docs/companies.md). Contract: ./schema.graphql and ./catalog.json;
 * sandbox records: ./seed.ts.
 */
export const provider: DataProviderModule<UrssafLoaders, UrssafRecords> = {
  migrations: new URL('./migrations/', import.meta.url),
  createLoaders,
  resolvers,
  writeRecords,
};
