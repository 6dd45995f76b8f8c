import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import { inTransaction } from '../../lib/db/database.ts';
import { FormError, readForm } from '../../lib/web/form.ts';
import type { ConsentedOperation, PivotTokenCompany } from '../../lib/contracts/pivot-token.ts';
import { resolveRequestedOperations } from '../authorization-details/rich-authorization-requests.ts';
import { asksForCompany, asksForRepresentation } from '../claims.ts';
import { serviceProviderById } from '../clients.ts';
import { shownErrors, type ShownErrorCode } from '../errors.ts';
import type { BrokerEventKind } from '../events.ts';
import { pairwiseSubject } from '../pairwise.ts';
import { ConsentAlreadyDecided, type Decision } from './consent-forms.ts';
import { consentView, requestedIdentityClaims, requestedIdentityScopes, scopeLabels } from './consent-view.ts';
import type { InteractionDeps, InteractionDetails } from './context.ts';
import type { Mandate } from '../mandates/store.ts';
import { actingForView, chosenMandate, RepresentationRefused } from './representation.ts';
import { actingForCompanyView, chosenCompany } from './company.ts';
import { signInErrorPath, type PendingSignIn } from './sign-in.ts';

/**
 * The consent step, after sign-in:
 * - a request with `authorization_details` (data for the gateway) gets the consent page:
 *   the operations are resolved again from the request, shown to the citizen with a
 *   one-time form token, and the citizen allows or refuses. "Allow" creates a NEW grant
 *   holding exactly what was shown (identity scopes asked, consented operations), so a
 *   grant covers one decision and revoking it revokes only that; "refuse" sends
 *   `access_denied` (CONSENT_REFUSED) to the SP. Either decision is recorded first.
 * - a plain sign-in (identity only) is granted as asked, without a page — identity
 *   scopes need no consent page at FranceConnect; the SP's entitlement was checked.
 */
export async function showConsent(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  signIn: PendingSignIn,
): Promise<void> {
  if (details.params.authorization_details === undefined) {
    const acting = await representedBy(deps, ctx, details, signIn, []);
    if (acting === false) return;
    return grantIdentityOnly(deps, ctx, details, acting);
  }
  let operations: ConsentedOperation[];
  try {
    operations = resolveRequestedOperations(deps.config, deps.consent.contract, signIn.clientId, details.params);
  } catch (error) {
    // The request was valid when it arrived; the configuration changed since.
    if (!(error instanceof errors.InvalidAuthorizationDetails)) throw error;
    deps.logger.warn({ description: error.error_description }, 'requested operations no longer valid');
    return consentError(deps, ctx, signIn, 'AUTHORIZATION_REQUEST_INVALID');
  }
  const acting = await representedBy(deps, ctx, details, signIn, operations);
  if (acting === false) return;
  const { mandate, company } = acting;
  let token: string;
  try {
    token = await deps.consent.forms.issue(details.uid, operations, deps.config.broker.interactionTtlSeconds);
  } catch (error) {
    if (error instanceof ConsentAlreadyDecided) return consentError(deps, ctx, signIn, 'CONSENT_ALREADY_DECIDED');
    throw error;
  }
  const { lang, t } = deps.pages.kit.translator(ctx);
  const view = consentView(deps.consent.contract, operations, requestedIdentityClaims(details.params.scope), lang, t);
  const gender = company ? (await deps.accounts.find(details.session!.accountId))?.pivot.gender : undefined;
  const actingFor = company
    ? actingForCompanyView(company, gender, t)
    : mandate
      ? actingForView(mandate, lang)
      : undefined;
  // A private company (a bank…) is named as such on the page (docs/service-providers.md#private-service-providers).
  const privateSp = serviceProviderById(deps.config, signIn.clientId)?.private === true;
  deps.pages.kit.render(
    ctx,
    'consent',
    { uid: details.uid, sp: signIn.sp, token, view, actingFor, privateSp },
    (tr) => ({
      title: actingFor
        ? tr('titleKey' in actingFor ? actingFor.titleKey : 'representation.consent.title', { name: actingFor.name })
        : tr('consent.title'),
      formAction: signIn.spOrigins,
    }),
  );
}

/** POST /interaction/:uid/consent — the citizen's decision. */
export async function decideConsent(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  signIn: PendingSignIn,
): Promise<void> {
  const form = await readForm(ctx);
  const decision = form.get('decision');
  if (decision !== 'allow' && decision !== 'refuse') throw new FormError('decision must be allow or refuse', 400);
  // Our pages send no Referer, so browsers send `Origin: null`; any real other origin is a forgery.
  const origin = ctx.get('origin');
  if (origin && origin !== 'null' && origin !== new URL(deps.provider.issuer).origin)
    return consentError(deps, ctx, signIn, 'CONSENT_FORM_INVALID');
  if (details.params.authorization_details === undefined)
    return consentError(deps, ctx, signIn, 'CONSENT_FORM_INVALID');

  // Checked before the form is spent: a mandate that ended meanwhile leaves nothing decided.
  const consented = (await deps.consent.forms.shown(details.uid)) ?? [];
  const acting = await representedBy(deps, ctx, details, signIn, consented);
  if (acting === false) return;
  const { mandate, company } = acting;
  const taken = await deps.consent.forms.take(details.uid, form.get('token') ?? '', decision);
  if (!taken.ok) {
    deps.logger.warn({ uid: details.uid, reason: taken.reason }, 'consent form refused');
    return consentError(
      deps,
      ctx,
      signIn,
      taken.reason === 'decided' ? 'CONSENT_ALREADY_DECIDED' : 'CONSENT_FORM_INVALID',
    );
  }
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in session');

  const result =
    decision === 'allow'
      ? { consent: { grantId: await createGrant(deps, details, accountId, taken.shown, mandate, company) } }
      : undefined;
  await recordDecision(deps, details, accountId, taken.shown, decision, result?.consent.grantId, mandate, company);
  const returnTo = result
    ? await deps.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true })
    : await deps.provider.interactionResult(
        ctx.req,
        ctx.res,
        {
          error: 'access_denied',
          error_description: `CONSENT_REFUSED: ${shownErrors.CONSENT_REFUSED.message.en}`,
        },
        { mergeWithLastSubmission: false },
      );
  ctx.status = 303;
  ctx.redirect(returnTo);
}

/** Whom a consent acts for: a mandator (`mandate`), a company (`company`, with its mandate for a mandated person), or oneself. */
interface Acting {
  mandate: Mandate | undefined;
  company: PivotTokenCompany | undefined;
}

/**
 * Whom this consent acts for, or `false` once the refusal page is rendered (the mandate
 * ended or no longer covers the operations).
 */
async function representedBy(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  signIn: PendingSignIn,
  operations: readonly ConsentedOperation[],
): Promise<Acting | false> {
  try {
    const forCompany = await chosenCompany(deps, details);
    if (forCompany) return { company: forCompany.company, mandate: forCompany.mandate };
    return { mandate: await chosenMandate(deps, details, operations), company: undefined };
  } catch (error) {
    if (!(error instanceof RepresentationRefused)) throw error;
    consentError(deps, ctx, signIn, error.code);
    return false;
  }
}

/**
 * Records that `grantId` was obtained under `mandate`, so that ending the mandate revokes
 * it and its tokens describe the mandator (auth/mandates/represented-account.ts). Right
 * after the grant is saved, not in its transaction: oidc-provider's adapter saves it on a
 * connection of its own. Before the interaction resumes, though: if this fails, no code is
 * issued for the grant, which only waits for its expiry, unusable.
 */
async function linkToMandate(deps: InteractionDeps, grantId: string, mandate: Mandate | undefined): Promise<void> {
  if (!mandate) return;
  await inTransaction(deps.mandates.pool, (client) => deps.mandates.store.linkGrant(client, grantId, mandate.id));
}

/** Records that `grantId` was obtained for `company` (its tokens then describe the company), like `linkToMandate`. */
async function linkToCompany(deps: InteractionDeps, grantId: string, company: PivotTokenCompany | undefined) {
  if (company) await deps.companies.grants.link(grantId, company);
}

/** A new grant with exactly what the citizen allowed. */
async function createGrant(
  deps: InteractionDeps,
  details: InteractionDetails,
  accountId: string,
  shown: readonly ConsentedOperation[],
  mandate: Mandate | undefined,
  company: PivotTokenCompany | undefined,
): Promise<string> {
  const { provider } = deps;
  const clientId = String(details.params.client_id);
  const grant = new provider.Grant({ accountId, clientId });
  const identityScopes = requestedIdentityScopes(details.params.scope);
  if (identityScopes.length) grant.addOIDCScope(identityScopes);
  for (const operation of shown) grant.addRar({ ...operation });
  // Data scopes put in `scope` (not needed: operations carry theirs) are granted only if consented.
  const consented = new Set(shown.flatMap((o) => o.scopes));
  const asked = (typeof details.params.scope === 'string' ? details.params.scope.split(' ') : []).filter((s) =>
    deps.consent.contract.scopes.has(s),
  );
  const granted = asked.filter((s) => consented.has(s));
  const rejected = asked.filter((s) => !consented.has(s));
  if (granted.length) grant.addResourceScope(deps.config.gateway.audience, granted);
  if (rejected.length) grant.rejectResourceScope(deps.config.gateway.audience, rejected);
  const grantId = await grant.save();
  await linkToMandate(deps, grantId, mandate);
  await linkToCompany(deps, grantId, company);
  return grantId;
}

async function recordDecision(
  deps: InteractionDeps,
  details: InteractionDetails,
  accountId: string,
  shown: readonly ConsentedOperation[],
  decision: Decision,
  grantId: string | undefined,
  mandate: Mandate | undefined,
  company: PivotTokenCompany | undefined,
): Promise<void> {
  const clientId = String(details.params.client_id);
  const sp = serviceProviderById(deps.config, clientId);
  const subOf = (id: string) => (sp ? pairwiseSubject(id, sp.sectorIdentifier, deps.pairwiseSecret) : null);
  // Under a mandate, the decision goes in both histories: the representative decided, for
  // the mandator. Under `representation`, not a top-level `mandateId`: the dashboard reads
  // events with one as mandate steps or exchanges (auth/dashboard/mandate-events.ts).
  const under = (role: 'representative' | 'mandator') => ({ representation: { mandateId: mandate!.id, role } });
  const people: Array<{ accountId: string; extra: Record<string, { mandateId: string; role: string }> }> = mandate
    ? [
        { accountId, extra: under('representative') },
        { accountId: mandate.mandator.accountId, extra: under('mandator') },
      ]
    : [{ accountId, extra: {} }];
  const kind: BrokerEventKind = decision === 'allow' ? 'broker.consent_given' : 'broker.consent_refused';
  const identityClaims = requestedIdentityClaims(details.params.scope);
  await Promise.all(
    people.flatMap((person) =>
      shown.map((operation) =>
        deps.events.record({
          kind,
          clientId,
          accountId: person.accountId,
          details: {
            sub: subOf(person.accountId),
            grantId: grantId ?? null,
            operationHash: operation.operation_hash,
            operationName: operation.operation_name,
            purpose: operation.purpose,
            scopes: operation.scopes,
            labels: scopeLabels(deps.consent.contract, operation.scopes),
            identityClaims,
            acr: (details.session as { acr?: string } | undefined)?.acr ?? null,
            // For a company: filed under it too (the dashboard's company views read it).
            ...(company
              ? {
                  company: { siren: company.siren, siret: company.siret, name: company.legal_name, role: company.role },
                }
              : {}),
            ...person.extra,
          },
        }),
      ),
    ),
  );
}

/**
 * The identity-only sign-in: the scopes the SP asked for (already limited to its
 * entitled ones) are granted as asked. Data goes through `authorization_details`
 * only, so resource scopes asked in `scope` are rejected.
 */
async function grantIdentityOnly(
  deps: InteractionDeps,
  ctx: Context,
  details: InteractionDetails,
  { mandate, company }: Acting,
): Promise<void> {
  const { provider } = deps;
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in session');
  // With `representation` or `company`, or when the session's grant was obtained under a
  // mandate or for a company, a new grant with every scope asked: never reuse a grant
  // obtained for someone else (or for oneself when acting for someone now).
  const fresh =
    asksForRepresentation(details.params.scope) ||
    asksForCompany(details.params.scope) ||
    (details.grantId !== undefined &&
      ((await deps.mandates.store.forGrant(details.grantId)) !== undefined ||
        (await deps.companies.grants.forGrant(details.grantId)) !== undefined));
  const grant =
    (details.grantId && !fresh ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (fresh) grant.addOIDCScope(requestedIdentityScopes(details.params.scope).join(' '));
  else if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes(details)))
    grant.rejectResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await linkToMandate(deps, grantId, mandate);
  await linkToCompany(deps, grantId, company);
  const returnTo = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
  ctx.status = 303;
  ctx.redirect(returnTo);
}

function missingResourceScopes(details: InteractionDetails): Record<string, string[]> {
  return (details.prompt.details as { missingResourceScopes?: Record<string, string[]> }).missingResourceScopes ?? {};
}

function consentError(deps: InteractionDeps, ctx: Context, signIn: PendingSignIn, code: ShownErrorCode): void {
  deps.pages.error(ctx, {
    code,
    sp: signIn.sp,
    abortUrl: `/interaction/${signIn.uid}/abort`,
    formAction: signIn.spOrigins,
    languageSwitchPath: signInErrorPath(signIn.uid, code),
  });
}
