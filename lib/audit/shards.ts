import { createHash } from 'node:crypto';

/**
 * The audit trail is several independent chains, the shards (migration 004). An event
 * goes to its citizen's shard, so that a citizen's whole history is one chain; appenders
 * writing for different citizens take different head locks and do not wait for one
 * another. PostgreSQL picks the shard (`audit.shard_of`, with the count recorded by
 * `audit.set_shard_count`), so that every process spreads events alike; this is the same
 * function, for readers that need to know where a citizen's events are.
 */
export const DEFAULT_SHARD_COUNT = 16;
export const MAX_SHARD_COUNT = 1024;

/** The shard of `citizenRef`'s events when they are spread over `shardCount` shards. */
export function shardOf(citizenRef: string, shardCount: number): number {
  return createHash('sha256').update(citizenRef, 'utf8').digest().readUInt32BE(0) % shardCount;
}
