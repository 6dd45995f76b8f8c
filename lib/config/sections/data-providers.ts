import { z } from 'zod';
import { Service } from '../common.ts';

/** A data provider: one subgraph, served from its folder `<dataProvidersDir>/<name>` (lib/federation/provider-folders.ts). */
export const DataProvider = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits or _'),
  ...Service,
  /** Audience of the internal tokens the gateway mints for this provider. */
  audience: z.string().optional(),
  /** Database connections of this provider's subgraph process. */
  poolSize: z.number().int().positive().max(200).default(10),
});
export type DataProvider = z.infer<typeof DataProvider>;

export const DataProvidersSection = z.array(DataProvider).min(1)
  .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'data provider names must be unique');

/**
 * The folder holding one folder per data provider (relative to the configuration
 * file's folder). Every folder in it needs a `dataProviders` entry, and every entry a folder.
 */
export const DataProvidersDir = z.string().min(1);
