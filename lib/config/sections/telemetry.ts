import { z } from 'zod';
import { HttpUrl } from '../common.ts';

/** Where traces go (lib/telemetry/tracing.ts, docs/operations.md#traces). */
export const TelemetrySection = z
  .strictObject({
    otlpEndpoint: HttpUrl.optional().describe(
      'Base URL of an OpenTelemetry collector (OTLP/HTTP, e.g. `http://127.0.0.1:4318`): spans are sent to `<url>/v1/traces`. ' +
        'Absent: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (a base URL); none of them: no tracing at all.',
    ),
  })
  .prefault({})
  .describe('OpenTelemetry traces of every component (W3C `traceparent`, OTLP/HTTP JSON export).');
export type TelemetrySettings = z.output<typeof TelemetrySection>;
