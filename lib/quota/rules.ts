import type { Config } from '../config/load.ts';
import { ServiceProviderQuotas } from '../config/sections/service-providers.ts';
import type { QuotaRule } from './limiter.ts';

/** Each quota of `serviceProviders[].quotas`: its window and the policy name SPs read in `RateLimit`. */
const WINDOWS = {
  gatewayRequestsPerSecond: { policy: 'per-second', windowSeconds: 1 },
  gatewayRequestsPerDayPerOperation: { policy: 'per-day', windowSeconds: 86_400 },
  signInsPerSecond: { policy: 'per-second', windowSeconds: 1 },
} as const satisfies Record<keyof ServiceProviderQuotas, { policy: string; windowSeconds: number }>;

export type QuotaName = keyof typeof WINDOWS;

const DEFAULTS = ServiceProviderQuotas.parse({});

/**
 * The rules of one service provider, from its registration; a client the configuration
 * does not list (a token from a broker configured otherwise) gets the defaults.
 */
export function quotaRules(
  config: Pick<Config, 'serviceProviders'>,
): (clientId: string) => Record<QuotaName, QuotaRule> {
  const byClient = new Map(config.serviceProviders.map((sp) => [sp.clientId, rulesOf(sp.quotas)]));
  const defaults = rulesOf(DEFAULTS);
  return (clientId) => byClient.get(clientId) ?? defaults;
}

function rulesOf(quotas: ServiceProviderQuotas): Record<QuotaName, QuotaRule> {
  const rule = (quota: QuotaName): QuotaRule => ({ quota, limit: quotas[quota], ...WINDOWS[quota] });
  return {
    gatewayRequestsPerSecond: rule('gatewayRequestsPerSecond'),
    gatewayRequestsPerDayPerOperation: rule('gatewayRequestsPerDayPerOperation'),
    signInsPerSecond: rule('signInsPerSecond'),
  };
}
