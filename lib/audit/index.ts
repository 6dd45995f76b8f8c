import type { Pool } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

/**
 * The tamper-evident audit trail shared by the broker and the gateway.
 * - `appendEvents(client, events)`: in the caller's transaction (the action and its record commit together);
 * - `AuditWriter`: group commit for high-rate appenders;
 * - `createCheckpoint`, `verifyChain`, `purgeBefore`: signing, checking, retention.
 */
export { appendEvents, type AuditEvent, type RecordedEvent } from './append.ts';
export { AuditWriter } from './writer.ts';
export { createCheckpoint } from './checkpoint.ts';
export { verifyChain, type Verification } from './verify.ts';
export { purgeBefore } from './purge.ts';

/** Creates or upgrades the `audit` schema and the monthly partitions ahead. */
export async function migrateAudit(pool: Pool): Promise<void> {
  await migrate(pool, 'audit', new URL('./migrations/', import.meta.url));
  await pool.query('SELECT audit.ensure_partitions(2)');
}
