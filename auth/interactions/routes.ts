import Router from '@koa/router';
import type { Context } from 'koa';
import { readForm } from '../../lib/web/form.ts';
import { isDatabaseUnavailable } from '../database-failure.ts';
import { isShownErrorCode, shownErrors } from '../errors.ts';
import { handleIdpCallback } from './callback.ts';
import { decideConsent, showConsent } from './consent.ts';
import type { InteractionDeps, InteractionDetails } from './context.ts';
import { chooseRepresentation, needsRepresentationChoice, showRepresentation } from './representation.ts';
import { chooseCompany, needsCompanyChoice, showCompanyChoice } from './company.ts';
import { goToIdp, parseFailures, pendingSignIn, showChooser, showSignInError, type PendingSignIn } from './sign-in.ts';

/**
 * The broker's own pages in a sign-in, between oidc-provider's authorization
 * endpoint and its resume endpoint:
 *   GET  /interaction/:uid            chooser (or straight to the `idp_hint` IdP), or for whom, or consent
 *   POST /interaction/:uid/idp        the citizen picked an IdP
 *   POST /interaction/:uid/representation  for whom (representation.ts: SPs asking for `representation`)
 *   POST /interaction/:uid/company    for which company (company.ts: SPs asking for `company`)
 *   POST /interaction/:uid/consent    the citizen allowed or refused (consent.ts)
 *   POST /interaction/:uid/abort      back to the SP with access_denied
 *   GET  /interaction/:uid/erreur/:code  a sign-in error page again (its language switch)
 *   GET  /idp/:name/callback          the IdP's answer
 *   GET  /idp/:name/logged-out        after logging out at an IdP
 * The interaction pages need this browser's interaction cookie (oidc-provider binds
 * it, path /interaction/<uid>); the callback needs the trip cookie set when leaving.
 */
export function interactionRoutes(deps: InteractionDeps): Router {
  const router = new Router();

  /** The interaction of this browser, or an "expired" page (`undefined`). */
  const load = async (
    ctx: Context,
    uid: string,
  ): Promise<{ details: InteractionDetails; signIn: PendingSignIn } | undefined> => {
    let details: InteractionDetails | undefined;
    try {
      details = await deps.provider.interactionDetails(ctx.req, ctx.res);
    } catch (error) {
      // Not "expired" when the database is down: the broker's error middleware says so (503).
      if (isDatabaseUnavailable(error)) throw error;
      details = undefined;
    }
    if (!details || details.uid !== uid) {
      deps.pages.error(ctx, { code: 'INTERACTION_EXPIRED' });
      return undefined;
    }
    return { details, signIn: pendingSignIn(deps, details.uid, details.params) };
  };

  router.get('/interaction/:uid', async (ctx) => {
    const found = await load(ctx, ctx.params.uid!);
    if (!found) return;
    const { details, signIn } = found;
    if (details.prompt.name === 'consent') {
      if (await needsRepresentationChoice(deps, details)) return showRepresentation(deps, ctx, details, signIn);
      if (await needsCompanyChoice(deps, details)) return showCompanyChoice(deps, ctx, details, signIn);
      return showConsent(deps, ctx, details, signIn);
    }
    if (signIn.idpHint && ctx.query.choose === undefined) return goToIdp(deps, ctx, signIn, signIn.idpHint);
    showChooser(deps, ctx, signIn);
  });

  /**
   * A form of these pages posted from another origin is a forgery (SameSite=Lax keeps the
   * cookie off cross-site posts, not off same-site ones). Our pages send no Referer, so
   * browsers send `Origin: null`; the consent form has its own one-time token (consent.ts).
   */
  const forged = (ctx: Context): boolean => {
    const origin = ctx.get('origin');
    if (!origin || origin === 'null' || origin === new URL(deps.provider.issuer).origin) return false;
    deps.pages.error(ctx, { code: 'INTERACTION_FORM_FORGED' });
    return true;
  };

  router.post('/interaction/:uid/idp', async (ctx) => {
    if (forged(ctx)) return;
    const found = await load(ctx, ctx.params.uid!);
    if (!found) return;
    const form = await readForm(ctx);
    await goToIdp(deps, ctx, found.signIn, form.get('idp') ?? '');
  });

  router.post('/interaction/:uid/representation', async (ctx) => {
    const found = await load(ctx, ctx.params.uid!);
    if (!found) return;
    if (found.details.prompt.name !== 'consent') return deps.pages.error(ctx, { code: 'REPRESENTATION_FORM_INVALID' });
    await chooseRepresentation(deps, ctx, found.details, found.signIn);
  });

  router.post('/interaction/:uid/company', async (ctx) => {
    const found = await load(ctx, ctx.params.uid!);
    if (!found) return;
    if (found.details.prompt.name !== 'consent') return deps.pages.error(ctx, { code: 'COMPANY_FORM_INVALID' });
    await chooseCompany(deps, ctx, found.details, found.signIn);
  });

  router.post('/interaction/:uid/consent', async (ctx) => {
    const found = await load(ctx, ctx.params.uid!);
    if (!found) return;
    if (found.details.prompt.name !== 'consent') return deps.pages.error(ctx, { code: 'CONSENT_FORM_INVALID' });
    await decideConsent(deps, ctx, found.details, found.signIn);
  });

  router.get('/interaction/:uid/erreur/:code', async (ctx) => {
    const found = await load(ctx, ctx.params.uid!);
    if (!found) return;
    const code = ctx.params.code;
    if (!isShownErrorCode(code)) return deps.pages.error(ctx, { code: 'PAGE_NOT_FOUND' });
    showSignInError(deps, ctx, found.signIn, code, { failures: parseFailures(ctx.query.echecs) });
  });

  router.post('/interaction/:uid/abort', async (ctx) => {
    if (forged(ctx)) return;
    const found = await load(ctx, ctx.params.uid!);
    if (!found) return;
    const form = await readForm(ctx);
    const reason = form.get('reason');
    const code = isShownErrorCode(reason) ? reason : 'SIGN_IN_CANCELLED';
    await deps.events.record({ kind: 'broker.sign_in_aborted', clientId: found.signIn.clientId, code });
    const returnTo = await deps.provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        error: 'access_denied',
        error_description: `${code}: ${shownErrors[code].message.en}`,
      },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(returnTo);
  });

  router.get('/idp/:name/callback', async (ctx) => {
    await handleIdpCallback(deps, ctx, ctx.params.name!);
  });

  router.get('/idp/:name/logged-out', async (ctx) => {
    deps.pages.kit.render(ctx, 'logged-out', {}, (t) => ({ title: t('logged-out.title') }));
  });

  return router;
}
