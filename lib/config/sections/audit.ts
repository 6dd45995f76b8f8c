import { z } from 'zod';
import { DEFAULT_SHARD_COUNT, MAX_SHARD_COUNT } from '../../audit/shards.ts';

/** The platform's audit trail (lib/audit/, docs/audit.md). */
export const AuditSection = z
  .strictObject({
    checkpointIntervalSeconds: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(300)
      .describe(
        "How often a broker signs a checkpoint of every shard's head with its key, when one moved (one broker at a time). " +
          "It bounds how much of a chain's end could be cut or rewritten unnoticed by a third party, and how finely the retention purge can cut.",
      ),
    retentionDays: z
      .number()
      .int()
      .min(30)
      .max(3650)
      .default(365)
      .describe(
        'Events older than this are purged by `passerelle audit purge` (up to the last signed checkpoint before the cutoff). ' +
          "One year: the CNIL's recommendation on logging advises six months to a year; a year covers the yearly procedures " +
          '(tax, benefits) a citizen may want to look back on, and leaves time to investigate a dispute.',
      ),
    partitionsAhead: z
      .number()
      .int()
      .min(1)
      .max(24)
      .default(3)
      .describe('Monthly partitions of `audit.events` created ahead of the current month.'),
    shards: z
      .number()
      .int()
      .min(1)
      .max(MAX_SHARD_COUNT)
      .default(DEFAULT_SHARD_COUNT)
      .describe(
        "Independent chains the events are spread over, by citizen (each citizen's history in one): appenders of different shards never wait for one another. " +
          'Applied to the database at every start-up, for every process at once (configure them all alike). Changing it is safe: no chain is rewritten, ' +
          'no event moves; shards beyond a smaller count keep their chains (still verified) and receive nothing new. 16: with PostgreSQL alone at 32 ' +
          'concurrent appenders, 16 shards append 3.5 × as fast as one, and more shards no faster (docs/audit-scaling.md).',
      ),
  })
  .prefault({})
  .describe(
    "The platform's tamper-evident audit trail, shared by the broker and the gateway (docs/audit.md, docs/audit-scaling.md).",
  );
export type AuditSettings = z.output<typeof AuditSection>;
