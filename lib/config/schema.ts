import { z } from 'zod';
import { AuditSection } from './sections/audit.ts';
import { BrokerSection } from './sections/broker.ts';
import { DataProvidersDir, DataProvidersSection } from './sections/data-providers.ts';
import { DatabaseSection } from './sections/database.ts';
import { GatewaySection } from './sections/gateway.ts';
import { IdentityProvidersSection } from './sections/identity-providers.ts';
import { ServiceProvidersSection } from './sections/service-providers.ts';
import { TelemetrySection } from './sections/telemetry.ts';

/**
 * The federation, as one configuration file describes it. Every key carries its
 * description (`.describe()`): docs/configuration.md is generated from them
 * (`npm run config:doc`, lib/config/document.ts).
 */
export const PasserelleConfig = z.strictObject({
  $schema: z.string().optional().describe('Ignored: lets an editor attach a JSON Schema to the file.'),
  sandbox: z
    .boolean()
    .default(false)
    .describe(
      'A sandbox configuration may carry inline secrets and starts the sandbox stand-ins (identity providers, parking service, seed data); a real one may not.',
    ),
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Lowest level of the log lines written (pino).'),
  database: DatabaseSection,
  audit: AuditSection,
  broker: BrokerSection,
  gateway: GatewaySection,
  dataProvidersDir: DataProvidersDir,
  dataProviders: DataProvidersSection,
  identityProviders: IdentityProvidersSection,
  serviceProviders: ServiceProvidersSection,
  telemetry: TelemetrySection,
});
export type PasserelleConfigInput = z.input<typeof PasserelleConfig>;
export type PasserelleConfigData = z.output<typeof PasserelleConfig>;
