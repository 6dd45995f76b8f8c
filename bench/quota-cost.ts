import { openDatabase, type Pool } from '../lib/db/database.ts';
import { createLogger } from '../lib/log.ts';
import { QuotaLimiter, migrateQuota, type QuotaRule } from '../lib/quota/index.ts';
import { createScratchDatabase, dropScratchDatabase } from './scratch-database.ts';

/**
 * What a quota check adds to a gateway request (lib/quota/): one counter increment, on a
 * pool of 4 connections as the gateway's. Sequential (the latency a request waits), and
 * 32 in flight on one SP's row (the throughput one busy SP gets from a window's row),
 * for the unlogged table and for the same table logged (what UNLOGGED saves: no WAL flush
 * while the row is held). A gateway request makes two (per second, per day).
 * Run: DATABASE_URL=postgres://… npx tsx bench/quota-cost.ts (else on the embedded database)
 */
const SCRATCH = 'passerelle_bench_quota';
const rule: QuotaRule = { quota: 'gatewayRequestsPerSecond', policy: 'per-second', limit: 1e9, windowSeconds: 1 };

async function measure(pool: Pool, iterations: number): Promise<{ sequentialUs: number; concurrentPerSecond: number }> {
  const limiter = new QuotaLimiter(pool, { component: 'bench', logger: createLogger('bench', 'silent') });
  try {
    for (let i = 0; i < 200; i++) await limiter.consume({ clientId: 'warm-up', rule });
    let started = performance.now();
    for (let i = 0; i < iterations; i++) await limiter.consume({ clientId: 'sequential', rule });
    const sequentialUs = ((performance.now() - started) / iterations) * 1000;
    started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next++ < iterations) await limiter.consume({ clientId: 'concurrent', rule });
      }),
    );
    return { sequentialUs, concurrentPerSecond: iterations / ((performance.now() - started) / 1000) };
  } finally {
    await limiter.close();
  }
}

export async function measureQuotaCost(iterations = 5000): Promise<Record<string, number>> {
  const server = process.env.DATABASE_URL;
  const database = server ? await createScratchDatabase(server, SCRATCH) : await openDatabase({});
  try {
    const pool = database.pool({ max: 4 });
    await migrateQuota(pool);
    const unlogged = await measure(pool, iterations);
    await pool.query('ALTER TABLE quota.counters SET LOGGED');
    const logged = await measure(pool, iterations);
    return {
      'one increment, sequential (µs)': unlogged.sequentialUs,
      'increments/s, 32 in flight on one row': unlogged.concurrentPerSecond,
      'same, logged table: sequential (µs)': logged.sequentialUs,
      'same, logged table: increments/s, 32 in flight': logged.concurrentPerSecond,
    };
  } finally {
    await database.close();
    if (server) await dropScratchDatabase(server, SCRATCH);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [what, value] of Object.entries(await measureQuotaCost())) console.log(`${what}: ${value.toFixed(1)}`);
}
