import type { StartComponent } from '../lib/component.ts';
import type { Config } from '../lib/config/load.ts';
import { subgraphComponent } from '../lib/subgraph/start.ts';

/**
 * The runnable parts of the platform, by name, in start order: `passerelle start [name...]`.
 * Each entry loads its code only when started. Data providers come first, from the
 * configuration (one subgraph per `dataProviders` entry); the other components are
 * listed below — adding one is one line: `{ name, load: async () => (await import('...')).start }`.
 */
type LazyComponent = () => Promise<StartComponent>;

interface ComponentEntry {
  name: string;
  load: LazyComponent;
  /** A stand-in for the outside world: started only with a sandbox configuration. */
  sandboxOnly?: boolean;
}

const idp = (name: 'impots' | 'laposte' | 'ameli' | 'eidas'): ComponentEntry => ({
  name, sandboxOnly: true, load: async () => (await import('../sandbox/idps/index.ts')).sandboxIdentityProviders[name],
});

const COMPONENTS: ComponentEntry[] = [
  // The identity providers before the broker, which signs citizens in with them.
  idp('impots'), idp('laposte'), idp('ameli'), idp('eidas'),
  { name: 'broker', load: async () => (await import('../auth/index.ts')).startBroker },
  // After the data providers, which it calls.
  { name: 'gateway', load: async () => (await import('../gateway/index.ts')).start },
];

export function componentRegistry(config: Config): Map<string, LazyComponent> {
  const registry = new Map<string, LazyComponent>();
  const add = (name: string, load: LazyComponent) => {
    if (registry.has(name)) throw new Error(`two components are named "${name}"`);
    registry.set(name, load);
  };
  for (const provider of config.dataProviders) add(provider.name, async () => subgraphComponent(provider.name));
  for (const entry of COMPONENTS) if (config.sandbox || !entry.sandboxOnly) add(entry.name, entry.load);
  return registry;
}
