import { z } from 'zod';
import { AuditSection } from './sections/audit.ts';
import { BrokerSection } from './sections/broker.ts';
import { DataProvidersSection } from './sections/data-providers.ts';
import { DatabaseSection } from './sections/database.ts';
import { GatewaySection } from './sections/gateway.ts';
import { IdentityProvidersSection } from './sections/identity-providers.ts';
import { ServiceProvidersSection } from './sections/service-providers.ts';

/** The federation, as one configuration file describes it. */
export const PasserelleConfig = z.strictObject({
  $schema: z.string().optional(),
  /** A sandbox configuration may carry inline secrets; a real one may not. */
  sandbox: z.boolean().default(false),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  database: DatabaseSection,
  audit: AuditSection,
  broker: BrokerSection,
  gateway: GatewaySection,
  dataProviders: DataProvidersSection,
  identityProviders: IdentityProvidersSection,
  serviceProviders: ServiceProvidersSection,
});
export type PasserelleConfigInput = z.input<typeof PasserelleConfig>;
export type PasserelleConfigData = z.output<typeof PasserelleConfig>;
