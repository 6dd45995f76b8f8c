import type { Context } from 'koa';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { validatePivotIdentity } from '../../lib/pivot/validate.ts';
import { lowestAcr } from '../../lib/contracts/eidas.ts';
import type { ShownErrorCode } from '../errors.ts';
import { failureSummary } from '../idp/failures.ts';
import { accountIdFor } from '../pairwise.ts';
import type { InteractionDeps } from './context.ts';
import { pendingSignIn, showSignInError, tripCookieName } from './sign-in.ts';

/** Claims we ask for besides the pivot identity; validated here, not by the pivot validator. */
const EXTRA_CLAIMS = ['email', 'email_verified'] as const;

/**
 * The way back from an IdP: the round trip named by `state` must belong to
 * this browser's interaction; then the IdP's answer is checked
 * (auth/idp/round-trip.ts) and the pivot identity validated. A refused identity
 * is recorded (claim names and codes only) and never stored; so is one the citizen's
 * IdP preferences refuse (auth/idp-preferences.ts); an accepted one becomes the
 * session's account and the sign-in goes on.
 */
export async function handleIdpCallback(deps: InteractionDeps, ctx: Context, idpName: string): Promise<void> {
  const idp = deps.idps.get(idpName);
  if (!idp) return deps.pages.error(ctx, { code: 'IDP_UNKNOWN' });
  const state = typeof ctx.query.state === 'string' ? ctx.query.state : undefined;
  const expected = ctx.cookies.get(tripCookieName(idp.name), { signed: true });
  ctx.cookies.set(tripCookieName(idp.name), null, { path: `/idp/${idp.name}/` });
  const trip = state && state === expected ? await deps.trips.take(state, idp.name) : undefined;
  if (!trip) return deps.pages.error(ctx, { code: 'IDP_STATE_UNKNOWN' });
  const interaction = await deps.provider.Interaction.find(trip.interactionUid);
  if (!interaction) return deps.pages.error(ctx, { code: 'INTERACTION_EXPIRED' });
  const signIn = pendingSignIn(deps, interaction.uid, interaction.params);

  let signInAtIdp;
  try {
    signInAtIdp = await deps.trips.finish(idp, trip, ctx.querystring);
  } catch (error) {
    const code = isPasserelleError(error) ? (error.code as ShownErrorCode) : 'IDP_RESPONSE_INVALID';
    deps.logger.warn({ ...failureSummary(error), idp: idp.name, errorCode: code }, 'identity provider sign-in failed');
    await deps.events.record({ kind: 'broker.idp_failure', clientId: signIn.clientId, idp: idp.name, code });
    return showSignInError(deps, ctx, signIn, code);
  }

  const { email, identityClaims } = splitClaims(signInAtIdp.claims);
  const validation = validatePivotIdentity(identityClaims);
  const emailInvalid = email !== undefined && !isEmail(email);
  if (!validation.ok || emailInvalid) {
    const failures = [
      ...(validation.ok ? [] : validation.errors.map((e) => ({ claim: e.claim, code: e.code }))),
      ...(emailInvalid ? [{ claim: 'email', code: 'EMAIL_INVALID' }] : []),
    ];
    deps.logger.info({ idp: idp.name, failures }, 'pivot identity refused');
    await deps.events.record({
      kind: 'broker.identity_refused',
      clientId: signIn.clientId,
      idp: idp.name,
      code: 'PIVOT_IDENTITY_INVALID',
      details: { failures: failures.map((f) => `${f.claim}:${f.code}`) },
    });
    return showSignInError(deps, ctx, signIn, 'PIVOT_IDENTITY_INVALID', { failures });
  }

  const identity = validation.identity;
  const accountId = accountIdFor(identity, deps.pairwiseSecret);
  // An IdP is trusted up to its configured level, whatever it claims.
  const acr = lowestAcr([signInAtIdp.acr, idp.maxAcr]);
  // The citizen's own IdP preferences come before anything is stored: a refused sign-in
  // leaves only its audit event. An accepted one records the IdP as used and the
  // `broker.sign_in` event together.
  const check = await deps.idpPreferences.checkSignIn(accountId, idp.name, signIn.clientId, { acr });
  if (!check.ok) {
    deps.logger.info(
      { idp: idp.name, errorCode: check.code },
      'sign-in refused by the citizen’s identity-provider preferences',
    );
    return showSignInError(deps, ctx, signIn, check.code);
  }
  const broker = deps.config.broker;
  await deps.accounts.save(
    { accountId, pivot: identity, email: typeof email === 'string' ? email : undefined },
    broker.sessionTtlSeconds + broker.accessTokenTtlSeconds,
  );
  // What provider.interactionResult does, without the interaction cookie (its path
  // is /interaction/<uid>); the resume step still requires this browser's resume cookie.
  interaction.result = {
    login: { accountId, acr, amr: signInAtIdp.amr, remember: false, ts: Math.floor(Date.now() / 1000) },
  };
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  // A page, not a redirect: it ends the navigation that began with the IdP's login
  // form, whose CSP form-action would otherwise apply to the redirects to the SP.
  const resume = new URL(interaction.returnTo);
  const next = `${resume.pathname}${resume.search}`;
  deps.pages.kit.render(ctx, 'continue', { sp: signIn.sp, next }, (t) => ({
    title: t('continue.title'),
    refreshTo: next,
  }));
}

function splitClaims(claims: Record<string, unknown>): { email: unknown; identityClaims: Record<string, unknown> } {
  const identityClaims = { ...claims };
  for (const name of EXTRA_CLAIMS) delete identityClaims[name];
  return { email: claims.email, identityClaims };
}

function isEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}
