import { z } from 'zod';

export const DatabaseSection = z
  .strictObject({
    url: z
      .string()
      .startsWith('postgres', 'must be a postgres:// URL')
      .optional()
      .meta({ title: 'postgres:// URL' })
      .describe('PostgreSQL URL; usually given by `DATABASE_URL`. Unset: an embedded PostgreSQL (PGlite).'),
    embeddedDataDir: z
      .string()
      .default('.data/pglite')
      .describe(
        "Where the embedded PostgreSQL keeps its files (relative to the configuration file's folder; git-ignored).",
      ),
  })
  .prefault({})
  .describe('The PostgreSQL database every component keeps its state in, each in its own schema.');
