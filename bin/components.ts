import type { StartComponent } from '../lib/component.ts';
import type { Config } from '../lib/config/load.ts';
import { subgraphComponent } from '../lib/subgraph/start.ts';

/**
 * The runnable parts of the platform, by name, in start order: `passerelle start [name...]`.
 * Each entry loads its code only when started. Data providers come from the
 * configuration (one subgraph per `dataProviders` entry); the other components are
 * listed below — adding one is one line: `['name', async () => (await import('...')).start]`.
 */
type LazyComponent = () => Promise<StartComponent>;

/** Platform components, started after the data providers (the gateway calls them). */
const PLATFORM_COMPONENTS: ReadonlyArray<readonly [string, LazyComponent]> = [];

/** Stand-ins for the outside world, started only with a sandbox configuration. */
const SANDBOX_COMPONENTS: ReadonlyArray<readonly [string, LazyComponent]> = [
  ...(['impots', 'laposte', 'ameli', 'eidas'] as const).map((idp) =>
    [idp, async () => (await import('../sandbox/idps/index.ts')).sandboxIdentityProviders[idp]] as const),
];

export function componentRegistry(config: Config): Map<string, LazyComponent> {
  const registry = new Map<string, LazyComponent>();
  const add = (name: string, load: LazyComponent) => {
    if (registry.has(name)) throw new Error(`two components are named "${name}"`);
    registry.set(name, load);
  };
  for (const provider of config.dataProviders) add(provider.name, async () => subgraphComponent(provider.name));
  for (const [name, load] of PLATFORM_COMPONENTS) add(name, load);
  if (config.sandbox) for (const [name, load] of SANDBOX_COMPONENTS) add(name, load);
  return registry;
}
