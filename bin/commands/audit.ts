import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadPlatformConfig } from '../config.ts';
import { openDatabase } from '../../lib/db/database.ts';
import {
  checkpointKey,
  createCheckpoint,
  migrateAudit,
  purgeBefore,
  verifyChain,
  type Broken,
  type Verification,
} from '../../lib/audit/index.ts';
import { publicJwks, type Jwks } from '../../lib/keys.ts';

/** Worker threads `verify` hashes in by default: one core each (hashing bounds it). */
const DEFAULT_THREADS = Math.min(4, os.availableParallelism());

/**
 * `passerelle audit verify [--threads N]` — checks the signed checkpoints, then walks every shard's chain in N
 *   worker threads (default: up to 4, one per core), one line per shard: its events and head, or its first broken link;
 * `passerelle audit checkpoint` — signs every shard's head (their Merkle root) with the broker's key;
 * `passerelle audit purge [--before YYYY-MM-DD]` — retention purge, shard by shard, up to the last checkpoint
 *   before that date (default: `audit.retentionDays` ago).
 * Uses DATABASE_URL (or the embedded database when the platform is not running), and applies `audit.shards`
 * to it as every process does at start-up.
 */
export async function run(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { before: { type: 'string' }, threads: { type: 'string' } },
  });
  const action = positionals[0];
  if (!action || !['verify', 'checkpoint', 'purge'].includes(action)) {
    console.error('usage: passerelle audit <verify [--threads N]|checkpoint|purge [--before YYYY-MM-DD]>');
    return 2;
  }
  const threads = values.threads === undefined ? DEFAULT_THREADS : Number(values.threads);
  if (action !== 'verify' && values.threads !== undefined) {
    console.error('--threads only applies to verify');
    return 2;
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    console.error(`--threads must be a whole number from 1 to 64, got "${values.threads}"`);
    return 2;
  }
  if (action !== 'purge' && values.before !== undefined) {
    console.error('--before only applies to purge');
    return 2;
  }
  const config = loadPlatformConfig();
  const brokerKeys = config.secretJson<Jwks>(config.broker.keys, 'broker.keys');
  const database = await openDatabase({
    databaseUrl: config.database.url,
    embeddedDataDir: config.database.url ? undefined : `${config.dir}/${config.database.embeddedDataDir}`,
  });
  const pool = database.pool({ max: 2, applicationName: 'passerelle-audit' });
  try {
    await migrateAudit(pool, config.audit);
    if (action === 'verify') {
      const result = await verifyChain(pool, publicJwks(brokerKeys).keys, {
        workers: { databaseUrl: database.url, threads },
      });
      for (const line of verificationLines(result)) (result.ok ? console.log : console.error)(line);
      return result.ok ? 0 : 1;
    }
    if (action === 'checkpoint') {
      const checkpoint = await createCheckpoint(pool, await checkpointKey(brokerKeys));
      console.log(
        !checkpoint
          ? 'nothing to sign: every shard is empty'
          : checkpoint.created
            ? `checkpoint ${checkpoint.id} signed: the heads of ${checkpoint.heads.length} shards (Merkle root ${checkpoint.root})`
            : `the heads of the ${checkpoint.heads.length} shards were already signed at ${checkpoint.signedAt.toISOString()} (checkpoint ${checkpoint.id}): nothing new to sign`,
      );
      for (const head of checkpoint?.heads ?? [])
        if (head.seq > 0) console.log(`  shard ${head.shard}: head at event ${head.seq}`);
      return 0;
    }
    const before = purgeCutoff(values.before, config.audit.retentionDays);
    if (!before) {
      console.error(`--before must be a date (YYYY-MM-DD), got "${values.before}"`);
      return 2;
    }
    const result = await purgeBefore(pool, before);
    console.log(
      `purge of the events before ${before.toISOString()}${values.before ? '' : ` (audit.retentionDays: ${config.audit.retentionDays})`}: ` +
        `${result.removed} removed in ${result.shards.filter((s) => s.removed).length} of ${result.shards.length} shards`,
    );
    for (const shard of result.shards) {
      if (shard.removed)
        console.log(
          `  shard ${shard.shard}: ${shard.removed} removed; its chain now starts after signed event ${shard.anchorSeq}`,
        );
    }
    return 0;
  } finally {
    await database.close();
  }
}

/** The purge cutoff: `--before` when given (null if it is not a date), else `retentionDays` before now. */
export function purgeCutoff(before: string | undefined, retentionDays: number, now = new Date()): Date | null {
  if (before === undefined) return new Date(now.getTime() - retentionDays * 86_400_000);
  const date = /^\d{4}-\d{2}-\d{2}/.test(before) ? new Date(before) : new Date(NaN);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `verify`'s report: one line per shard, the checkpoints' problems, then the verdict. */
export function verificationLines(result: Verification): string[] {
  const where = (b: Broken) =>
    [
      b.checkpoint !== undefined ? `checkpoint ${b.checkpoint}` : '',
      b.shard !== undefined ? `shard ${b.shard}` : '',
      b.seq !== undefined ? `event ${b.seq}` : '',
    ]
      .filter(Boolean)
      .join(', ');
  const lines = result.shards.map((s) =>
    s.broken
      ? `shard ${s.shard}: BROKEN at event ${s.broken.seq}: ${s.broken.reason} (${s.events} events verified before it)`
      : `shard ${s.shard}: OK, ${s.events} events${s.headSeq ? `, head at event ${s.headSeq}` : ''}`,
  );
  lines.push(
    ...result.broken
      .filter((b) => !result.shards.some((s) => s.broken === b))
      .map((b) => `BROKEN (${where(b)}): ${b.reason}`),
  );
  lines.push(
    result.ok
      ? `audit chain OK: ${result.events} events in ${result.shards.length} shards, ${result.checkpoints} signed checkpoints`
      : `audit chain BROKEN: ${result.broken.length} problem${result.broken.length > 1 ? 's' : ''}, the first at ${where(result.firstBroken!)}: ${result.firstBroken!.reason}`,
  );
  return lines;
}
