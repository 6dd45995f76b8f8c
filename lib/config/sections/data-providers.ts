import { z } from 'zod';
import { Service } from '../common.ts';

/** A data provider: one subgraph, served from its folder `<dataProvidersDir>/<name>` (lib/federation/provider-folders.ts). */
export const DataProvider = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits or _')
    .describe(
      "The provider's name: its folder `<dataProvidersDir>/<name>/`, its PostgreSQL schema, its component name.",
    ),
  ...Service,
  audience: z
    .string()
    .optional()
    .describe(
      'Audience of the internal tokens the gateway mints for this provider; default: `urn:passerelle:dp:<name>`.',
    ),
  poolSize: z
    .number()
    .int()
    .positive()
    .max(200)
    .default(10)
    .describe("Database connections of this provider's subgraph process."),
});
export type DataProvider = z.infer<typeof DataProvider>;

export const DataProvidersSection = z
  .array(DataProvider)
  .min(1)
  .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'data provider names must be unique')
  .describe(
    "The data providers, one Apollo subgraph each (docs/data-providers.md); at least one, names unique. A provider's GraphQL endpoint is its `url` (at `/graphql` when the URL has no path).",
  );

/**
 * The folder holding one folder per data provider (relative to the configuration
 * file's folder). Every folder in it needs a `dataProviders` entry, and every entry a folder.
 */
export const DataProvidersDir = z
  .string()
  .min(1)
  .describe(
    "The folder holding one folder per data provider (contract, code, migrations, sandbox seed), relative to the configuration file's folder; every folder needs a `dataProviders` entry and every entry a folder (docs/adding-a-data-provider.md).",
  );
