import type { StartComponent } from '../lib/component.ts';
import { listenPort } from '../lib/config/load.ts';
import type { PlatformConfig } from './config.ts';
import { subgraphComponent } from '../lib/subgraph/start.ts';

/**
 * The runnable parts of the platform, by name, in start order: `passerelle start [name...]`.
 * Each entry loads its code only when started. Data providers come first, from the
 * configuration (one subgraph per `dataProviders` entry); the other components are
 * listed below — adding one is one entry: `{ name, load, address }`.
 */
type LazyComponent = () => Promise<StartComponent>;

/** Where a component listens, and the configuration key that moves it (for "port taken" messages). */
export interface ComponentAddress {
  port: number;
  /** The key path to change, e.g. `broker.url`; as an environment variable: PASSERELLE__broker__url. */
  setting: string;
  /** Its URL as configured, printed when the platform starts. */
  url: string;
}

export interface ComponentEntry {
  name: string;
  load: LazyComponent;
  address(config: PlatformConfig): ComponentAddress;
  /** A stand-in for the outside world: started only with a sandbox configuration. */
  sandboxOnly?: boolean;
  /** Checks its settings before anything starts (a wrong setting fails fast, not after the others started). */
  check?(config: PlatformConfig): Promise<void>;
}

const IDP_NAMES = ['impots', 'laposte', 'ameli', 'eidas'] as const;

const idp = (name: (typeof IDP_NAMES)[number]): ComponentEntry => ({
  name,
  sandboxOnly: true,
  load: async () => (await import('../sandbox/idps/index.ts')).sandboxIdentityProviders[name],
  address: (config) => {
    const issuer = config.identityProviders.find((i) => i.name === name)?.issuer ?? '';
    return { port: issuer ? listenPort({ url: issuer }) : 0, setting: `identityProviders.${name}.issuer`, url: issuer };
  },
});

const COMPONENTS: ComponentEntry[] = [
  // The identity providers before the broker, which signs citizens in with them.
  ...IDP_NAMES.map(idp),
  {
    name: 'broker',
    load: async () => (await import('../auth/broker.ts')).startBroker,
    address: (config) => ({ port: listenPort(config.broker), setting: 'broker.url', url: config.broker.url }),
  },
  // The gateway after the broker, whose keys verify the pivot tokens it accepts.
  {
    name: 'gateway',
    load: async () => (await import('../gateway/index.ts')).startGateway,
    address: (config) => ({
      port: listenPort(config.gateway),
      setting: 'gateway.url',
      url: `${config.gateway.url.replace(/\/+$/, '')}/graphql`,
    }),
  },
  // The sandbox service providers last: they need the broker and the gateway to answer.
  {
    name: 'parking',
    sandboxOnly: true,
    load: async () => (await import('../sandbox/parking/index.ts')).startParking,
    check: async (config) => void (await import('../sandbox/parking/settings.ts')).parkingSettings(config),
    address: (config) => ({
      port: config.parking ? listenPort(config.parking) : 0,
      setting: 'parking.url',
      url: config.parking?.url ?? '',
    }),
  },
  // The sandbox bank (a private service provider), like the parking service.
  {
    name: 'bank',
    sandboxOnly: true,
    load: async () => (await import('../sandbox/bank/index.ts')).startBank,
    check: async (config) => void (await import('../sandbox/bank/settings.ts')).bankSettings(config),
    address: (config) => ({
      port: config.bank ? listenPort(config.bank) : 0,
      setting: 'bank.url',
      url: config.bank?.url ?? '',
    }),
  },
];

/** The components this configuration can run, in start order. */
export function componentRegistry(config: PlatformConfig): Map<string, ComponentEntry> {
  const registry = new Map<string, ComponentEntry>();
  const add = (entry: ComponentEntry) => {
    if (registry.has(entry.name)) throw new Error(`two components are named "${entry.name}"`);
    registry.set(entry.name, entry);
  };
  for (const provider of config.dataProviders) {
    add({
      name: provider.name,
      load: async () => subgraphComponent(provider.name),
      address: () => ({ port: listenPort(provider), setting: `dataProviders.${provider.name}.url`, url: provider.url }),
    });
  }
  for (const entry of COMPONENTS) {
    if (entry.sandboxOnly && !config.sandbox) continue;
    // A sandbox service provider without its section in this configuration is not started.
    if ((entry.name === 'parking' && !config.parking) || (entry.name === 'bank' && !config.bank)) continue;
    add(entry);
  }
  return registry;
}
