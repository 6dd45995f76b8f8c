import { ConfigError, type Config } from '../../lib/config/load.ts';
import {
  checkRegistration,
  serviceProviderSettings,
  type ServiceProviderSettings,
} from '../service-provider/settings.ts';
import type { BankConfig, LoanRules } from './config.ts';
import { LOAN_APPLICATION_OPERATION } from './operation.ts';

/** Everything the bank needs, resolved from the configuration once at start. */
export interface BankSettings extends ServiceProviderSettings {
  operationName: string;
  purpose: string;
  loan: LoanRules;
}

/** A configuration that may hold the bank's section (sandbox/bank/config.ts). */
export type WithBank = Config & { bank?: BankConfig | undefined };

/**
 * Reads `config.bank`; `baseUrl` replaces its URL when a test listens on a port chosen at
 * start. When the same configuration registers the bank at the broker, its registration must
 * agree (redirect URIs, operation: sandbox/service-provider/settings.ts) and mark it
 * `private`: the consent page must tell citizens that a company reads their data.
 */
export function bankSettings(config: WithBank, baseUrl?: string): BankSettings {
  const section = config.bank;
  if (!section) throw new ConfigError('bank: the configuration has no "bank" section (the sandbox bank)');
  const settings: BankSettings = {
    ...serviceProviderSettings(config, 'bank', section, baseUrl),
    operationName: section.operationName,
    purpose: section.purpose,
    loan: section.loan,
  };
  const registered = checkRegistration(config, 'bank', settings, [
    { ...LOAN_APPLICATION_OPERATION, registeredAs: settings.operationName },
  ]);
  if (registered && !registered.private) {
    throw new ConfigError(
      `bank: a bank is a private company: its registration serviceProviders[${settings.clientId}] must say "private": true (docs/service-providers.md#private-service-providers)`,
    );
  }
  return settings;
}
