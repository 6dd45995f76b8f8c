import type { PoolClient } from '../db/database.ts';
import { linkHash, type Json } from './chain.ts';

/** An event to record. `data` holds labels, field names and codes — never personal data values. */
export interface AuditEvent {
  kind: string;
  citizenRef?: string | null;
  clientId?: string | null;
  data?: { [key: string]: Json };
  occurredAt?: Date;
}

export interface RecordedEvent { seq: number; hash: string }

/** The chain head as locked by an appending transaction, with the database clock read once the lock was held. */
export interface LockedHead { seq: number; hash: string; now: Date }

/**
 * Locks the chain head row until the transaction ends: appenders are serialized, so the
 * chain has no fork and no gap. `now` is the database clock read AFTER the lock was
 * granted (the outer projection runs once the materialized CTE has returned the locked
 * row), for appenders whose events carry a deadline.
 */
export const LOCK_HEAD = `
  WITH head AS MATERIALIZED (SELECT seq, hash FROM audit.chain_head WHERE id = 1 FOR UPDATE)
  SELECT seq, hash, clock_timestamp() AS now FROM head`;

/** The events' rows and the head update in one statement: one round trip per batch. */
const INSERT_AND_MOVE_HEAD = `
  WITH inserted AS (
    INSERT INTO audit.events (seq, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash)
    SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[])
  )
  UPDATE audit.chain_head SET seq = $9, hash = $10 WHERE id = 1`;

export async function lockHead(client: PoolClient): Promise<LockedHead> {
  const { rows } = await client.query<LockedHead>(LOCK_HEAD);
  return rows[0]!;
}

/**
 * Chains `events` after `head` and writes them; the caller holds the head lock (same
 * transaction). `statementName` makes it a named prepared statement (parsed once per
 * connection) — not on the embedded database, whose connections share one session.
 */
export async function appendAfter(client: PoolClient, head: { seq: number; hash: string }, events: readonly AuditEvent[], statementName?: string): Promise<RecordedEvent[]> {
  if (!events.length) return [];
  let { seq, hash } = head;
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  const recorded: RecordedEvent[] = [];
  for (const event of events) {
    const fields = {
      seq: seq + 1,
      // Millisecond precision, so that what is stored hashes back identically.
      occurredAt: new Date(Math.floor((event.occurredAt ?? new Date()).getTime())),
      kind: event.kind,
      citizenRef: event.citizenRef ?? null,
      clientId: event.clientId ?? null,
      data: event.data ?? {},
    };
    const next = linkHash(hash, fields);
    [fields.seq, fields.occurredAt.toISOString(), fields.kind, fields.citizenRef, fields.clientId, JSON.stringify(fields.data), hash, next]
      .forEach((value, i) => columns[i]!.push(value));
    recorded.push({ seq: fields.seq, hash: next });
    seq = fields.seq;
    hash = next;
  }
  const values = [...columns, seq, hash];
  await client.query(statementName ? { name: statementName, text: INSERT_AND_MOVE_HEAD, values } : { text: INSERT_AND_MOVE_HEAD, values });
  return recorded;
}

/**
 * Appends events to the chain inside the caller's transaction (`client` must be in
 * one): the action and its record commit together or not at all. The chain head row
 * stays locked until that transaction ends, which serializes appenders.
 */
export async function appendEvents(client: PoolClient, events: readonly AuditEvent[]): Promise<RecordedEvent[]> {
  if (!events.length) return [];
  return appendAfter(client, await lockHead(client), events);
}
