import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The hash chain of the audit trail. Each event's hash covers the previous hash and
 * the event's canonical JSON (RFC 8785), so altering, deleting, inserting or
 * reordering any row breaks every later link.
 *
 *   hash(n) = SHA-256( hash(n-1) || "\n" || JCS({ seq, occurredAt, kind, citizenRef, clientId, data }) )
 *
 * with hash(0) = 64 zeros (or the anchor checkpoint's hash after a retention purge).
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  occurredAt: Date;
  kind: string;
  citizenRef: string | null;
  clientId: string | null;
  data: { [key: string]: Json };
}

export function linkHash(prevHash: string, event: ChainedFields): string {
  const body = canonicalize({
    seq: event.seq,
    occurredAt: event.occurredAt.toISOString(),
    kind: event.kind,
    citizenRef: event.citizenRef,
    clientId: event.clientId,
    data: event.data,
  });
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(body ?? '')
    .digest('hex');
}

/**
 * The JCS of an event's chained fields but `seq`, which only the appending transaction
 * knows: PostgreSQL completes and hashes it (`audit.append`, migration 003). "seq" sorts
 * after every other key, so `body` without its last brace, then `,"seq":<n>}`, is the
 * JCS `linkHash` hashes.
 */
export function chainBody(event: Omit<ChainedFields, 'seq'>): string {
  return (
    canonicalize({
      occurredAt: event.occurredAt.toISOString(),
      kind: event.kind,
      citizenRef: event.citizenRef,
      clientId: event.clientId,
      data: event.data,
    }) ?? ''
  );
}
