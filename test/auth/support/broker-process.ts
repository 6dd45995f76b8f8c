/**
 * One broker in a process of its own, for the multi-process test: configuration
 * from the environment (PASSERELLE__… overrides, DATABASE_URL), port from
 * BROKER_PORT; prints "READY <url>" once listening, stops on SIGTERM.
 */
import { loadPlatformConfig } from '../../../bin/config.ts';
import { openDatabase } from '../../../lib/db/database.ts';
import { createLogger } from '../../../lib/log.ts';
import { startBroker } from '../../../auth/broker.ts';

const config = loadPlatformConfig();
const database = await openDatabase({ databaseUrl: config.database.url });
const broker = await startBroker(
  { config, database, logger: createLogger('broker-process', config.logLevel) },
  { port: Number(process.env.BROKER_PORT ?? 0) },
);
process.stdout.write(`READY ${broker.url}\n`);
process.once('SIGTERM', async () => {
  await broker.close();
  await database.close();
  process.exit(0);
});
