import type { StartComponent } from '../lib/component.ts';
import type { Config } from '../lib/config/load.ts';
import { subgraphComponent } from '../lib/subgraph/start.ts';

/**
 * The runnable parts of the platform, by name, in start order: `passerelle start [name...]`.
 * Each entry loads its code only when started. Data providers come from the
 * configuration (one subgraph per `dataProviders` entry); the other components are
 * listed below — adding one is one line: `name: async () => (await import('...')).start`.
 */
type LazyComponent = () => Promise<StartComponent>;

const PLATFORM_COMPONENTS: ReadonlyArray<readonly [string, LazyComponent]> = [
  // Started after the data providers, which the gateway calls:
  // ['gateway', async () => (await import('../gateway/index.ts')).start],
];

export function componentRegistry(config: Config): Map<string, LazyComponent> {
  const registry = new Map<string, LazyComponent>();
  for (const provider of config.dataProviders) registry.set(provider.name, async () => subgraphComponent(provider.name));
  for (const [name, load] of PLATFORM_COMPONENTS) {
    if (registry.has(name)) throw new Error(`component name "${name}" is both a data provider and a platform component`);
    registry.set(name, load);
  }
  return registry;
}
