import type { Context } from 'koa';
import type { Domain } from '../../lib/contracts/domains.ts';
import type { ConsentedOperation } from '../../lib/contracts/pivot-token.ts';
import { FormError, readForm } from '../../lib/web/form.ts';
import { resolveRequestedOperations } from '../authorization-details/rich-authorization-requests.ts';
import { asksForRepresentation } from '../claims.ts';
import type { ShownErrorCode } from '../errors.ts';
import {
  actsNow,
  displayName,
  domainsSentence,
  longDate,
  missingDomains,
  operationDomains,
} from '../mandates/coverage.ts';
import type { Mandate } from '../mandates/store.ts';
import type { InteractionDeps, InteractionDetails } from './context.ts';
import { signInErrorPath, type PendingSignIn } from './sign-in.ts';

/**
 * "For whom are you doing this procedure?" (docs/mandates.md "For service providers"):
 * between sign-in and consent, only when the service provider asked for the
 * `representation` scope (an SP that did not never sees it) and the signed-in person holds
 * active mandates. They choose themselves, or a mandator whose mandate covers every domain
 * of the requested operations; the others are listed with the domains they lack. The
 * answer (auth/mandates/representation-choices.ts) is read back at consent
 * (`chosenMandate`), where the grant is recorded under the mandate.
 */

const SELF = 'self';

interface Option {
  mandate: Mandate;
  missing: Domain[];
}

/** The requested operations (none for a sign-in without data), as the consent page will show them. */
export function requestedOperations(deps: InteractionDeps, details: InteractionDetails): ConsentedOperation[] {
  if (details.params.authorization_details === undefined) return [];
  return resolveRequestedOperations(
    deps.config,
    deps.consent.contract,
    String(details.params.client_id),
    details.params,
  );
}

/** The signed-in person's active mandates, each with the domains of this request it lacks. */
async function options(deps: InteractionDeps, details: InteractionDetails): Promise<Option[]> {
  const accountId = details.session?.accountId;
  if (!accountId) return [];
  const needed = operationDomains(requestedOperations(deps, details), deps.consent.contract);
  const mandates = (await deps.mandates.store.activeFor(accountId)).filter((m) => actsNow(m) && !m.company);
  return mandates.map((mandate) => ({ mandate, missing: missingDomains(mandate, needed) }));
}

/** Whether this interaction must ask "for whom" before its consent step. */
export async function needsRepresentationChoice(deps: InteractionDeps, details: InteractionDetails): Promise<boolean> {
  if (!asksForRepresentation(details.params.scope) || !details.session?.accountId) return false;
  if (await deps.mandates.choices.chosen(details.uid)) return false;
  // Company mandates are offered under `company` (auth/interactions/company.ts), not here.
  return (await deps.mandates.store.activeFor(details.session.accountId)).some((m) => actsNow(m) && !m.company);
}

/** GET /interaction/:uid while the question is open: the page. */
export async function showRepresentation(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  signIn: PendingSignIn,
): Promise<void> {
  const token = await deps.mandates.choices.issue(details.uid, deps.config.broker.interactionTtlSeconds);
  if (!token) return representationError(deps, ctx, signIn, 'REPRESENTATION_FORM_INVALID');
  const { lang } = deps.pages.kit.translator(ctx);
  const all = await options(deps, details);
  const describe = ({ mandate, missing }: Option) => ({
    id: mandate.id,
    name: displayName(mandate.mandator.pivot),
    domains: domainsSentence(mandate.domains, lang),
    end: longDate(mandate.endsAt, lang),
    missing: domainsSentence(missing, lang),
  });
  deps.pages.kit.render(
    ctx,
    'representation',
    {
      uid: details.uid,
      sp: signIn.sp,
      token,
      covering: all.filter((o) => !o.missing.length).map(describe),
      notCovering: all.filter((o) => o.missing.length).map(describe),
    },
    (t) => ({ title: t('representation.title'), formAction: signIn.spOrigins }),
  );
}

/** POST /interaction/:uid/representation — the answer, checked, then on to the consent step. */
export async function chooseRepresentation(
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
    !asksForRepresentation(details.params.scope)
  )
    return representationError(deps, ctx, signIn, 'REPRESENTATION_FORM_INVALID');
  let mandateId: string | null = null;
  if (choice !== SELF) {
    const option = (await options(deps, details)).find((o) => o.mandate.id === choice);
    if (!option) return representationError(deps, ctx, signIn, 'REPRESENTATION_CHOICE_INVALID');
    if (option.missing.length) {
      deps.logger.info({ uid: details.uid, missing: option.missing }, 'representation refused: mandate does not cover');
      return representationError(deps, ctx, signIn, 'REPRESENTATION_NOT_COVERED');
    }
    mandateId = option.mandate.id;
  }
  const taken = await deps.mandates.choices.take(details.uid, form.get('token') ?? '', { mandateId });
  if (taken !== 'ok') return representationError(deps, ctx, signIn, 'REPRESENTATION_FORM_INVALID');
  ctx.status = 303;
  ctx.redirect(`/interaction/${details.uid}`);
}

/**
 * The mandate this interaction acts under, checked again (still active, still covering
 * `operations`), or undefined for "myself" and for an SP that did not ask for representation.
 * Throws a mandate error code the consent step shows.
 */
export async function chosenMandate(
  deps: InteractionDeps,
  details: InteractionDetails,
  operations: readonly ConsentedOperation[],
): Promise<Mandate | undefined> {
  if (!asksForRepresentation(details.params.scope)) return undefined;
  const chosen = await deps.mandates.choices.chosen(details.uid);
  if (!chosen?.mandateId) return undefined;
  const accountId = details.session?.accountId;
  const mandate = accountId
    ? (await deps.mandates.store.activeFor(accountId)).find(
        (m) => m.id === chosen.mandateId && actsNow(m) && !m.company,
      )
    : undefined;
  if (!mandate) throw new RepresentationRefused('REPRESENTATION_MANDATE_ENDED');
  if (missingDomains(mandate, operationDomains(operations, deps.consent.contract)).length)
    throw new RepresentationRefused('REPRESENTATION_NOT_COVERED');
  return mandate;
}

/** The consent page's sentence about the mandate, in the page's language. */
export function actingForView(mandate: Mandate, lang: string) {
  const gender = mandate.mandator.pivot.gender;
  return {
    key: `representation.consent.actingFor.${gender === 'female' || gender === 'male' ? gender : 'other'}`,
    name: displayName(mandate.mandator.pivot),
    date: longDate(mandate.startsAt, lang),
    domains: domainsSentence(mandate.domains, lang),
  };
}

/** A refusal of the representation, with the code the page shows. */
export class RepresentationRefused extends Error {
  override name = 'RepresentationRefused';
  constructor(readonly code: ShownErrorCode) {
    super(code);
  }
}

export function representationError(
  deps: InteractionDeps,
  ctx: Context,
  signIn: PendingSignIn,
  code: ShownErrorCode,
): void {
  deps.pages.error(ctx, {
    code,
    sp: signIn.sp,
    abortUrl: `/interaction/${signIn.uid}/abort`,
    formAction: signIn.spOrigins,
    languageSwitchPath: signInErrorPath(signIn.uid, code),
  });
}
