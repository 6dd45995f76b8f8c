import { loadPlatformConfig } from '../config.ts';
import { createLogger } from '../../lib/log.ts';
import { SANDBOX_IDPS } from '../../sandbox/idps/definitions.ts';
import {
  embeddedDataDir,
  openPlatformDatabase,
  PortTakenError,
  startPlatform,
  UnknownComponentError,
  type RunningPlatform,
} from '../platform.ts';

/** After a stop signal, the process exits by itself; if a handle keeps it alive, it is ended after this. */
const EXIT_GRACE_MS = 5_000;

/**
 * `passerelle start [component...]`: opens the database once (DATABASE_URL, else an
 * embedded PostgreSQL in `database.embeddedDataDir`), loads the sandbox registries
 * when the configuration is a sandbox one, starts the components (all by default),
 * prints where they listen (the sandbox services first: where a visitor starts),
 * and stops everything cleanly on SIGINT / SIGTERM. One process holds them all.
 */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: passerelle start [component...]   (no component: all of them)');
    return 0;
  }
  const config = loadPlatformConfig();
  const logger = createLogger('passerelle', config.logLevel);
  const database = await openPlatformDatabase(config.database, config.dir);
  let platform: RunningPlatform;
  try {
    platform = await startPlatform({ config, database, logger }, args);
  } catch (error) {
    await database.close();
    if (error instanceof UnknownComponentError || error instanceof PortTakenError) {
      console.error(error.message);
      return error instanceof UnknownComponentError ? 2 : 1;
    }
    throw error;
  }

  printAddresses(
    platform,
    database.embedded
      ? `embedded PostgreSQL in ${embeddedDataDir(config.database, config.dir)}`
      : 'PostgreSQL (DATABASE_URL)',
    config.sandbox,
  );

  const signal = await new Promise<NodeJS.Signals>((resolveStop) => {
    const onSignal = (received: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second Ctrl-C while stopping ends the process at once.
      process.once('SIGINT', () => process.exit(130));
      resolveStop(received);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  logger.info({ signal }, 'stopping');
  await platform.close();
  await database.close().catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
  setTimeout(() => {
    logger.warn('a handle kept the process alive after stopping: exiting');
    process.exit(0);
  }, EXIT_GRACE_MS).unref();
  console.log('stopped');
  return 0;
}

function printAddresses(platform: RunningPlatform, database: string, sandbox: boolean): void {
  // The sandbox service providers first, in this order: where a visitor starts.
  const first = ['parking', 'bank'];
  const rank = (name: string) => (first.includes(name) ? first.indexOf(name) : first.length);
  const components = [...platform.components].sort((a, b) => rank(a.name) - rank(b.name));
  const notes: Record<string, string> = {
    parking: '   <- start here',
    bank: '   <- a private company: a home loan application (jean.martin through La Poste)',
  };
  const lines = components.map((c) => {
    const url = c.address.url || c.url;
    const note = notes[c.name] ?? '';
    const line = `  ${c.name.padEnd(12)} ${url}${note}`;
    // The citizen's own account is served by the broker.
    return c.name === 'broker'
      ? `${line}\n  ${'mon-compte'.padEnd(12)} ${url.replace(/\/$/, '')}/mon-compte   <- the citizen's history, consents, identity providers`
      : line;
  });
  console.log(['', `Passerelle is running (${database}):`, ...lines, ''].join('\n'));
  if (sandbox && components.some((c) => first.includes(c.name))) {
    const logins = [...new Set(Object.values(SANDBOX_IDPS).flatMap((idp) => idp.logins))];
    console.log(`Sandbox accounts (password 123): ${logins.join(', ')}`);
  }
  console.log('Ctrl-C to stop\n');
}
