import { parseArgs } from 'node:util';
import { providerFolders } from '../../lib/federation/provider-folders.ts';
import { loadPlatformConfig } from '../config.ts';
import { seedSandbox, seedSynthetic } from '../../sandbox/seed/seed.ts';
import { openPlatformDatabase } from '../platform.ts';

/**
 * `passerelle seed [--citizens N] [--batch H] [--provider NAME]...`: loads the sandbox
 * citizens into every data provider's registry and, with `--citizens`, synthetic
 * households until each registry's population holds N citizens. Sandbox
 * configurations only: this writes made-up people into the registries.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      citizens: { type: 'string' },
      batch: { type: 'string' },
      provider: { type: 'string', multiple: true },
    },
  });
  const citizens = values.citizens === undefined ? 0 : positiveInteger(values.citizens, '--citizens');
  const batchHouseholds = values.batch === undefined ? undefined : positiveInteger(values.batch, '--batch');
  const config = loadPlatformConfig();
  if (!config.sandbox) {
    console.error(
      'passerelle seed writes sandbox and synthetic people into the registries: it runs only with a sandbox configuration ("sandbox": true)',
    );
    return 2;
  }
  const known = config.dataProviders.map((p) => p.name);
  const unknown = (values.provider ?? []).filter((p) => !known.includes(p));
  if (unknown.length) {
    console.error(`unknown data provider(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
    return 2;
  }
  const providers = providerFolders(config, values.provider);

  const database = await openPlatformDatabase(config.database, config.dir);
  try {
    const pool = database.pool({ max: providers.length + 1, applicationName: 'passerelle-seed' });
    const seeded = await seedSandbox(pool, providers);
    console.log(`sandbox citizens loaded: ${seeded.join(', ') || 'none'}`);
    if (citizens > 0) {
      let lastReport = 0;
      const results = await seedSynthetic(pool, providers, {
        citizens,
        batchHouseholds,
        parallel: true,
        onProgress(progress) {
          if (progress.seconds - lastReport < 5 && progress.citizens < citizens) return;
          lastReport = progress.seconds;
          console.log(
            `  ${progress.provider}: ${progress.citizens.toLocaleString('en')} citizens (${progress.seconds.toFixed(0)} s)`,
          );
        },
      });
      for (const r of results) {
        console.log(
          `${r.provider}: ${r.citizens.toLocaleString('en')} synthetic citizens in ${r.households.toLocaleString('en')} households (${r.seconds.toFixed(1)} s this run)`,
        );
      }
    }
  } finally {
    await database.close();
  }
  return 0;
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${option} must be a whole number, got "${text}"`);
  return value;
}
