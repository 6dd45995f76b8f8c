import type { DataProviderModule } from '../../lib/subgraph/provider.ts';
import { createLoaders, type CnafLoaders } from './loaders.ts';
import { writeRecords, type CnafRecords } from './records.ts';
import { resolvers } from './resolvers.ts';

/**
 * CNAF — Caisse nationale des allocations familiales, with the MSA's farming scheme:
 * family quotient of the month, benefits paid and dependent children. Contract: schema/cnaf/.
 */
export const provider: DataProviderModule<CnafLoaders, CnafRecords> = {
  migrations: new URL('./migrations/', import.meta.url),
  createLoaders,
  resolvers,
  writeRecords,
};

export type { CnafRecords, DossierRecord, BenefitKind } from './records.ts';
