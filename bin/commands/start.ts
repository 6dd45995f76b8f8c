import { isAbsolute, resolve } from 'node:path';
import type { RunningComponent } from '../../lib/component.ts';
import { loadConfig } from '../../lib/config/load.ts';
import { openDatabase, type Database } from '../../lib/db/database.ts';
import { createLogger } from '../../lib/log.ts';
import { PortInUseError } from '../../lib/subgraph/start.ts';
import { seedSandbox } from '../../sandbox/seed/seed.ts';
import { componentRegistry } from '../components.ts';

/**
 * `passerelle start [component...]`: opens the database once (DATABASE_URL, else an
 * embedded PostgreSQL in `database.embeddedDataDir`), loads the sandbox registries
 * when the configuration is a sandbox one, starts the components (all by default),
 * prints where they listen, and stops them cleanly on SIGINT / SIGTERM.
 */
export async function run(args: string[]): Promise<number> {
  const config = loadConfig();
  const registry = componentRegistry(config);
  const names = args.length ? args : [...registry.keys()];
  const unknown = names.filter((n) => !registry.has(n));
  if (unknown.length) {
    console.error(`unknown component(s): ${unknown.join(', ')}; known: ${[...registry.keys()].join(', ')}`);
    return 2;
  }
  const logger = createLogger('passerelle', config.logLevel);
  const database = await openPlatformDatabase(config.database, config.dir);
  const running: RunningComponent[] = [];
  const stop = async () => {
    for (const component of running.reverse()) await component.close().catch((error) => logger.error({ err: error, component: component.name }, 'close failed'));
    await database.close();
  };

  try {
    const providers = names.filter((n) => config.dataProviders.some((p) => p.name === n));
    if (config.sandbox && providers.length) {
      const pool = database.pool({ max: 2, applicationName: 'passerelle-seed' });
      const seeded = await seedSandbox(pool, providers);
      await pool.end();
      if (seeded.length) console.log(`sandbox data loaded: ${seeded.join(', ')}`);
    }
    for (const name of names) {
      const start = await registry.get(name)!();
      try {
        running.push(await start({ config, database, logger }));
      } catch (error) {
        if (error instanceof PortInUseError) {
          const hint = providers.includes(name) ? `PASSERELLE__dataProviders__${name}__port=<port>` : 'its port or URL in the configuration';
          throw new Error(`${name}: ${error.message}; stop what uses it, or choose another port (${hint})`);
        }
        throw error;
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  console.log(`database: ${database.embedded ? `embedded PostgreSQL in ${embeddedDataDir(config.database, config.dir)}` : 'PostgreSQL (database.url / DATABASE_URL)'}`);
  for (const component of running) console.log(`${component.name.padEnd(12)} ${component.url}`);
  console.log('Ctrl-C to stop');

  await new Promise<void>((resolveStop) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      logger.info({ signal }, 'stopping');
      stop().then(resolveStop, (error) => {
        logger.error({ err: error }, 'stop failed');
        resolveStop();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}

type DatabaseSection = { url?: string | undefined; embeddedDataDir: string };

/** The platform database: `database.url` (DATABASE_URL), else the embedded one. */
export async function openPlatformDatabase(section: DatabaseSection, configDir: string): Promise<Database> {
  return openDatabase({ databaseUrl: section.url, embeddedDataDir: embeddedDataDir(section, configDir) });
}

/** A relative embedded data folder is read from the configuration file's folder. */
function embeddedDataDir(section: DatabaseSection, configDir: string): string {
  return isAbsolute(section.embeddedDataDir) ? section.embeddedDataDir : resolve(configDir, section.embeddedDataDir);
}
