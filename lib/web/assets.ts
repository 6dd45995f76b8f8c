import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { Middleware } from 'koa';

/** Where pages load the DSFR from: our own origin, never a CDN. */
export const DSFR_PREFIX = '/assets/dsfr/';

const DSFR_DIST = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist');

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves the DSFR's built files (CSS, module JS, fonts, icons, favicons) under
 * `/assets/dsfr/`. Only those file types, only inside the package's `dist`
 * folder; anything else is left to the next middleware (a 404 page).
 */
export function dsfrAssets(): Middleware {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith(DSFR_PREFIX)) return next();
    const relative = normalize(decodeURIComponent(ctx.path.slice(DSFR_PREFIX.length)));
    const file = join(DSFR_DIST, relative);
    const type = TYPES[extname(file)];
    if (!type || relative.startsWith('..') || !file.startsWith(DSFR_DIST + sep)) return next();
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return next();
    ctx.type = type;
    ctx.length = info.size;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
  };
}
