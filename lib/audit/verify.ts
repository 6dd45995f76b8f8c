import type { JWK } from 'jose';
import type { Pool } from '../db/database.ts';
import { checkCheckpoints, type Broken } from './verify-checkpoints.ts';
import { verifyShard, type ShardVerification } from './verify-shard.ts';
import { verifyInWorkers } from './verify-workers.ts';

/**
 * `audit verify`: every signed checkpoint (signature, Merkle root, the heads stored beside
 * it), then each shard's chain against its head and the heads valid checkpoints signed for
 * it, several shards at once (each on its own connection: the database reads one while
 * this process hashes another; or in worker threads, one core each), and no event outside
 * a known shard. Each shard stops at
 * its first broken link; the others are still checked.
 */
export interface Verification {
  ok: boolean;
  /** Events checked, every shard together. */
  events: number;
  checkpoints: number;
  /** Each shard's result, in shard order. */
  shards: ShardVerification[];
  /** Everything found broken: checkpoints first, then shards in order. */
  broken: Broken[];
  /** The first of `broken`. */
  firstBroken?: Broken;
}

export type { Broken, ShardVerification };

export interface VerifyOptions {
  /** Shards verified at once; the pool must allow as many connections. Default 4. */
  concurrency?: number;
  /**
   * Verify the shards in `threads` worker threads instead, each on its own connection to
   * `databaseUrl`: hashing is what bounds verification, and a thread uses one core.
   */
  workers?: { databaseUrl: string; threads: number };
}

export async function verifyChain(
  pool: Pool,
  publicKeys: readonly JWK[],
  options: VerifyOptions = {},
): Promise<Verification> {
  const checkpoints = await checkCheckpoints(pool, publicKeys);
  const { rows } = await pool.query<{ shard: number }>('SELECT shard FROM audit.shards ORDER BY shard');
  const known = rows.map((r) => r.shard);

  const shards = options.workers
    ? await verifyInWorkers(
        options.workers.databaseUrl,
        known.map((shard) => ({ shard, signed: checkpoints.signed.get(shard) ?? [] })),
        options.workers.threads,
      )
    : await mapConcurrently(known, options.concurrency ?? 4, (shard) =>
        verifyShard(pool, shard, checkpoints.signed.get(shard) ?? []),
      );
  const broken = [
    ...checkpoints.broken,
    ...[...checkpoints.signed.keys()]
      .filter((shard) => !known.includes(shard))
      .map((shard): Broken => ({
        shard,
        reason: `checkpoints signed the head of shard ${shard}, which has no head row any more: deleted`,
      })),
    ...(await unknownShards(pool, known)).map((shard): Broken => ({
      shard,
      reason: `events in shard ${shard}, which has no head row: inserted`,
    })),
    ...shards.flatMap((s) => (s.broken ? [s.broken] : [])),
  ].sort((a, b) => (a.shard ?? -1) - (b.shard ?? -1));
  return {
    ok: broken.length === 0,
    events: shards.reduce((sum, s) => sum + s.events, 0),
    checkpoints: checkpoints.count,
    shards,
    broken,
    ...(broken.length ? { firstBroken: broken[0] } : {}),
  };
}

/** The shards of `audit.events` that `known` lacks (a loose index scan: one probe per distinct shard). */
async function unknownShards(pool: Pool, known: readonly number[]): Promise<number[]> {
  const { rows } = await pool.query<{ shard: number }>(
    `WITH RECURSIVE present AS (
       SELECT min(shard) AS shard FROM audit.events
       UNION ALL
       SELECT (SELECT min(shard) FROM audit.events WHERE shard > present.shard) FROM present WHERE present.shard IS NOT NULL)
     SELECT shard FROM present WHERE shard IS NOT NULL AND shard <> ALL ($1::smallint[])`,
    [known],
  );
  return rows.map((r) => r.shard);
}

/** `work` over `items`, at most `concurrency` at a time; results in the order of `items`. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}
