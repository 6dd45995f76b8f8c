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

/**
 * Appends events to the chain inside the caller's transaction (`client` must be in
 * one): the action and its record commit together or not at all. The chain head row
 * stays locked until that transaction ends, which serializes appenders.
 */
export async function appendEvents(client: PoolClient, events: readonly AuditEvent[]): Promise<RecordedEvent[]> {
  if (!events.length) return [];
  const head = await client.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.chain_head WHERE id = 1 FOR UPDATE');
  let { seq, hash } = head.rows[0]!;
  const rows: unknown[][] = [[], [], [], [], [], [], [], []];
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
      .forEach((value, i) => rows[i]!.push(value));
    recorded.push({ seq: fields.seq, hash: next });
    seq = fields.seq;
    hash = next;
  }
  await client.query(
    `INSERT INTO audit.events (seq, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[])`,
    rows,
  );
  await client.query('UPDATE audit.chain_head SET seq = $1, hash = $2 WHERE id = 1', [seq, hash]);
  return recorded;
}
