import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../../lib/config/load.ts';
import type { Pool } from '../../lib/db/database.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import type { Logger } from '../../lib/log.ts';
import { readForm } from '../../lib/web/form.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import { isShownErrorCode } from '../errors.ts';
import type { BrokerPages } from '../pages.ts';
import type { Consents } from './consents.ts';
import { eventView, formatTime, type Vocabulary } from './event-view.ts';
import { exportCsv, exportJson } from './export.ts';
import type { History } from './history.ts';
import type { IdpPreferenceStore } from '../idp-preferences.ts';
import { applyPreference, preferenceNotice, preferencesView } from './preferences.ts';
import {
  csrfMatches,
  DASHBOARD_PATH,
  sessionIdOf,
  setSessionCookie,
  type DashboardSession,
  type SessionStore,
} from './session.ts';
import { latestDashboardIdp, type DashboardSignIn } from './sign-in.ts';

export interface DashboardDeps {
  config: Config;
  pool: Pool;
  pages: BrokerPages;
  contract: BrokerContract;
  signIn: DashboardSignIn;
  sessions: SessionStore;
  history: History;
  consents: Consents;
  words: Vocabulary;
  /** The IdP-preferences store (auth/idp-preferences.ts): enforced at sign-in, changed here. */
  preferences: IdpPreferenceStore;
  /** The broker's origin: forms posted from anywhere else are forgeries. */
  origin: string;
  logger: Logger;
}

type Section = 'history' | 'consents' | 'preferences';

/**
 * The citizen's dashboard, served by the broker under /mon-compte (docs/dashboard.md): sign-in through the broker itself, history (filters, pages), active
 * consents and their withdrawal, IdP preferences, export, sign-out. Every page needs
 * a dashboard session; every POST its CSRF token.
 */
export function dashboardRoutes(deps: DashboardDeps): Router {
  const router = new Router({ prefix: DASHBOARD_PATH });
  const { pages, config } = deps;
  const maxSeconds = config.broker.dashboard.sessionMaxSeconds;

  /** The live session, or (GET) the welcome page / (POST) an "expired" page. */
  const session = async (ctx: Context): Promise<DashboardSession | undefined> => {
    const id = sessionIdOf(ctx);
    const found = id ? await deps.sessions.touch(id) : undefined;
    if (found) return found;
    if (ctx.method === 'GET') {
      pages.kit.render(ctx, 'dashboard-welcome', {}, (t) => ({ title: t('dashboard.welcome.title') }));
    } else {
      pages.error(ctx, { code: 'DASHBOARD_SESSION_EXPIRED' });
    }
    return undefined;
  };

  /** The session of a POST whose form carries its CSRF token and comes from our own origin. */
  const postSession = async (
    ctx: Context,
  ): Promise<{ session: DashboardSession; form: URLSearchParams } | undefined> => {
    const found = await session(ctx);
    if (!found) return undefined;
    const form = await readForm(ctx);
    const origin = ctx.get('origin');
    if (!csrfMatches(found, form.get('csrf')) || (origin && origin !== 'null' && origin !== deps.origin)) {
      deps.logger.warn({ path: ctx.path }, 'dashboard form refused (CSRF)');
      pages.error(ctx, { code: 'DASHBOARD_CSRF_INVALID' });
      return undefined;
    }
    return { session: found, form };
  };

  const render = (ctx: Context, section: Section, view: string, data: Record<string, unknown>, title: string) => {
    pages.kit.render(ctx, view, { ...data, section, base: DASHBOARD_PATH }, (t) => ({ title: t(title) }));
  };

  /** Our codes thrown below (PasserelleError) become their error page. */
  const guarded = (handler: (ctx: Context) => Promise<void>) => async (ctx: Context) => {
    try {
      await handler(ctx);
    } catch (error) {
      if (isPasserelleError(error) && isShownErrorCode(error.code)) return pages.error(ctx, { code: error.code });
      throw error;
    }
  };

  router.get(
    '/',
    guarded(async (ctx) => {
      const current = await session(ctx);
      if (!current) return;
      const { lang, t } = pages.kit.translator(ctx);
      const service = typeof ctx.query.service === 'string' && ctx.query.service ? ctx.query.service : undefined;
      const provider = typeof ctx.query.provider === 'string' && ctx.query.provider ? ctx.query.provider : undefined;
      const cursor = typeof ctx.query.page === 'string' && ctx.query.page ? ctx.query.page : undefined;
      const page = await deps.history.page(
        current.accountId,
        { service, provider },
        cursor,
        config.broker.dashboard.pageSize,
      );
      const services = await deps.history.services(current.accountId);
      const filters = new URLSearchParams({ ...(service ? { service } : {}), ...(provider ? { provider } : {}) });
      const nextParams = new URLSearchParams(filters);
      if (page.next) nextParams.set('page', page.next);
      render(
        ctx,
        'history',
        'dashboard-history',
        {
          events: page.events.map((event) => eventView(event, deps.words, lang, t)),
          services: services.map((id) => ({
            id,
            name: deps.words.service(id, lang),
            nameLang: deps.words.serviceLang(id, lang),
            selected: id === service,
          })),
          providers: [...deps.contract.catalogs.keys()].map((name) => ({
            name,
            label: deps.words.provider(name, lang),
            selected: name === provider,
          })),
          filtered: Boolean(service || provider),
          paged: Boolean(cursor),
          firstUrl: `${DASHBOARD_PATH}${filters.size ? `?${filters}` : ''}`,
          nextUrl: page.next ? `${DASHBOARD_PATH}?${nextParams}` : undefined,
          csrf: current.csrfToken,
        },
        'dashboard.history.title',
      );
    }),
  );

  router.get('/connexion', async (ctx) => {
    pages.kit.translator(ctx);
    await deps.signIn.start(ctx);
  });

  router.get('/callback', async (ctx) => {
    const result = await deps.signIn.finish(ctx);
    if (!result.ok) {
      deps.logger.info({ reason: result.reason }, 'dashboard sign-in failed');
      return pages.error(ctx, { code: 'DASHBOARD_SIGN_IN_FAILED', chooseAgainUrl: `${DASHBOARD_PATH}/connexion` });
    }
    const previous = sessionIdOf(ctx);
    if (previous) await deps.sessions.destroy(previous);
    const id = await deps.sessions.create(result.accountId, await latestDashboardIdp(deps.pool, result.accountId));
    setSessionCookie(ctx, id, maxSeconds);
    ctx.status = 303;
    ctx.redirect(DASHBOARD_PATH);
  });

  router.get(
    '/consentements',
    guarded(async (ctx) => {
      const current = await session(ctx);
      if (!current) return;
      const { lang } = pages.kit.translator(ctx);
      const consents = await deps.consents.list(current.accountId);
      render(
        ctx,
        'consents',
        'dashboard-consents',
        {
          consents: consents.map((consent) => ({
            grantId: consent.grantId,
            service: deps.words.service(consent.clientId, lang),
            serviceName: deps.words.serviceName(consent.clientId, lang),
            grantedAt: formatTime(consent.grantedAt, lang),
            datetime: consent.grantedAt.toISOString(),
            operations: consent.operations.map((operation) => ({
              purpose: operation.purpose,
              data: deps.words.byProvider(operation.scopes, lang),
            })),
          })),
          revoked: ctx.query.retire === '1',
          csrf: current.csrfToken,
        },
        'dashboard.consents.title',
      );
    }),
  );

  router.post(
    '/consentements/:grantId/revoquer',
    guarded(async (ctx) => {
      const posted = await postSession(ctx);
      if (!posted) return;
      await deps.consents.revoke(posted.session.accountId, ctx.params.grantId!);
      ctx.status = 303;
      ctx.redirect(`${DASHBOARD_PATH}/consentements?retire=1`);
    }),
  );

  router.get(
    '/fournisseurs-identite',
    guarded(async (ctx) => {
      const current = await session(ctx);
      if (!current) return;
      const { lang, t } = pages.kit.translator(ctx);
      const view = await preferencesView(deps.preferences, config, deps.words, current.accountId, current.idp, lang);
      render(
        ctx,
        'preferences',
        'dashboard-preferences',
        {
          view,
          notice: preferenceNotice(ctx.query.fait, t),
          csrf: current.csrfToken,
        },
        'dashboard.preferences.title',
      );
    }),
  );

  router.post(
    '/fournisseurs-identite',
    guarded(async (ctx) => {
      const posted = await postSession(ctx);
      if (!posted) return;
      const done = await applyPreference(
        deps.preferences,
        config,
        posted.session.accountId,
        posted.session.idp ?? '',
        posted.form,
      );
      ctx.status = 303;
      ctx.redirect(`${DASHBOARD_PATH}/fournisseurs-identite?fait=${done}`);
    }),
  );

  router.get(
    '/export.:format',
    guarded(async (ctx) => {
      const format = ctx.params.format;
      if (format !== 'json' && format !== 'csv') return pages.error(ctx, { code: 'DASHBOARD_FILTER_INVALID' });
      const current = await session(ctx);
      if (!current) return;
      const { lang } = pages.kit.translator(ctx);
      const events = await deps.history.all(current.accountId);
      const day = new Date().toISOString().slice(0, 10);
      ctx.set({
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': `attachment; filename="franceconnect-historique-${day}.${format}"`,
      });
      ctx.type = format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8; header=present';
      ctx.body = format === 'json' ? exportJson(events, deps.words) : exportCsv(events, deps.words, lang);
    }),
  );

  router.post(
    '/deconnexion',
    guarded(async (ctx) => {
      const posted = await postSession(ctx);
      if (!posted) return;
      await deps.sessions.destroy(sessionIdOf(ctx)!);
      setSessionCookie(ctx, null, maxSeconds);
      const { lang } = pages.kit.translator(ctx);
      ctx.status = 303;
      ctx.redirect((await deps.signIn.logoutUrl(lang)).href);
    }),
  );

  router.get('/deconnecte', async (ctx) => {
    pages.kit.render(ctx, 'dashboard-logged-out', { base: DASHBOARD_PATH }, (t) => ({ title: t('logged-out.title') }));
  });

  return router;
}
