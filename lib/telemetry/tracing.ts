import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry traces (docs/operations.md#traces), one switch per process: when an OTLP
 * endpoint is configured (`telemetry.otlpEndpoint`, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT /
 * OTEL_EXPORTER_OTLP_ENDPOINT), a tracer provider exports spans over OTLP/HTTP (JSON) in
 * batches and W3C `traceparent` is read and written; otherwise nothing is registered, the
 * API stays a no-op and `tracingEnabled()` lets hot paths skip even that.
 * Span attributes never carry tokens or personal data: ids of requests, clients, operations,
 * providers, status and error codes only.
 */

let enabled = false;

/** True once `startTracing` registered an exporter in this process. */
export function tracingEnabled(): boolean {
  return enabled;
}

export interface TelemetrySettings {
  otlpEndpoint?: string | undefined;
}

export interface RunningTracing {
  /** Exports what is still buffered and stops; a no-op when tracing is off. */
  shutdown(): Promise<void>;
}

/** The traces URL: the setting or OTEL_EXPORTER_OTLP_ENDPOINT are collector base URLs (`/v1/traces` appended), the _TRACES_ variable is used as is. */
export function tracesUrl(settings: TelemetrySettings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base =
    settings.otlpEndpoint ?? (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? undefined : env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base) return `${base.replace(/\/+$/, '')}/v1/traces`;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || undefined;
}

/**
 * Registers the process's tracer provider when an endpoint is configured. `service`: the
 * `service.name` (passerelle-<component>, e.g. passerelle-gateway, passerelle-dgfip).
 */
export function startTracing(settings: TelemetrySettings, service: string, version?: string): RunningTracing {
  const url = tracesUrl(settings);
  if (!url || enabled) return { shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: service,
      ...(version ? { [ATTR_SERVICE_VERSION]: version } : {}),
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  enabled = true;
  return {
    async shutdown() {
      // Flushes the batch: spans of the last requests a SIGTERM drained are not lost.
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      enabled = false;
    },
  };
}

/** The tracer of one component (its instrumentation scope: several components may share a process). */
export function tracer(component: string) {
  return trace.getTracer(`passerelle-${component}`);
}

/** The context an incoming request's `traceparent` names (the active one when absent or invalid). */
export function incomingContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers, {
    get: (carrier, key) => carrier[key],
    keys: (carrier) => Object.keys(carrier),
  });
}

/** Writes the active span's `traceparent` into outgoing headers. */
export function injectTraceContext(set: (name: string, value: string) => void, from: Context = context.active()): void {
  propagation.inject(from, undefined, { set: (_carrier, key, value) => set(key, value) });
}

/** The active span's trace id, when a trace is being recorded. */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/**
 * Runs `work` in a span (child of the active one), ends it, marks a throw as an error (with
 * `error.code` when the failure carries one). When tracing is off, runs `work` alone.
 */
export async function inSpan<T>(
  component: string,
  name: string,
  attributes: Attributes,
  work: (span: Span | undefined) => Promise<T>,
  options: { kind?: SpanKind; parent?: Context } = {},
): Promise<T> {
  if (!enabled) return work(undefined);
  const span = tracer(component).startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes },
    options.parent,
  );
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => work(span));
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string') span.setAttribute('error.code', code);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind, SpanStatusCode };
