import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Catalog } from './catalog.ts';

/**
 * The federation contract, as `schema/` holds it: the gateway's own `citizen.graphql`
 * (`Query.me`, the `Citizen` key) and one folder per data provider with its
 * Federation 2 SDL (`schema.graphql`) and its scope catalog (`catalog.json`).
 */
export const DEFAULT_SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** Name of the gateway's local subgraph (it resolves `Query.me`). */
export const CITIZEN_SUBGRAPH = 'citizen';

export interface ProviderContract {
  name: string;
  sdl: string;
  catalog: Catalog;
}

export interface Contract {
  citizenSdl: string;
  providers: ProviderContract[];
}

export class ContractError extends Error {
  override name = 'ContractError';
  constructor(readonly problems: string[]) {
    super(`the federation contract is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadContract(dir: string = DEFAULT_SCHEMA_DIR): Contract {
  const problems: string[] = [];
  const citizenSdl = readFileSync(join(dir, 'citizen.graphql'), 'utf8');
  const providers: ProviderContract[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = join(dir, entry.name);
    const sdlPath = join(folder, 'schema.graphql');
    const catalogPath = join(folder, 'catalog.json');
    if (!existsSync(sdlPath) || !existsSync(catalogPath)) {
      problems.push(`schema/${entry.name}: a provider folder needs schema.graphql and catalog.json`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(catalogPath, 'utf8'));
    } catch (error) {
      problems.push(`schema/${entry.name}/catalog.json: ${(error as Error).message}`);
      continue;
    }
    const parsed = Catalog.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`schema/${entry.name}/catalog.json: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      continue;
    }
    if (parsed.data.provider.name !== entry.name) {
      problems.push(`schema/${entry.name}/catalog.json: provider.name is "${parsed.data.provider.name}", expected "${entry.name}"`);
    }
    providers.push({ name: entry.name, sdl: readFileSync(sdlPath, 'utf8'), catalog: parsed.data });
  }
  if (problems.length) throw new ContractError(problems);
  return { citizenSdl, providers };
}
