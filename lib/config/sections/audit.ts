import { z } from 'zod';

/** The platform's audit trail (lib/audit/, docs/audit.md). */
export const AuditSection = z.strictObject({
  checkpointIntervalSeconds: z.number().int().min(10).max(86_400).default(300).describe(
    'How often a broker signs a checkpoint of the chain head with its key, when the chain moved (one broker at a time). '
    + 'It bounds how much of the chain\'s end could be cut or rewritten unnoticed by a third party, and how finely the retention purge can cut.'),
  retentionDays: z.number().int().min(30).max(3650).default(365).describe(
    'Events older than this are purged by `passerelle audit purge` (up to the last signed checkpoint before the cutoff). '
    + 'One year: the CNIL\'s recommendation on logging advises six months to a year; a year covers the yearly procedures '
    + '(tax, benefits) a citizen may want to look back on, and leaves time to investigate a dispute.'),
  partitionsAhead: z.number().int().min(1).max(24).default(3).describe('Monthly partitions of `audit.events` created ahead of the current month.'),
}).prefault({}).describe('The platform\'s tamper-evident audit trail, shared by the broker and the gateway (docs/audit.md).');
export type AuditSettings = z.output<typeof AuditSection>;
