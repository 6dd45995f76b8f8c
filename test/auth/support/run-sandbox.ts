/**
 * Starts the sandbox identity providers and the broker on their configured
 * ports, for manual runs (`npx tsx test/auth/support/run-sandbox.ts`), until Ctrl-C.
 * `passerelle start` does the same for the whole platform.
 */
import type { RunningComponent } from '../../../lib/component.ts';
import { loadConfig } from '../../../lib/config/load.ts';
import { openDatabase } from '../../../lib/db/database.ts';
import { createLogger } from '../../../lib/log.ts';
import { SANDBOX_IDP_NAMES, sandboxIdentityProvider } from '../../../sandbox/idps/index.ts';
import { startBroker } from '../../../auth/index.ts';

const config = loadConfig();
const logger = createLogger('sandbox', config.logLevel);
const database = await openDatabase({ databaseUrl: config.database.url, embeddedDataDir: new URL(config.database.embeddedDataDir, `file://${config.dir}/`).pathname });
const running: RunningComponent[] = [];
for (const name of SANDBOX_IDP_NAMES) running.push(await sandboxIdentityProvider(name)({ config, database, logger }));
const broker = await startBroker({ config, database, logger });
running.push(broker);
logger.info({ discovery: `${broker.url}/.well-known/openid-configuration` }, 'sandbox broker ready');
process.once('SIGINT', async () => {
  await Promise.all(running.map((c) => c.close()));
  await database.close();
  process.exit(0);
});
