import { parseArgs } from 'node:util';
import { loadConfig } from '../../lib/config/load.ts';
import { openDatabase } from '../../lib/db/database.ts';
import { createCheckpoint, migrateAudit, purgeBefore, verifyChain } from '../../lib/audit/index.ts';
import { importFirstKey, publicJwks, type Jwks } from '../../lib/keys.ts';

/**
 * `passerelle audit verify` — walks the audit chain and its signed checkpoints, reports the first broken link;
 * `passerelle audit checkpoint` — signs the current chain head with the broker's key;
 * `passerelle audit purge --before YYYY-MM-DD` — retention purge up to the last checkpoint before that date.
 * Uses DATABASE_URL (or the embedded database when the platform is not running).
 */
export async function run(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { before: { type: 'string' } } });
  const action = positionals[0];
  if (!action || !['verify', 'checkpoint', 'purge'].includes(action)) {
    console.error('usage: passerelle audit <verify|checkpoint|purge --before YYYY-MM-DD>');
    return 2;
  }
  const config = loadConfig();
  const brokerKeys = config.secretJson<Jwks>(config.broker.keys, 'broker.keys');
  const database = await openDatabase({ databaseUrl: config.database.url, embeddedDataDir: config.database.url ? undefined : `${config.dir}/${config.database.embeddedDataDir}` });
  const pool = database.pool({ max: 2, applicationName: 'passerelle-audit' });
  try {
    await migrateAudit(pool);
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
      const { key, kid } = await importFirstKey(brokerKeys, 'ES256');
      const checkpoint = await createCheckpoint(pool, { privateKey: key, kid });
      console.log(checkpoint ? `checkpoint signed at event ${checkpoint.seq}` : 'nothing to sign: the chain is empty');
      return 0;
    }
    const before = values.before ? new Date(values.before) : undefined;
    if (!before || Number.isNaN(before.getTime())) {
      console.error('purge needs --before YYYY-MM-DD');
      return 2;
    }
    const result = await purgeBefore(pool, before);
    console.log(`purged ${result.removed} events; the chain now starts after signed checkpoint ${result.anchorSeq}`);
    return 0;
  } finally {
    await database.close();
  }
}
