import type Router from '@koa/router';
import type { Context } from 'koa';
import { isPasserelleError } from '../../lib/errors/define.ts';
import type { Language } from '../../lib/web/i18n.ts';
import type { Translate } from '../../lib/web/render.ts';
import type { AccountStore } from '../accounts.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import { reachesAcr } from '../../lib/contracts/eidas.ts';
import { brokerErrors, isShownErrorCode, shownErrors } from '../errors.ts';
import { mandateErrors } from '../mandates/errors.ts';
import { displayInvitationCode, INVITATION_DAYS } from '../mandates/invitation-code.ts';
import { checkLevel, isExpectedPerson, levelNeededFor } from '../mandates/rules.ts';
import type { Mandate, MandatePerson, MandateStore } from '../mandates/store.ts';
import type { Logger } from '../../lib/log.ts';
import type { CompanyOption, CompanyRegistry } from '../companies/registry.ts';
import { GatewayReadFailed } from '../gateway-reader.ts';
import type { AcrLevel } from '../../lib/contracts/eidas.ts';
import {
  defaultProposalValues,
  domainChoices,
  formatDay,
  mandateView,
  parseProposal,
  proposalValues,
  type ProposalFormValues,
} from './mandates.ts';
import { DASHBOARD_PATH, type DashboardSession } from './session.ts';

/**
 * The "Mandats" section of /mon-compte (docs/mandates.md, "For citizens"): the mandates
 * given and received, the creation form and its one-time invitation, the invitation page
 * where the invited person accepts or declines, and ending one. Everything is done as the
 * signed-in account and only it: the mandator of a new mandate is the session's account,
 * the person accepting is the session's identity, and a mandate is found only among the
 * session's own. Creating or accepting a mandate whose domains need eidas2 needs a session
 * at eidas2 (the refusal offers to sign in again at that level and come back here).
 */
export interface MandatePageKit {
  session(ctx: Context): Promise<DashboardSession | undefined>;
  postSession(ctx: Context): Promise<{ session: DashboardSession; form: URLSearchParams } | undefined>;
  render(ctx: Context, view: string, data: Record<string, unknown>, title: string, status?: number): void;
  translator(ctx: Context): { lang: Language; t: Translate };
}

export interface MandateRouteDeps {
  mandates: MandateStore;
  accounts: AccountStore;
  contract: BrokerContract;
  /** The broker's origin: the invitation link is absolute (sent by mail, read out on the phone). */
  origin: string;
  logger: Logger;
  /** The companies the signed-in person legally represents: a company mandate is given for one of them. */
  companies: CompanyRegistry;
}

/** Full paths, for links and redirects (the router itself is mounted at /mon-compte). */
const BASE = `${DASHBOARD_PATH}/mandats`;
const INVITATION = `${BASE}/invitation`;

/** A refusal shown on the page it happened on, with the way out when there is one. */
interface Problem {
  code: string;
  status: number;
  message: string;
  /** MANDATE_LEVEL_TOO_LOW: sign in again at eidas2, then come back to `returnTo`. */
  levelUrl?: string;
}

export function mandateRoutes(router: Router, deps: MandateRouteDeps, kit: MandatePageKit): void {
  const levelUrl = (returnTo: string) =>
    `${DASHBOARD_PATH}/connexion?${new URLSearchParams({ niveau: 'eidas2', retour: returnTo })}`;

  /** A mandate error as a problem on the page (its HTTP status set); anything else is thrown on. */
  const problemOf = (error: unknown, lang: Language, returnTo: string): Problem => {
    if (!isPasserelleError(error) || !isShownErrorCode(error.code)) throw error;
    return {
      code: error.code,
      status: shownErrors[error.code].status,
      message: shownErrors[error.code].message[lang],
      ...(error.code === 'MANDATE_LEVEL_TOO_LOW' ? { levelUrl: levelUrl(returnTo) } : {}),
    };
  };

  /** The session's own identity, kept for the session's life (refreshed at its sign-in). */
  const me = async (session: DashboardSession): Promise<MandatePerson | undefined> => {
    const account = await deps.accounts.find(session.accountId);
    return account ? { accountId: session.accountId, pivot: account.pivot } : undefined;
  };

  /**
   * The companies in activity the session's person legally represents (the register, read
   * through the gateway); undefined when the register does not answer.
   */
  const companiesOf = async (session: DashboardSession): Promise<CompanyOption[] | undefined> => {
    const person = await me(session);
    if (!person) return [];
    try {
      const all = await deps.companies.representedBy({ ...person, acr: session.acr as AcrLevel });
      return all.filter((c) => c.active);
    } catch (error) {
      if (!(error instanceof GatewayReadFailed)) throw error;
      deps.logger.warn({ reason: error.reason, codes: error.codes }, 'company register read failed');
      return undefined;
    }
  };

  /** The company a proposal is for ('' : none), checked against what the register says now. */
  const companyOfProposal = async (session: DashboardSession, siren: string) => {
    if (!siren) return undefined;
    const companies = await companiesOf(session);
    if (!companies) throw mandateErrors.error('MANDATE_COMPANY_REGISTRY_UNAVAILABLE');
    const company = companies.find((c) => c.siren === siren);
    if (!company) throw mandateErrors.error('MANDATE_COMPANY_NOT_REPRESENTED');
    return { siren, legalName: company.legalName, establishments: company.establishments };
  };

  const page = (ctx: Context, view: string, data: Record<string, unknown>, title: string, session: DashboardSession) =>
    kit.render(
      ctx,
      view,
      { ...data, section: 'mandates', csrf: session.csrfToken },
      title,
      (data.problem as Problem | undefined)?.status,
    );

  router.get('/mandats', async (ctx) => {
    const current = await kit.session(ctx);
    if (!current) return;
    const { lang, t } = kit.translator(ctx);
    const { given, received } = await deps.mandates.listOf(current.accountId);
    const done = typeof ctx.query.fait === 'string' ? ctx.query.fait : '';
    page(
      ctx,
      'dashboard-mandates',
      {
        given: given.map((m) => mandateView(m, current.accountId, lang, t)),
        received: received.map((m) => mandateView(m, current.accountId, lang, t)),
        notice: ['accepted', 'declined', 'ended'].includes(done) ? t(`dashboard.mandates.done.${done}`) : undefined,
      },
      'dashboard.mandates.title',
      current,
    );
  });

  const showForm = async (
    ctx: Context,
    session: DashboardSession,
    values: ProposalFormValues,
    problem: Problem | undefined,
  ) => {
    const companies = ((await companiesOf(session)) ?? []).map((c) => ({
      siren: c.siren,
      name: c.legalName,
      checked: values.company === c.siren,
    }));
    const { lang } = kit.translator(ctx);
    const domains = domainChoices(values, lang).map((choice) => ({
      ...choice,
      eidas2: levelNeededFor([choice.value], deps.contract) !== 'eidas1',
    }));
    const high = reachesAcr(session.acr, 'eidas2');
    const protectedDomains = domains.filter((d) => d.eidas2).map((d) => d.label);
    page(
      ctx,
      'dashboard-mandate-new',
      {
        values,
        domains,
        companies,
        problem,
        // The domains that need a higher sign-in than this one, and the way to it.
        levelNote: !high && protectedDomains.length ? protectedDomains.join(', ') : undefined,
        levelUrl: levelUrl(`${BASE}/nouveau`),
      },
      'dashboard.mandates.new.title',
      session,
    );
  };

  router.get('/mandats/nouveau', async (ctx) => {
    const current = await kit.session(ctx);
    if (current) await showForm(ctx, current, defaultProposalValues(), undefined);
  });

  router.post('/mandats/nouveau', async (ctx) => {
    const posted = await kit.postSession(ctx);
    if (!posted) return;
    const { session, form } = posted;
    const { lang, t } = kit.translator(ctx);
    const values = proposalValues(form);
    try {
      const mandator = await me(session);
      if (!mandator) throw brokerErrors.error('DASHBOARD_SESSION_EXPIRED');
      const proposal = {
        ...parseProposal(values, mandator),
        company: await companyOfProposal(session, values.company),
      };
      checkLevel(proposal.domains, session.acr, deps.contract);
      const { mandate, code, codeExpiresAt } = await deps.mandates.propose(proposal);
      const link = new URL(`${INVITATION}?${new URLSearchParams({ code })}`, deps.origin).href;
      // Shown once: never cached, never stored (only its hash is).
      ctx.set('Cache-Control', 'no-store');
      page(
        ctx,
        'dashboard-mandate-created',
        {
          mandate: mandateView(mandate, session.accountId, lang, t),
          code: displayInvitationCode(code),
          link,
          expires: formatDay(codeExpiresAt, lang),
          days: String(INVITATION_DAYS),
        },
        'dashboard.mandates.created.title',
        session,
      );
    } catch (error) {
      await showForm(ctx, session, values, problemOf(error, lang, `${BASE}/nouveau`));
    }
  });

  /** The invitation page: the mandate a live code invites to, or the refusal, and the code form. */
  const showInvitation = (
    ctx: Context,
    session: DashboardSession,
    code: string,
    mandate: Mandate | undefined,
    problem: Problem | undefined,
  ) => {
    const { lang, t } = kit.translator(ctx);
    const needed = mandate ? levelNeededFor(mandate.domains, deps.contract) : 'eidas1';
    const returnTo = `${INVITATION}?${new URLSearchParams({ code })}`;
    page(
      ctx,
      'dashboard-mandate-invitation',
      {
        code,
        mandate: mandate ? mandateView(mandate, session.accountId, lang, t) : undefined,
        mandator: mandate ? mandateView(mandate, mandate.mandator.accountId, lang, t) : undefined,
        problem,
        // Shown before the buttons: accepting would be refused at this level.
        levelUrl: mandate && !problem && !reachesAcr(session.acr, needed) ? levelUrl(returnTo) : undefined,
      },
      'dashboard.mandates.invitation.title',
      session,
    );
  };

  router.get('/mandats/invitation', async (ctx) => {
    const current = await kit.session(ctx);
    if (!current) return;
    const { lang } = kit.translator(ctx);
    const code = typeof ctx.query.code === 'string' ? ctx.query.code.slice(0, 64) : '';
    if (!code) return showInvitation(ctx, current, '', undefined, undefined);
    const mandate = await deps.mandates.invitation(code);
    if (!mandate)
      return showInvitation(
        ctx,
        current,
        code,
        undefined,
        problemOf(mandateErrors.error('MANDATE_INVITATION_INVALID'), lang, ''),
      );
    if (mandate.mandator.accountId === current.accountId)
      return showInvitation(
        ctx,
        current,
        code,
        undefined,
        problemOf(mandateErrors.error('MANDATE_TO_ONESELF'), lang, ''),
      );
    // Someone else than the person invited (an intercepted link) learns nothing of it.
    const mine = await me(current);
    if (!mine || !isExpectedPerson(mine.pivot, mandate.expected))
      return showInvitation(
        ctx,
        current,
        code,
        undefined,
        problemOf(mandateErrors.error('MANDATE_REPRESENTATIVE_MISMATCH'), lang, ''),
      );
    showInvitation(ctx, current, code, mandate, undefined);
  });

  router.post('/mandats/invitation', async (ctx) => {
    const posted = await kit.postSession(ctx);
    if (!posted) return;
    const { session, form } = posted;
    const { lang } = kit.translator(ctx);
    const code = (form.get('code') ?? '').slice(0, 64);
    const action = form.get('action');
    const returnTo = `${INVITATION}?${new URLSearchParams({ code })}`;
    const mandate = await deps.mandates.invitation(code);
    try {
      if (action !== 'accepter' && action !== 'refuser') throw brokerErrors.error('FORM_INVALID');
      const representative = await me(session);
      if (!representative) throw brokerErrors.error('DASHBOARD_SESSION_EXPIRED');
      if (action === 'accepter') {
        if (mandate) checkLevel(mandate.domains, session.acr, deps.contract);
        await deps.mandates.accept(code, representative);
      } else {
        await deps.mandates.decline(code, representative);
      }
      deps.logger.info({ action }, 'mandate invitation answered');
      ctx.status = 303;
      ctx.redirect(`${BASE}?fait=${action === 'accepter' ? 'accepted' : 'declined'}`);
    } catch (error) {
      const problem = problemOf(error, lang, returnTo);
      const keep = problem.code === 'MANDATE_LEVEL_TOO_LOW';
      showInvitation(ctx, session, code, keep ? mandate : undefined, problem);
    }
  });

  /** One mandate of the session's own, or the page saying there is none. */
  const ownMandate = async (ctx: Context, session: DashboardSession): Promise<Mandate | undefined> => {
    const mandate = await deps.mandates.find(String(ctx.params.id ?? ''), session.accountId);
    if (!mandate) {
      const { lang } = kit.translator(ctx);
      page(
        ctx,
        'dashboard-mandate-end',
        { problem: problemOf(mandateErrors.error('MANDATE_NOT_FOUND'), lang, '') },
        'dashboard.mandates.end.title',
        session,
      );
    }
    return mandate;
  };

  router.get('/mandats/:id/fin', async (ctx) => {
    const current = await kit.session(ctx);
    if (!current) return;
    const mandate = await ownMandate(ctx, current);
    if (!mandate) return;
    const { lang, t } = kit.translator(ctx);
    const view = mandateView(mandate, current.accountId, lang, t);
    const problem = view.endable ? undefined : problemOf(mandateErrors.error('MANDATE_STATE_INVALID'), lang, '');
    page(ctx, 'dashboard-mandate-end', { mandate: view, problem }, 'dashboard.mandates.end.title', current);
  });

  router.post('/mandats/:id/fin', async (ctx) => {
    const posted = await kit.postSession(ctx);
    if (!posted) return;
    const { lang } = kit.translator(ctx);
    try {
      await deps.mandates.end(String(ctx.params.id ?? ''), posted.session.accountId);
      ctx.status = 303;
      ctx.redirect(`${BASE}?fait=ended`);
    } catch (error) {
      page(
        ctx,
        'dashboard-mandate-end',
        { problem: problemOf(error, lang, '') },
        'dashboard.mandates.end.title',
        posted.session,
      );
    }
  });
}
