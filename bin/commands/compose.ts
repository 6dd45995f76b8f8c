import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadPlatformConfig } from '../config.ts';
import { composeContract } from '../../lib/federation/compose.ts';
import { loadContract } from '../../lib/federation/contract.ts';

/**
 * `passerelle compose`: checks that the data provider folders (`dataProvidersDir`) and
 * the configuration's `dataProviders` match, lints and composes their contracts,
 * prints a summary, optionally writes the supergraph.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const config = loadPlatformConfig();
  const urls = Object.fromEntries(config.dataProviders.map((p) => [p.name, p.url]));
  const composed = composeContract(loadContract(config), urls);
  for (const [provider, catalog] of composed.catalogs) {
    const fields = [...composed.scopeMap].filter(([, scopes]) => scopes.some((s) => catalog.scopes[s])).length;
    console.log(`${provider}: ${Object.keys(catalog.scopes).length} scopes, ${fields} scoped fields`);
  }
  if (values.out) {
    writeFileSync(values.out, composed.supergraphSdl);
    console.log(`supergraph written to ${values.out}`);
  }
  console.log('composition OK');
  return 0;
}
