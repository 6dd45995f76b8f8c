import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AcrLevel } from '../../lib/contracts/eidas.ts';
import type { Language } from '../../lib/web/i18n.ts';
import type { Translate } from '../../lib/web/render.ts';
import type { AccountStore } from '../accounts.ts';
import type { CompanyOption, CompanyRegistry } from '../companies/registry.ts';
import { brokerErrors } from '../errors.ts';
import { GatewayReadFailed } from '../gateway-reader.ts';
import type { Mandate, MandateStore } from '../mandates/store.ts';
import { eventView, type Vocabulary } from './event-view.ts';
import type { History } from './history.ts';
import { mandateNames, personName } from './mandates.ts';
import { DASHBOARD_PATH, type DashboardSession } from './session.ts';

/**
 * The "Mes entreprises" section of /mon-compte (docs/companies.md "On the dashboard"): the
 * companies the signed-in person acts for — those the register lists them as a legal
 * representative of today, and those whose company mandate they hold — and for each, the
 * events filed under it. A legal representative sees what EVERYONE did for the company
 * (themselves, other legal representatives, the people it mandated); a mandated person
 * sees only what they did for it. Who may see what is decided now, from the register's
 * answer and the mandates, never from a link.
 */
export interface CompanyRouteDeps {
  companies: CompanyRegistry;
  mandates: MandateStore;
  accounts: AccountStore;
  history: History;
  words: Vocabulary;
  pageSize: number;
}

export interface CompanyPageKit {
  session(ctx: Context): Promise<DashboardSession | undefined>;
  render(ctx: Context, view: string, data: Record<string, unknown>, title: string, status?: number): void;
  translator(ctx: Context): { lang: Language; t: Translate };
  /** Our codes thrown by `handler` become their error page. */
  guarded(handler: (ctx: Context) => Promise<void>): (ctx: Context) => Promise<void>;
}

interface Acting {
  /** Companies in activity the register lists the person as a legal representative of. */
  represented: CompanyOption[];
  /** Active company mandates the person holds. */
  mandated: Mandate[];
}

export function companyRoutes(router: Router, deps: CompanyRouteDeps, kit: CompanyPageKit): void {
  /** What the session's person acts for now; throws COMPANY_REGISTRY_UNAVAILABLE when the register does not answer. */
  const actingFor = async (session: DashboardSession): Promise<Acting> => {
    const account = await deps.accounts.find(session.accountId);
    if (!account) throw brokerErrors.error('DASHBOARD_SESSION_EXPIRED');
    let represented: CompanyOption[];
    try {
      represented = await deps.companies.representedBy({
        accountId: session.accountId,
        pivot: account.pivot,
        acr: session.acr as AcrLevel,
      });
    } catch (error) {
      if (!(error instanceof GatewayReadFailed)) throw error;
      throw brokerErrors.error('DASHBOARD_COMPANY_REGISTRY_UNAVAILABLE');
    }
    const mandated = (await deps.mandates.activeFor(session.accountId)).filter(
      (m) => m.company && !represented.some((c) => c.siren === m.company!.siren),
    );
    return { represented: represented.filter((c) => c.active), mandated };
  };

  router.get(
    '/entreprises',
    kit.guarded(async (ctx) => {
      const session = await kit.session(ctx);
      if (!session) return;
      const { represented, mandated } = await actingFor(session);
      kit.render(
        ctx,
        'dashboard-companies',
        {
          represented: represented.map((c) => ({ siren: c.siren, name: c.legalName, function: c.function })),
          mandated: mandated.map((m) => ({ siren: m.company!.siren, name: m.company!.legalName, mandateId: m.id })),
        },
        'dashboard.companies.title',
      );
    }),
  );

  router.get(
    '/entreprises/:siren',
    kit.guarded(async (ctx) => {
      const session = await kit.session(ctx);
      if (!session) return;
      const siren = ctx.params.siren!;
      const { lang, t } = kit.translator(ctx);
      const { represented, mandated } = await actingFor(session);
      const asRepresentative = represented.find((c) => c.siren === siren);
      const asMandated = mandated.find((m) => m.company!.siren === siren);
      if (!asRepresentative && !asMandated) throw brokerErrors.error('DASHBOARD_COMPANY_NOT_REPRESENTED');
      const cursor = typeof ctx.query.page === 'string' && ctx.query.page ? ctx.query.page : undefined;
      const page = await deps.history.companyPage(
        siren,
        asRepresentative ? undefined : session.accountId,
        cursor,
        deps.pageSize,
      );
      // Who acted: "you", a person the company mandated (their name, from the mandate), or another legal representative.
      const mandates = await deps.mandates.listOf(session.accountId);
      const companyMandates = [...mandates.given, ...mandates.received].filter((m) => m.company?.siren === siren);
      const who = (citizenRef: string | null) => {
        if (citizenRef === session.accountId) return t('dashboard.companies.by.you');
        const mandate = companyMandates.find((m) => m.representative?.accountId === citizenRef);
        return mandate?.representative
          ? personName(mandate.representative.pivot)
          : t('dashboard.companies.by.representative');
      };
      const names = mandateNames(companyMandates, session.accountId);
      const next = page.next
        ? `${DASHBOARD_PATH}/entreprises/${siren}?${new URLSearchParams({ page: page.next })}`
        : '';
      kit.render(
        ctx,
        'dashboard-company',
        {
          name: asRepresentative?.legalName ?? asMandated!.company!.legalName,
          siren,
          everyone: Boolean(asRepresentative),
          events: page.events.map((event) => ({
            ...eventView(event, deps.words, lang, t, names),
            by: who(event.citizenRef),
          })),
          paged: Boolean(cursor),
          firstUrl: `${DASHBOARD_PATH}/entreprises/${siren}`,
          nextUrl: next || undefined,
        },
        'dashboard.companies.title',
      );
    }),
  );
}
