import { parseArgs } from 'node:util';
import { providerFolders } from '../../lib/federation/provider-folders.ts';
import { loadPlatformConfig } from '../config.ts';
import { seedSandbox, seedSynthetic, seedSyntheticCompanies } from '../../sandbox/seed/seed.ts';
import { openPlatformDatabase } from '../platform.ts';

/**
 * `passerelle seed [--citizens N] [--batch H] [--companies C] [--company-batch B] [--provider NAME]...`:
 * loads the sandbox citizens and companies into every data provider's registry; with
 * `--citizens`, synthetic households until each registry's population holds N citizens;
 * with `--companies`, synthetic companies 0 .. C-1 (sandbox/seed/companies.ts) into every
 * registry that knows companies (the register, the DGFiP's tax compliance, URSSAF), their
 * directors being the synthetic citizens of households 0 .. C-1. Both are resumable and
 * idempotent. Sandbox configurations only: this writes made-up people into the registries.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      citizens: { type: 'string' },
      batch: { type: 'string' },
      companies: { type: 'string' },
      'company-batch': { type: 'string' },
      provider: { type: 'string', multiple: true },
    },
  });
  const citizens = values.citizens === undefined ? 0 : positiveInteger(values.citizens, '--citizens');
  const batchHouseholds = values.batch === undefined ? undefined : positiveInteger(values.batch, '--batch');
  const companies = values.companies === undefined ? 0 : positiveInteger(values.companies, '--companies');
  const batchCompanies =
    values['company-batch'] === undefined ? undefined : positiveInteger(values['company-batch'], '--company-batch');
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
    console.log(`sandbox citizens and companies loaded: ${seeded.join(', ') || 'none'}`);
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
    if (companies > 0) {
      let lastReport = 0;
      const results = await seedSyntheticCompanies(pool, providers, {
        companies,
        batchCompanies,
        parallel: true,
        onProgress(progress) {
          if (progress.seconds - lastReport < 5 && progress.companies < companies) return;
          lastReport = progress.seconds;
          console.log(
            `  ${progress.provider}: ${progress.companies.toLocaleString('en')} companies (${progress.seconds.toFixed(0)} s)`,
          );
        },
      });
      for (const r of results)
        console.log(
          `${r.provider}: ${r.companies.toLocaleString('en')} synthetic companies (${r.seconds.toFixed(1)} s this run)`,
        );
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
