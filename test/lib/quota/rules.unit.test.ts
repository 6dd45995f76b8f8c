import { loadPlatformConfig } from '../../../bin/config.ts';
import { ServiceProviderQuotas } from '../../../lib/config/sections/service-providers.ts';
import { quotaRules } from '../../../lib/quota/index.ts';

/** Each SP's rules come from its registration; a client the configuration does not list gets the defaults. */
test('a registered SP gets its own limits, with the windows and policy names of each quota', () => {
  const config = loadPlatformConfig({
    env: {},
    overrides: [['serviceProviders.simulateur-caf.quotas.signInsPerSecond', 3]],
  });
  const rules = quotaRules(config)('simulateur-caf');
  expect(rules.signInsPerSecond).toEqual({
    quota: 'signInsPerSecond',
    policy: 'per-second',
    limit: 3,
    windowSeconds: 1,
  });
  expect(rules.gatewayRequestsPerDayPerOperation).toMatchObject({ policy: 'per-day', windowSeconds: 86_400 });
});

test('an unknown client gets the defaults', () => {
  const rules = quotaRules({ serviceProviders: [] })('not-registered');
  expect(Object.values(rules).map((r) => [r.quota, r.limit])).toEqual([
    ['gatewayRequestsPerSecond', 50],
    ['gatewayRequestsPerDayPerOperation', 100_000],
    ['signInsPerSecond', 20],
  ]);
});

test.each([0, -1, 1.5, '10'])('a limit of %p is refused by the configuration schema', (value) => {
  expect(ServiceProviderQuotas.safeParse({ gatewayRequestsPerSecond: value }).success).toBe(false);
  expect(ServiceProviderQuotas.safeParse({ unknownQuota: 1 }).success).toBe(false);
});
