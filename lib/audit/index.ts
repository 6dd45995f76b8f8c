import type { Pool } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { DEFAULT_SHARD_COUNT } from './shards.ts';

/**
 * The tamper-evident audit trail shared by the broker and the gateway: independent hash
 * chains, the shards (a citizen's events in one), under one signed checkpoint.
 * - `appendEvents(client, events)`: in the caller's transaction (the action and its record commit together);
 * - `AuditWriter`: group commit for high-rate appenders, with a per-event deadline;
 * - `createCheckpoint`, `CheckpointSigner`, `verifyChain`, `purgeBefore`: signing, checking, retention.
 */
export { appendEvents, type AuditEvent, type RecordedEvent } from './append.ts';
export { AuditWriter, AuditWriteTooLate, type AuditWriterOptions } from './writer.ts';
export { checkpointKey, createCheckpoint, type Checkpoint, type SigningKey } from './checkpoint.ts';
export { CheckpointSigner } from './checkpoint-signer.ts';
export { verifyChain, type Broken, type ShardVerification, type Verification } from './verify.ts';
export { purgeBefore, type ShardPurge } from './purge.ts';
export { DEFAULT_SHARD_COUNT, shardOf } from './shards.ts';

export interface AuditLayout {
  /** Monthly partitions created ahead of the current month (`audit.partitionsAhead`). */
  partitionsAhead?: number;
  /** Shards new events are spread over (`audit.shards`). */
  shards?: number;
}

/**
 * Creates or upgrades the `audit` schema, the monthly partitions ahead and the shards
 * (`audit.set_shard_count`: the count applies to every appender at once, whichever process
 * set it last — configure them all alike). Returns the shard count before and after.
 */
export async function migrateAudit(
  pool: Pool,
  layout: AuditLayout = {},
): Promise<{ shardsBefore: number; shards: number }> {
  const shards = layout.shards ?? DEFAULT_SHARD_COUNT;
  await migrate(pool, 'audit', new URL('./migrations/', import.meta.url));
  await ensurePartitions(pool, layout.partitionsAhead ?? 3);
  const { rows } = await pool.query<{ before: number }>('SELECT audit.set_shard_count($1) AS before', [shards]);
  return { shardsBefore: rows[0]!.before, shards };
}

/**
 * Creates the monthly partitions (UTC) from the current month to `monthsAhead` later, if
 * missing; returns how many were created. Every appending process calls it at start-up
 * and every few hours (concurrent calls are serialized by an advisory lock).
 */
export async function ensurePartitions(pool: Pool, monthsAhead: number): Promise<number> {
  const { rows } = await pool.query<{ created: number }>('SELECT audit.ensure_partitions($1) AS created', [
    monthsAhead,
  ]);
  return rows[0]!.created;
}
