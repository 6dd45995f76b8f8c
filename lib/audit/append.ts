import type { PoolClient } from '../db/database.ts';
import { chainBody, type Json } from './chain.ts';

/** An event to record. `data` holds labels, field names and codes — never personal data values. */
export interface AuditEvent {
  kind: string;
  citizenRef?: string | null;
  clientId?: string | null;
  data?: { [key: string]: Json };
  occurredAt?: Date;
}

/** Where an event went: its shard, its seq (unique across shards) and its hash in that shard's chain. */
export interface RecordedEvent {
  shard: number;
  seq: number;
  hash: string;
}

/**
 * One event as `audit.append` (lib/audit/migrations/004_shards.sql) takes it: its columns, its
 * chain body (chain.ts `chainBody`), and for writers that answer within a time limit a
 * deadline past which it must not be written.
 */
export function toAppendInput(event: AuditEvent, deadline?: number): Record<string, unknown> {
  const fields = {
    // Millisecond precision, so that what is stored hashes back identically.
    occurredAt: new Date(Math.floor((event.occurredAt ?? new Date()).getTime())),
    kind: event.kind,
    citizenRef: event.citizenRef ?? null,
    clientId: event.clientId ?? null,
    data: event.data ?? {},
  };
  return {
    ...fields,
    occurredAt: fields.occurredAt.toISOString(),
    body: chainBody(fields),
    ...(deadline === undefined || deadline === Infinity ? {} : { deadline: new Date(deadline).toISOString() }),
  };
}

/** `audit.append`'s rows: the index in the batch of each event written, its shard, seq and hash. */
export interface AppendedRow {
  idx: number;
  event_shard: number;
  event_seq: string | number;
  event_hash: string;
}

/** The call to `audit.append` on `batch` (a parameter like `$1`, or an escaped literal). */
export function appendCall(batch: string): string {
  return `SELECT idx, event_shard, event_seq, event_hash FROM audit.append(${batch}::jsonb)`;
}

export function recordedOf(row: AppendedRow): RecordedEvent {
  return { shard: row.event_shard, seq: Number(row.event_seq), hash: row.event_hash };
}

/**
 * Appends events to the chain inside the caller's transaction (`client` must be in
 * one): the action and its record commit together or not at all. The head of each shard
 * written to (the citizen's) stays locked until that transaction ends, which serializes
 * the appenders of that shard: append last, just before committing, and record one
 * citizen's events per transaction (shards are locked in order within one call, not
 * across calls: two calls in one transaction, for two citizens, could meet another
 * transaction doing the same the other way round, and PostgreSQL would abort one).
 */
export async function appendEvents(client: PoolClient, events: readonly AuditEvent[]): Promise<RecordedEvent[]> {
  if (!events.length) return [];
  const { rows } = await client.query<AppendedRow>(appendCall('$1'), [
    JSON.stringify(events.map((e) => toAppendInput(e))),
  ]);
  return rows.map(recordedOf);
}
