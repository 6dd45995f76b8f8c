import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type Router from '@koa/router';
import type { ComponentContext, RunningComponent, StartOptions } from '../../lib/component.ts';
import { isPasserelleError, type PasserelleError } from '../../lib/errors/define.ts';
import type { Logger } from '../../lib/log.ts';
import { closeServer, listen } from '../../lib/http/server.ts';
import { dsfrAssets } from '../../lib/web/assets.ts';
import { PAGE_HEADERS } from '../../lib/web/csp.ts';
import { FormError } from '../../lib/web/form.ts';
import type { Fail } from './errors.ts';
import type { ServiceProviderSettings } from './settings.ts';

/** How long a citizen may take between the "Se connecter" button and the way back. */
export const SIGN_IN_TTL_MS = 15 * 60_000;

/**
 * Starts a sandbox service: listens first (with a port override, tests: 0, its URL is
 * known only then, and `settingsFor` resolves the settings again with it), then serves
 * `app(settings)`'s router behind the pages every service shares: the page headers on every
 * answer (redirects included: the callback's URL holds a code), the DSFR assets, and an
 * error page — never a crash — for whatever a route throws.
 */
export async function startServiceProvider<Settings extends ServiceProviderSettings>(
  { logger: rootLogger }: ComponentContext,
  options: StartOptions,
  service: {
    name: string;
    settingsFor(baseUrl?: string): Settings;
    fail: Fail;
    app(
      settings: Settings,
      logger: Logger,
    ): {
      router: Router;
      /** The error page; `csrf` (a signed-in citizen's) adds the logout button. */
      error(ctx: Koa.Context, error: PasserelleError, page: { csrf?: string | undefined }): void;
      /** The CSRF token of this request's session, if any. */
      csrfOf(ctx: Koa.Context): string | undefined;
    };
  },
): Promise<RunningComponent> {
  const logger = rootLogger.child({ component: service.name });
  let settings = service.settingsFor();
  const server = createServer();
  await listen(server, options.port ?? settings.port, settings.host);
  if (options.port !== undefined)
    settings = service.settingsFor(`http://localhost:${(server.address() as AddressInfo).port}`);
  const { router, error: errorPage, csrfOf } = service.app(settings, logger);
  const { fail } = service;

  const app = new Koa({ keys: settings.cookieKeys, proxy: new URL(settings.url).protocol === 'https:' });
  app.use(async (ctx, next) => {
    ctx.set(PAGE_HEADERS);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) errorPage(ctx, fail('PAGE_NOT_FOUND'), {});
    } catch (error) {
      const internal = !isPasserelleError(error) && !(error instanceof FormError);
      const shown = isPasserelleError(error)
        ? error
        : error instanceof FormError
          ? fail('FORM_INVALID')
          : fail('INTERNAL_ERROR');
      if (internal) logger.error({ err: error, path: ctx.path }, `${service.name} page failed`);
      errorPage(ctx, shown, { csrf: csrfOf(ctx) });
    }
  });
  app.use(dsfrAssets());
  app.use(router.routes());
  app.use(router.allowedMethods());
  server.on('request', app.callback());

  logger.info(
    { url: settings.url, issuer: settings.issuer, gateway: settings.gatewayEndpoint },
    `${service.name} service listening`,
  );
  return { name: service.name, url: settings.url, close: () => closeServer(server) };
}
