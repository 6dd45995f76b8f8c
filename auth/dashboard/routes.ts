import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../../lib/config/load.ts';
import type { Pool } from '../../lib/db/database.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import type { Logger } from '../../lib/log.ts';
import { readForm } from '../../lib/web/form.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import { serviceProviderById } from '../clients.ts';
import { brokerErrors, isShownErrorCode } from '../errors.ts';
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
import { latestDashboardIdp, requestedLevel, returnPath, type DashboardSignIn } from './sign-in.ts';
import type { AccountStore } from '../accounts.ts';
import type { CompanyRegistry } from '../companies/registry.ts';
import type { MandateStore } from '../mandates/store.ts';
import { companyRoutes } from './company-routes.ts';
import { mandateRoutes } from './mandate-routes.ts';
import { mandateNames, mandateView } from './mandates.ts';

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
  /** Mandates (auth/mandates/store.ts): the "Mandats" section, and the names the history shows. */
  mandates: MandateStore;
  /** The companies a person legally represents (company mandates are given for them). */
  companies: CompanyRegistry;
  /** The signed-in person's validated identity (kept for the dashboard session's life). */
  accounts: AccountStore;
  /** The broker's origin: forms posted from anywhere else are forgeries. */
  origin: string;
  logger: Logger;
}

type Section = 'history' | 'consents' | 'preferences' | 'mandates' | 'companies';

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
      // Signed in, the person comes back to the page they asked for (an invitation link).
      const back = returnPath(ctx.originalUrl);
      const signInUrl = `${DASHBOARD_PATH}/connexion${back === DASHBOARD_PATH ? '' : `?${new URLSearchParams({ retour: back })}`}`;
      pages.kit.render(ctx, 'dashboard-welcome', { signInUrl }, (t) => ({ title: t('dashboard.welcome.title') }));
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

  const render = (
    ctx: Context,
    section: Section,
    view: string,
    data: Record<string, unknown>,
    title: string,
    status?: number,
  ) => {
    pages.kit.render(ctx, view, { ...data, section, base: DASHBOARD_PATH }, (t) => ({
      title: t(title),
      ...(status ? { status } : {}),
    }));
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
      const mandate = typeof ctx.query.mandat === 'string' && ctx.query.mandat ? ctx.query.mandat : undefined;
      const cursor = typeof ctx.query.page === 'string' && ctx.query.page ? ctx.query.page : undefined;
      const { given, received } = await deps.mandates.listOf(current.accountId);
      const names = mandateNames([...given, ...received], current.accountId);
      if (mandate && !names.has(mandate)) throw brokerErrors.error('DASHBOARD_FILTER_INVALID', { filter: 'mandate' });
      const page = await deps.history.page(
        current.accountId,
        { service, provider, mandate },
        cursor,
        config.broker.dashboard.pageSize,
      );
      const services = await deps.history.services(current.accountId);
      const filters = new URLSearchParams({
        ...(service ? { service } : {}),
        ...(provider ? { provider } : {}),
        ...(mandate ? { mandat: mandate } : {}),
      });
      const nextParams = new URLSearchParams(filters);
      if (page.next) nextParams.set('page', page.next);
      render(
        ctx,
        'history',
        'dashboard-history',
        {
          events: page.events.map((event) => eventView(event, deps.words, lang, t, names)),
          mandates: [...given, ...received].map((m) => {
            const view = mandateView(m, current.accountId, lang, t);
            const key =
              view.side === 'mandator' ? 'dashboard.mandates.filter.given' : 'dashboard.mandates.filter.received';
            return {
              id: m.id,
              label: t(key, { person: view.person, from: view.from, to: view.to }),
              selected: m.id === mandate,
            };
          }),
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
          filtered: Boolean(service || provider || mandate),
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
    const acr = requestedLevel(ctx.query.niveau);
    if (!acr) return pages.error(ctx, { code: 'DASHBOARD_LEVEL_INVALID' });
    await deps.signIn.start(ctx, { acr, returnTo: returnPath(ctx.query.retour) });
  });

  router.get('/callback', async (ctx) => {
    const result = await deps.signIn.finish(ctx);
    if (!result.ok) {
      deps.logger.info({ reason: result.reason }, 'dashboard sign-in failed');
      return pages.error(ctx, { code: 'DASHBOARD_SIGN_IN_FAILED', chooseAgainUrl: `${DASHBOARD_PATH}/connexion` });
    }
    // The identity the broker just validated, kept as long as this session may create or
    // accept a mandate with it (auth.accounts otherwise keeps it for a broker session).
    const account = await deps.accounts.find(result.accountId);
    if (account) await deps.accounts.save(account, maxSeconds);
    const previous = sessionIdOf(ctx);
    if (previous) await deps.sessions.destroy(previous);
    const id = await deps.sessions.create(
      result.accountId,
      await latestDashboardIdp(deps.pool, result.accountId),
      result.acr,
    );
    setSessionCookie(ctx, id, maxSeconds);
    ctx.status = 303;
    ctx.redirect(result.returnTo);
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
            privateCompany: serviceProviderById(deps.config, consent.clientId)?.private === true,
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
      const { given, received } = await deps.mandates.listOf(current.accountId);
      const mandates = [...given, ...received];
      const day = new Date().toISOString().slice(0, 10);
      ctx.set({
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': `attachment; filename="franceconnect-historique-${day}.${format}"`,
      });
      ctx.type = format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8; header=present';
      ctx.body =
        format === 'json'
          ? exportJson(events, mandates, current.accountId, deps.words)
          : exportCsv(events, mandates, current.accountId, deps.words, lang);
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

  companyRoutes(
    router,
    {
      companies: deps.companies,
      mandates: deps.mandates,
      accounts: deps.accounts,
      history: deps.history,
      words: deps.words,
      pageSize: config.broker.dashboard.pageSize,
    },
    {
      session,
      render: (ctx, view, data, title, status) => render(ctx, 'companies', view, data, title, status),
      translator: (ctx) => pages.kit.translator(ctx),
      guarded,
    },
  );

  mandateRoutes(
    router,
    {
      mandates: deps.mandates,
      accounts: deps.accounts,
      contract: deps.contract,
      origin: deps.origin,
      logger: deps.logger,
      companies: deps.companies,
    },
    {
      session,
      postSession,
      render: (ctx, view, data, title, status) => render(ctx, 'mandates', view, data, title, status),
      translator: (ctx) => pages.kit.translator(ctx),
    },
  );

  return router;
}
