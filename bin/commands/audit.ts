import { parseArgs } from 'node:util';
import { loadPlatformConfig } from '../config.ts';
import { openDatabase } from '../../lib/db/database.ts';
import { checkpointKey, createCheckpoint, migrateAudit, purgeBefore, verifyChain } from '../../lib/audit/index.ts';
import { publicJwks, type Jwks } from '../../lib/keys.ts';

/**
 * `passerelle audit verify` — walks the audit chain and its signed checkpoints, reports the first broken link;
 * `passerelle audit checkpoint` — signs the current chain head with the broker's key;
 * `passerelle audit purge [--before YYYY-MM-DD]` — retention purge up to the last checkpoint before that date
 *   (default: `audit.retentionDays` ago).
 * Uses DATABASE_URL (or the embedded database when the platform is not running).
 */
export async function run(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { before: { type: 'string' } } });
  const action = positionals[0];
  if (!action || !['verify', 'checkpoint', 'purge'].includes(action)) {
    console.error('usage: passerelle audit <verify|checkpoint|purge [--before YYYY-MM-DD]>');
    return 2;
  }
  if (action !== 'purge' && values.before !== undefined) {
    console.error('--before only applies to purge');
    return 2;
  }
  const config = loadPlatformConfig();
  const brokerKeys = config.secretJson<Jwks>(config.broker.keys, 'broker.keys');
  const database = await openDatabase({ databaseUrl: config.database.url, embeddedDataDir: config.database.url ? undefined : `${config.dir}/${config.database.embeddedDataDir}` });
  const pool = database.pool({ max: 2, applicationName: 'passerelle-audit' });
  try {
    await migrateAudit(pool, config.audit.partitionsAhead);
    if (action === 'verify') {
      const result = await verifyChain(pool, publicJwks(brokerKeys).keys);
      if (result.ok) {
        console.log(`audit chain OK: ${result.events} events, ${result.checkpoints} signed checkpoints`);
        return 0;
      }
      console.error(`audit chain BROKEN at event ${result.firstBroken!.seq}: ${result.firstBroken!.reason} (${result.events} events verified before it)`);
      return 1;
    }
    if (action === 'checkpoint') {
      const checkpoint = await createCheckpoint(pool, await checkpointKey(brokerKeys));
      console.log(!checkpoint ? 'nothing to sign: the chain is empty'
        : checkpoint.created ? `checkpoint signed at event ${checkpoint.seq}`
          : `the chain head (event ${checkpoint.seq}) was already signed at ${checkpoint.signedAt.toISOString()}: nothing new to sign`);
      return 0;
    }
    const before = purgeCutoff(values.before, config.audit.retentionDays);
    if (!before) {
      console.error(`--before must be a date (YYYY-MM-DD), got "${values.before}"`);
      return 2;
    }
    const result = await purgeBefore(pool, before);
    console.log(`purge of the events before ${before.toISOString()}${values.before ? '' : ` (audit.retentionDays: ${config.audit.retentionDays})`}: `
      + `${result.removed} removed; the chain now starts after signed checkpoint ${result.anchorSeq}`);
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
