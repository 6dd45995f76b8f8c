import { loadPlatformConfig } from '../../bin/config.ts';
import { providerFolders, type ProviderFolder } from '../../lib/federation/provider-folders.ts';

/**
 * The data providers of the sandbox configuration. A test about "every provider"
 * takes them from here, never from a list of its own, so adding a provider needs no
 * test edit; a test about one provider's data names that provider.
 */
const sandbox = loadPlatformConfig({ env: {} });

export const PROVIDERS: readonly string[] = sandbox.dataProviders.map((p) => p.name);

/** The folders of `names` (default: every provider), as the seeder and the runtime take them. */
export function providerFoldersOf(names: readonly string[] = PROVIDERS): ProviderFolder[] {
  return providerFolders(sandbox, names);
}
