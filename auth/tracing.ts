import type { Context as KoaContext, Next } from 'koa';
import * as oidc from 'openid-client';
import { incomingContext, injectTraceContext, inSpan, SpanKind, tracingEnabled } from '../lib/telemetry/tracing.ts';

/**
 * The broker's spans (tracing on only, lib/telemetry/tracing.ts): one server span per request,
 * named by route (`POST /token` is token issuance; path ids such as interaction uids stay out),
 * continuing a caller's `traceparent`; and one client span per request to an identity provider,
 * which carries `traceparent` to it. Attributes: client id, IdP name, status and error codes.
 */
export async function brokerRequestSpan(ctx: KoaContext, next: Next): Promise<void> {
  if (!tracingEnabled()) return next();
  const route = ctx.path.split('/')[1] ?? '';
  await inSpan(
    'broker',
    `${ctx.method} /${route}`,
    { 'http.request.method': ctx.method, 'http.route': `/${route}` },
    async (span) => {
      try {
        await next();
      } finally {
        const clientId = (ctx as { oidc?: { client?: { clientId?: string } } }).oidc?.client?.clientId;
        span?.setAttributes({
          'http.response.status_code': ctx.status,
          ...(clientId ? { 'passerelle.client_id': clientId } : {}),
        });
      }
    },
    { kind: SpanKind.SERVER, parent: incomingContext(ctx.req.headers) },
  );
}

/** openid-client's fetch for one IdP: each request a client span, `traceparent` in its headers. */
export function idpFetch(idp: string): oidc.CustomFetch {
  return (url, options) =>
    inSpan(
      'broker',
      `idp ${options.method}`,
      { 'passerelle.idp': idp, 'server.address': new URL(url).host, 'url.path': new URL(url).pathname },
      async (span) => {
        const headers = new Headers(options.headers);
        injectTraceContext((name, value) => headers.set(name, value));
        const response = await fetch(url, { ...options, headers } as RequestInit);
        span?.setAttribute('http.response.status_code', response.status);
        return response;
      },
      { kind: SpanKind.CLIENT },
    );
}
