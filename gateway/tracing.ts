import { context, trace } from '@opentelemetry/api';
import type { Context as KoaContext, Next } from 'koa';
import type { ExchangeEntry } from '../lib/contracts/exchange-event.ts';
import { incomingContext, SpanKind, SpanStatusCode, tracer } from '../lib/telemetry/tracing.ts';
import { requestIdOf } from './http.ts';

/**
 * The gateway's server span (only when tracing is on: gateway/index.ts never calls this
 * otherwise). It continues the SP's `traceparent` when valid, else starts a trace; Apollo's
 * own spans (gateway.request, plan, execute, fetch) and the providers' spans nest under it.
 * The request id stays the caller's `x-request-id`; without one it is the trace id, so a
 * request id found in a log or an audit event is the trace to look up.
 */
export async function tracedRequest(ctx: KoaContext, next: Next): Promise<void> {
  const parent = incomingContext(ctx.req.headers);
  const span = tracer('gateway').startSpan(
    `${ctx.method} /graphql`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method, 'url.path': '/graphql' } },
    parent,
  );
  const requestId = requestIdOf(ctx.get('x-request-id') || undefined, () => span.spanContext().traceId);
  ctx.state.requestId = requestId;
  span.setAttribute('passerelle.request_id', requestId);
  try {
    await context.with(trace.setSpan(parent, span), next);
  } finally {
    span.setAttribute('http.response.status_code', ctx.status);
    if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

/** What the exchange span may say about an exchange: ids and codes, never the citizen (no sub, no grant, no fields). */
export function annotateExchange(entry: ExchangeEntry): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  entry.traceId = span.spanContext().traceId;
  span.setAttributes({
    'passerelle.outcome': entry.outcome,
    'passerelle.providers': [...entry.providers],
    'passerelle.error_codes': [...entry.errorCodes],
    ...(entry.clientId ? { 'passerelle.client_id': entry.clientId } : {}),
    ...(entry.operationName ? { 'graphql.operation.name': entry.operationName } : {}),
  });
}
