import type { Pool } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

/**
 * The tamper-evident audit trail shared by the broker and the gateway.
 * - `appendEvents(client, events)`: in the caller's transaction (the action and its record commit together);
 * - `AuditWriter`: group commit for high-rate appenders, with a per-event deadline;
 * - `createCheckpoint`, `CheckpointSigner`, `verifyChain`, `purgeBefore`: signing, checking, retention.
 */
export { appendEvents, type AuditEvent, type RecordedEvent } from './append.ts';
export { AuditWriter, AuditWriteTooLate, type AuditWriterOptions } from './writer.ts';
export { createCheckpoint } from './checkpoint.ts';
export { verifyChain, type Verification } from './verify.ts';
export { purgeBefore } from './purge.ts';

/** Creates or upgrades the `audit` schema and the monthly partitions ahead. */
export async function migrateAudit(pool: Pool, monthsAhead = 3): Promise<void> {
  await migrate(pool, 'audit', new URL('./migrations/', import.meta.url));
  await ensurePartitions(pool, monthsAhead);
}

/**
 * Creates the monthly partitions (UTC) from the current month to `monthsAhead` later, if
 * missing; returns how many were created. Every appending process calls it at start-up
 * and every few hours (concurrent calls are serialized by an advisory lock).
 */
export async function ensurePartitions(pool: Pool, monthsAhead: number): Promise<number> {
  const { rows } = await pool.query<{ created: number }>('SELECT audit.ensure_partitions($1) AS created', [monthsAhead]);
  return rows[0]!.created;
}
