import { z } from 'zod';

export const DatabaseSection = z.strictObject({
  /** PostgreSQL URL; usually given by DATABASE_URL. Unset: embedded PostgreSQL. */
  url: z.string().startsWith('postgres', 'must be a postgres:// URL').optional(),
  /** Where the embedded PostgreSQL keeps its files (git-ignored). */
  embeddedDataDir: z.string().default('.data/pglite'),
}).prefault({});
