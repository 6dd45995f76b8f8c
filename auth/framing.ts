import type { Middleware } from 'koa';

/**
 * No broker page may be framed (clickjacking). Our own pages carry a full CSP
 * (lib/web/render.ts); the few HTML pages oidc-provider writes itself (the auto-posted
 * logout and form_post pages) carry none, so they get `frame-ancestors 'none'` and
 * `X-Frame-Options: DENY` here, without restricting their inline script.
 */
export function framingRefused(): Middleware {
  return async (ctx, next) => {
    await next();
    if (!ctx.response.is('html') || ctx.response.get('content-security-policy')) return;
    ctx.set('Content-Security-Policy', "frame-ancestors 'none'");
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
  };
}
