import { ConfigError, type Config } from '../../lib/config/load.ts';
import {
  checkRegistration,
  serviceProviderSettings,
  type ServiceProviderSettings,
} from '../service-provider/settings.ts';
import type { ParkingConfig } from './config.ts';
import { PARKING_FOR_SOMEONE_OPERATION, PARKING_OPERATION } from './operation.ts';
import type { Tariff } from './pricing.ts';

/** Everything the parking service needs, resolved from the configuration once at start. */
export interface ParkingSettings extends ServiceProviderSettings {
  operationName: string;
  purpose: string;
  /** The procedure for someone else (docs/parking.md "Acting for someone"): its operation and purpose. */
  forSomeone: { operationName: string; purpose: string };
  tariff: Tariff;
}

/** A configuration that may hold the parking service's section (sandbox/parking/config.ts). */
export type WithParking = Config & { parking?: ParkingConfig | undefined };

/**
 * Reads `config.parking`; `baseUrl` replaces its URL when a test listens on a
 * port chosen at start. When the same configuration registers the service at the
 * broker, a mismatch (redirect URI, operation) stops start-up with a message
 * rather than a sign-in that fails later (sandbox/service-provider/settings.ts).
 */
export function parkingSettings(config: WithParking, baseUrl?: string): ParkingSettings {
  const section = config.parking;
  if (!section)
    throw new ConfigError('parking: the configuration has no "parking" section (the sandbox parking service)');
  const settings: ParkingSettings = {
    ...serviceProviderSettings(config, 'parking', section, baseUrl),
    operationName: section.operationName,
    purpose: section.purpose,
    forSomeone: { operationName: section.forSomeoneOperationName, purpose: section.forSomeonePurpose },
    tariff: section.tariff,
  };
  const registered = checkRegistration(config, 'parking', settings, [
    { ...PARKING_OPERATION, registeredAs: settings.operationName },
    { ...PARKING_FOR_SOMEONE_OPERATION, registeredAs: settings.forSomeone.operationName },
  ]);
  if (registered && !registered.scopes.includes('representation')) {
    throw new ConfigError(
      `parking: acting for someone needs the "representation" scope among serviceProviders[${settings.clientId}].scopes (docs/mandates.md)`,
    );
  }
  return settings;
}
