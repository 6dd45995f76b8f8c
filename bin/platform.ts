import { startTracing } from '../lib/telemetry/tracing.ts';
import { isAbsolute, resolve } from 'node:path';
import type { ComponentContext, RunningComponent } from '../lib/component.ts';
import type { Config } from '../lib/config/load.ts';
import { openDatabase, type Database } from '../lib/db/database.ts';
import { providerFolders } from '../lib/federation/provider-folders.ts';
import { PortInUseError } from '../lib/http/server.ts';
import { seedSandboxMandates } from '../sandbox/seed/mandates.ts';
import { seedSandbox } from '../sandbox/seed/seed.ts';
import { componentRegistry, type ComponentAddress } from './components.ts';
import type { PlatformConfig } from './config.ts';

/**
 * Starting and stopping a set of components in one process — what `passerelle
 * start` does, and what the end-to-end tests do on their own ports: the sandbox
 * registries are loaded first (sandbox configuration), then the components start
 * in the registry's order whatever order they were named in, and stop in reverse.
 */
export interface RunningPlatform {
  /** In start order. */
  components: Array<RunningComponent & { address: ComponentAddress }>;
  /** Stops every component (in reverse order); never throws. */
  close(): Promise<void>;
}

export class UnknownComponentError extends Error {
  override name = 'UnknownComponentError';
}

/** A port a component needs is taken: says which component, which port, and how to move it. */
export class PortTakenError extends Error {
  override name = 'PortTakenError';
  constructor(
    readonly component: string,
    readonly port: number,
    readonly setting: string,
  ) {
    super(
      `${component} cannot listen on port ${port}: the port is already in use (another program, or a Passerelle still running?). ` +
        `Stop what uses it, or move ${component} to another port: ${envName(setting)}=http://localhost:<port>`,
    );
  }
}

export async function startPlatform(
  context: ComponentContext & { config: PlatformConfig },
  names?: readonly string[],
): Promise<RunningPlatform> {
  const { config, database, logger } = context;
  const registry = componentRegistry(config);
  const unknown = (names ?? []).filter((n) => !registry.has(n));
  if (unknown.length)
    throw new UnknownComponentError(
      `unknown component(s): ${unknown.join(', ')}; known: ${[...registry.keys()].join(', ')}`,
    );
  const wanted = [...registry.values()].filter((entry) => !names?.length || names.includes(entry.name));

  // Every data provider folder has its configuration entry and every entry its folder, before anything starts.
  const providers = providerFolders(
    config,
    wanted.map((e) => e.name).filter((n) => config.dataProviders.some((p) => p.name === n)),
  );
  for (const entry of wanted) await entry.check?.(config);

  if (config.sandbox && providers.length) {
    // Idempotent: the sandbox citizens' records are written again, nothing else is touched.
    const pool = database.pool({ max: 2, applicationName: 'passerelle-seed' });
    try {
      const seeded = await seedSandbox(pool, providers);
      if (seeded.length) logger.info({ providers: seeded }, 'sandbox data loaded');
    } finally {
      await pool.end();
    }
  }

  // One tracer provider per process: named after its component when it runs one (passerelle-gateway, passerelle-dgfip).
  const tracing = startTracing(config.telemetry, wanted.length === 1 ? `passerelle-${wanted[0]!.name}` : 'passerelle');
  const components: RunningPlatform['components'] = [];
  const close = async () => {
    for (const component of [...components].reverse()) {
      await component
        .close()
        .catch((error: unknown) => logger.error({ err: error, component: component.name }, 'close failed'));
    }
    components.length = 0;
    // After the components drained: their last spans are exported too.
    await tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'cannot export the last spans'));
  };
  try {
    for (const entry of wanted) {
      const address = entry.address(config);
      const start = await entry.load();
      try {
        const running = await start({ config, database, logger });
        // The component itself (a broker keeps its stores, for tests), with where it listens.
        components.push(Object.assign(running, { address }));
      } catch (error) {
        if (error instanceof PortInUseError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new PortTakenError(entry.name, address.port, address.setting);
        }
        throw error;
      }
    }
    // After the broker migrated its tables: the sandbox's mandates, written once (sandbox/seed/mandates.ts).
    if (config.sandbox && wanted.some((entry) => entry.name === 'broker')) await seedMandates(context);
  } catch (error) {
    await close();
    throw error;
  }
  return { components, close };
}

async function seedMandates({ config, database, logger }: ComponentContext): Promise<void> {
  const pool = database.pool({ max: 1, applicationName: 'passerelle-seed' });
  try {
    const seeded = await seedSandboxMandates(
      pool,
      config.secret(config.broker.pairwiseSecret, 'broker.pairwiseSecret'),
    );
    if (seeded.length) logger.info({ mandates: seeded }, 'sandbox mandates created');
  } finally {
    await pool.end();
  }
}

/** `broker.url` → `PASSERELLE__broker__url`. */
function envName(setting: string): string {
  return `PASSERELLE__${setting.split('.').join('__')}`;
}

type DatabaseSection = Config['database'];

/** The platform database: `database.url` (DATABASE_URL), else the embedded one. */
export async function openPlatformDatabase(section: DatabaseSection, configDir: string): Promise<Database> {
  return openDatabase({ databaseUrl: section.url, embeddedDataDir: embeddedDataDir(section, configDir) });
}

/** A relative embedded data folder is read from the configuration file's folder. */
export function embeddedDataDir(section: DatabaseSection, configDir: string): string {
  return isAbsolute(section.embeddedDataDir) ? section.embeddedDataDir : resolve(configDir, section.embeddedDataDir);
}
