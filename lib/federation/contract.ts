import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from './catalog.ts';
import { providerFolders, type DataProviderFolders, type ProviderFolder } from './provider-folders.ts';

/**
 * The federation contract: the gateway's own `citizen.graphql` (`Query.me`, the
 * `Citizen` key, here beside this module) and, in each data provider's folder, its
 * Federation 2 SDL (`schema.graphql`) and its scope catalog (`catalog.json`).
 */
export const CITIZEN_SDL = readFileSync(new URL('./citizen.graphql', import.meta.url), 'utf8');

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

/**
 * The contract of the configured data providers: one folder per `dataProviders` entry
 * in `dataProvidersDir`, and no folder without an entry (`providerFolders`).
 */
export function loadContract(config: DataProviderFolders): Contract {
  return readContract(providerFolders(config));
}

/** Reads each folder's SDL and catalog; every problem of every folder is reported at once. */
export function readContract(folders: readonly ProviderFolder[]): Contract {
  const problems: string[] = [];
  const providers: ProviderContract[] = [];
  for (const { name, path, label } of [...folders].sort((a, b) => a.name.localeCompare(b.name))) {
    const sdlPath = join(path, 'schema.graphql');
    const catalogPath = join(path, 'catalog.json');
    if (!existsSync(sdlPath) || !existsSync(catalogPath)) {
      problems.push(`${label}: a data provider folder needs schema.graphql and catalog.json`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(catalogPath, 'utf8'));
    } catch (error) {
      problems.push(`${label}/catalog.json: ${(error as Error).message}`);
      continue;
    }
    const parsed = Catalog.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${label}/catalog.json: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      continue;
    }
    if (parsed.data.provider.name !== name) {
      problems.push(`${label}/catalog.json: provider.name is "${parsed.data.provider.name}", expected "${name}"`);
    }
    providers.push({ name, sdl: readFileSync(sdlPath, 'utf8'), catalog: parsed.data });
  }
  if (problems.length) throw new ContractError(problems);
  return { citizenSdl: CITIZEN_SDL, providers };
}
