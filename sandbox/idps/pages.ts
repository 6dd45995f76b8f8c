import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Context, Next } from 'koa';

/**
 * Everything a sandbox IdP shows: server-rendered French pages (Eta, escaped by
 * default) styled with the DSFR the IdP serves itself, its logo, and the
 * security headers — a strict CSP: nothing from a third party, no script.
 */
const eta = new Eta({ views: fileURLToPath(new URL('./views', import.meta.url)), autoEscape: true, cache: true });

export interface PageContext {
  /** The IdP's display name and logo path, shown in the header. */
  idpName: string;
  displayName: string;
}

export function renderPage(view: string, page: PageContext & { title: string } & Record<string, unknown>): string {
  return eta.render(`./${view}`, page);
}

const DSFR_DIST = fileURLToPath(new URL('../../node_modules/@gouvfr/dsfr/dist/', import.meta.url));
const LOGOS = fileURLToPath(new URL('./logos/', import.meta.url));
const STATIC_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
};

/** `/dsfr/<file>` from the DSFR distribution and `/logo.svg`: fonts, icons and styles only. */
export function staticFiles(idpName: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    let file: string | undefined;
    if (ctx.path === '/logo.svg') file = resolve(LOGOS, `${idpName}.svg`);
    else if (ctx.path.startsWith('/dsfr/')) {
      let relative: string;
      try {
        relative = decodeURIComponent(ctx.path.slice('/dsfr'.length));
      } catch {
        return next();
      }
      const candidate = resolve(DSFR_DIST, `.${relative}`);
      if (candidate.startsWith(DSFR_DIST.endsWith(sep) ? DSFR_DIST : DSFR_DIST + sep)) file = candidate;
    }
    const type = file && STATIC_TYPES[extname(file)];
    if (!file || !type) return next();
    try {
      ctx.body = await readFile(file);
    } catch {
      return next();
    }
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=3600');
  };
}

/**
 * Security headers on every response. The CSP allows form submission to the
 * IdP and to the broker (browsers check redirects after a form post against
 * form-action); oidc-provider's own CSP (form_post response mode) is kept.
 */
export function securityHeaders(formTargets: string[]) {
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "font-src 'self'",
    "img-src 'self' data:",
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', csp);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
  };
}
