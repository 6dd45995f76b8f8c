import type { Context } from 'koa';
import type { PivotTokenCompany } from '../../lib/contracts/pivot-token.ts';
import { FormError, readForm } from '../../lib/web/form.ts';
import { asksForCompany } from '../claims.ts';
import type { CompanyOption } from '../companies/registry.ts';
import type { ShownErrorCode } from '../errors.ts';
import { GatewayReadFailed } from '../gateway-reader.ts';
import type { AcrLevel } from '../../lib/contracts/eidas.ts';
import type { InteractionDeps, InteractionDetails } from './context.ts';
import { actsNow, missingDomains, operationDomains } from '../mandates/coverage.ts';
import type { Mandate } from '../mandates/store.ts';
import { RepresentationRefused, representationError, requestedOperations } from './representation.ts';
import type { PendingSignIn } from './sign-in.ts';

/**
 * "Pour quelle entreprise ?" (docs/companies.md): between sign-in and consent, only when
 * the service provider asked for the `company` scope. The broker reads the companies the
 * register lists the signed-in person as a legal representative of (auth/companies/
 * registry.ts, through the gateway), keeps what it offered with the page's one-time token
 * (auth/mandates/representation-choices.ts), and the person picks a company in activity and
 * one of its open establishments. The answer is checked against what was offered — a forged
 * value, a ceased company or another company's SIRET is refused — and read back at consent
 * (`chosenCompany`), where the grant is recorded for the company.
 */

/** Whether this interaction must ask "for which company" before its consent step. */
export async function needsCompanyChoice(deps: InteractionDeps, details: InteractionDetails): Promise<boolean> {
  if (!asksForCompany(details.params.scope) || !details.session?.accountId) return false;
  return (await deps.mandates.choices.chosen(details.uid)) === undefined;
}

/** The companies the signed-in person may act for, or the code of the page that says why none can be listed. */
async function companiesOf(
  deps: InteractionDeps,
  details: InteractionDetails,
): Promise<CompanyOption[] | ShownErrorCode> {
  const accountId = details.session?.accountId;
  const person = accountId ? await deps.accounts.find(accountId) : undefined;
  if (!accountId || !person) return 'INTERACTION_EXPIRED';
  const acr = ((details.session as { acr?: string } | undefined)?.acr ?? 'eidas1') as AcrLevel;
  let represented: CompanyOption[];
  try {
    represented = await deps.companies.registry.representedBy({ accountId, pivot: person.pivot, acr });
  } catch (error) {
    if (!(error instanceof GatewayReadFailed)) throw error;
    deps.logger.warn({ uid: details.uid, reason: error.reason, codes: error.codes }, 'company register read failed');
    return 'COMPANY_REGISTRY_UNAVAILABLE';
  }
  const mandated = (await companyMandates(deps, details)).filter(
    (m) => !represented.some((c) => c.siren === m.company!.siren),
  );
  return [...represented, ...mandated.map(mandatedOption)];
}

/** The signed-in person's active company mandates covering every domain of the requested operations. */
async function companyMandates(deps: InteractionDeps, details: InteractionDetails): Promise<Mandate[]> {
  const needed = operationDomains(requestedOperations(deps, details), deps.consent.contract);
  return (await deps.mandates.store.activeFor(details.session!.accountId)).filter(
    (m) => m.company && actsNow(m) && !missingDomains(m, needed).length,
  );
}

/** A company mandate as a choice of the page: the establishments as the register gave them at its creation. */
function mandatedOption(mandate: Mandate): CompanyOption {
  const { siren, legalName, establishments } = mandate.company!;
  return { siren, legalName, active: true, ceasedOn: null, role: 'mandated', mandateId: mandate.id, establishments };
}

/** GET /interaction/:uid while the question is open: the page, or "no company" with a way back. */
export async function showCompanyChoice(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  signIn: PendingSignIn,
): Promise<void> {
  const companies = await companiesOf(deps, details);
  if (typeof companies === 'string') return representationError(deps, ctx, signIn, companies);
  const active = companies.filter((c) => c.active && c.establishments.some((e) => e.active));
  if (!active.length) return representationError(deps, ctx, signIn, 'COMPANY_NONE');
  const token = await deps.mandates.choices.issue(details.uid, deps.config.broker.interactionTtlSeconds, companies);
  if (!token) return representationError(deps, ctx, signIn, 'COMPANY_FORM_INVALID');
  const { t } = deps.pages.kit.translator(ctx);
  const person = await deps.accounts.find(details.session!.accountId);
  const describe = (company: CompanyOption) => ({
    siren: company.siren,
    sirenShown: formatSiren(company.siren),
    name: company.legalName,
    function: functionLabel(company, person?.pivot.gender, t),
    ceasedOn: company.ceasedOn,
    establishments: company.establishments
      .filter((e) => e.active)
      .map((e) => ({ ...e, value: `${company.siren}/${e.siret}`, siret: formatSiret(e.siret) })),
  });
  deps.pages.kit.render(
    ctx,
    'company',
    {
      uid: details.uid,
      sp: signIn.sp,
      token,
      companies: active.map(describe),
      ceased: companies.filter((c) => !active.includes(c)).map(describe),
    },
    (tr) => ({ title: tr('company.title'), formAction: signIn.spOrigins }),
  );
}

/** POST /interaction/:uid/company — the answer, checked against what the page offered, then on to consent. */
export async function chooseCompany(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  signIn: PendingSignIn,
): Promise<void> {
  const form = await readForm(ctx);
  const choice = form.get('choice');
  if (choice === null || choice === '') throw new FormError('choice is required', 400);
  // Our pages send no Referer, so browsers send `Origin: null`; any real other origin is a forgery.
  const origin = ctx.get('origin');
  if (
    (origin && origin !== 'null' && origin !== new URL(deps.provider.issuer).origin) ||
    !asksForCompany(details.params.scope)
  )
    return representationError(deps, ctx, signIn, 'COMPANY_FORM_INVALID');
  const offered = await deps.mandates.choices.offered(details.uid);
  if (!offered) return representationError(deps, ctx, signIn, 'COMPANY_FORM_INVALID');
  const picked = pick(offered, choice);
  if (typeof picked === 'string') {
    deps.logger.info({ uid: details.uid, code: picked }, 'company choice refused');
    return representationError(deps, ctx, signIn, picked);
  }
  const taken = await deps.mandates.choices.take(details.uid, form.get('token') ?? '', {
    mandateId: null,
    company: picked,
  });
  if (taken !== 'ok') return representationError(deps, ctx, signIn, 'COMPANY_FORM_INVALID');
  // Filed under the person and the company: who chose to act for it, at which service.
  await deps.events.record({
    kind: 'broker.company_chosen',
    clientId: signIn.clientId,
    accountId: details.session!.accountId,
    details: {
      company: { siren: picked.siren, siret: picked.siret, name: picked.legal_name, role: picked.role },
      // Not a top-level `mandateId`: the dashboard reads those as mandate steps (auth/dashboard/mandate-events.ts).
      ...(picked.mandate_id ? { representation: { mandateId: picked.mandate_id, role: 'representative' } } : {}),
    },
  });
  ctx.status = 303;
  ctx.redirect(`/interaction/${details.uid}`);
}

/** The company and establishment `choice` ("SIREN/SIRET") names among `offered`, or why it cannot be. */
export function pick(offered: readonly CompanyOption[], choice: string): PivotTokenCompany | ShownErrorCode {
  const [siren, siret, ...rest] = choice.split('/');
  const company = offered.find((c) => c.siren === siren);
  if (!company || !siret || rest.length) return 'COMPANY_CHOICE_INVALID';
  if (!company.active) return 'COMPANY_CEASED';
  const establishment = company.establishments.find((e) => e.siret === siret);
  if (!establishment) return 'COMPANY_CHOICE_INVALID';
  if (!establishment.active) return 'COMPANY_ESTABLISHMENT_CLOSED';
  return {
    siren: company.siren,
    siret: establishment.siret,
    legal_name: company.legalName,
    role: company.role,
    ...(company.function ? { function: company.function } : {}),
    ...(company.mandateId ? { mandate_id: company.mandateId } : {}),
  };
}

/**
 * The company this interaction acts for (undefined for an SP that did not ask for
 * `company`), and for a mandated person the company mandate, checked again (still active,
 * still covering the operations' domains): RepresentationRefused otherwise.
 */
export async function chosenCompany(
  deps: InteractionDeps,
  details: InteractionDetails,
): Promise<{ company: PivotTokenCompany; mandate?: Mandate | undefined } | undefined> {
  if (!asksForCompany(details.params.scope)) return undefined;
  const chosen = await deps.mandates.choices.chosen(details.uid);
  if (!chosen?.company) throw new Error('consent for a company before the company was chosen');
  const { company } = chosen;
  if (!company.mandate_id) return { company };
  const mandate = (await companyMandates(deps, details)).find((m) => m.id === company.mandate_id);
  if (!mandate) throw new RepresentationRefused('REPRESENTATION_MANDATE_ENDED');
  return { company, mandate };
}

/** The consent page's sentence: "Vous agissez pour BOULANGERIE DUPONT (SIREN 732 829 320) en tant que gérante". */
export function actingForCompanyView(
  company: PivotTokenCompany,
  gender: string | undefined,
  t: (key: string, params?: Record<string, string>) => string,
) {
  const option = { role: company.role, function: company.function } as CompanyOption;
  return {
    key: 'company.consent.actingFor',
    titleKey: 'company.consent.title',
    decidesKey: 'company.consent.decides',
    name: company.legal_name,
    params: {
      name: company.legal_name,
      siren: formatSiren(company.siren),
      function: functionLabel(option, gender, t),
      siret: formatSiret(company.siret),
    },
  };
}

/** "gérante", "président", "mandataire"…: the register's quality, in the person's grammatical gender. */
function functionLabel(
  company: Pick<CompanyOption, 'role' | 'function'>,
  gender: string | undefined,
  t: (key: string) => string,
): string {
  const form = gender === 'female' || gender === 'male' ? gender : 'other';
  if (company.role === 'mandated') return t(`company.function.MANDATAIRE.${form}`);
  return t(`company.function.${company.function ?? 'REPRESENTANT'}.${form}`);
}

const formatSiren = (siren: string) => siren.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
const formatSiret = (siret: string) => siret.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4');
