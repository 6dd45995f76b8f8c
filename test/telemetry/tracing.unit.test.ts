import { startTracing, tracesUrl, tracingEnabled } from '../../lib/telemetry/tracing.ts';

/** Where spans go: the setting first, then the standard OTLP variables; none of them, no tracing. */
describe('tracesUrl', () => {
  test('the setting is a collector base URL, and wins over the environment', () => {
    expect(tracesUrl({ otlpEndpoint: 'http://collector:4318/' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:1' })).toBe(
      'http://collector:4318/v1/traces',
    );
  });
  test('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is, before OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    const env = {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:1',
    };
    expect(tracesUrl({}, env)).toBe('http://c:4318/custom');
    expect(tracesUrl({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe('http://c:4318/v1/traces');
  });
  test('nothing configured: no URL, and starting registers nothing', async () => {
    expect(tracesUrl({}, {})).toBeUndefined();
    const saved = { ...process.env };
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    try {
      const running = startTracing({}, 'passerelle-test');
      expect(tracingEnabled()).toBe(false);
      await running.shutdown();
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
