import type { Context } from 'koa';
import { highestAcr, reachesAcr, type AcrLevel } from '../../lib/contracts/eidas.ts';
import type { IdentityProvider } from '../../lib/config/sections/identity-providers.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { clientDisplayName, serviceProviderById } from '../clients.ts';
import type { ShownErrorCode } from '../errors.ts';
import { isDatabaseUnavailable } from '../database-failure.ts';
import { failureSummary } from '../idp/failures.ts';
import type { InteractionDeps } from './context.ts';

/** The sign-in in progress, as the interaction pages see it. */
export interface PendingSignIn {
  uid: string;
  clientId: string;
  /** The SP's display name. */
  sp: string;
  /** The level this request asks for (already reduced to one value, auth/request-checks.ts). */
  acr: AcrLevel;
  idpHint: string | undefined;
  /** Origins of the SP's redirect URIs: where "go back to the service" forms lead. */
  spOrigins: string[];
}

export function pendingSignIn(deps: InteractionDeps, uid: string, params: Record<string, unknown>): PendingSignIn {
  const clientId = String(params.client_id);
  const sp = serviceProviderById(deps.config, clientId);
  return {
    uid,
    clientId,
    sp: clientDisplayName(deps.config, clientId),
    acr: (params.acr_values as AcrLevel | undefined) ?? sp?.defaultAcr ?? 'eidas1',
    idpHint: typeof params.idp_hint === 'string' ? params.idp_hint : undefined,
    spOrigins: sp?.metadata.redirect_uris ?? [],
  };
}

/** Why an IdP cannot be used for this sign-in, if it cannot. */
function unavailability(deps: InteractionDeps, idp: IdentityProvider, acr: AcrLevel): ShownErrorCode | undefined {
  if (!idp.enabled) return 'IDP_DISABLED';
  if (!reachesAcr(idp.maxAcr, acr)) return 'IDP_LEVEL_TOO_LOW';
  // Not answering: never send a browser there (it would end on a connection error, not our page).
  if (!deps.availability.isUp(idp.name)) return 'IDP_UNAVAILABLE';
  return undefined;
}

const REASON_KEYS: Partial<Record<ShownErrorCode, string>> = {
  IDP_DISABLED: 'chooser.disabled.off',
  IDP_LEVEL_TOO_LOW: 'chooser.disabled.level',
  IDP_UNAVAILABLE: 'chooser.disabled.unreachable',
};

/** The IdP chooser: every IdP listed, those that cannot serve this request disabled with the reason. */
export function showChooser(deps: InteractionDeps, ctx: Context, signIn: PendingSignIn): void {
  const { t } = deps.pages.kit.translator(ctx);
  const idps = deps.idps.list().map((idp) => {
    const reason = unavailability(deps, idp, signIn.acr);
    return {
      name: idp.name,
      displayName: idp.displayName,
      disabled: Boolean(reason),
      reason: reason ? t(REASON_KEYS[reason]!, { level: t(`level.${signIn.acr}`) }) : '',
    };
  });
  const idpOrigins = deps.idps
    .list()
    .filter((idp) => !unavailability(deps, idp, signIn.acr))
    .map((idp) => idp.issuer);
  deps.pages.kit.render(ctx, 'chooser', { uid: signIn.uid, sp: signIn.sp, acr: signIn.acr, idps }, (tr) => ({
    title: tr('chooser.title'),
    formAction: [...idpOrigins, ...signIn.spOrigins],
  }));
}

/**
 * Sends the citizen to `idpName`, asking for the higher of the SP's level and
 * the IdP's minimum; an unknown, disabled, too weak or unreachable IdP gets an
 * error page from which the citizen can choose another one.
 */
export async function goToIdp(
  deps: InteractionDeps,
  ctx: Context,
  signIn: PendingSignIn,
  idpName: string,
): Promise<void> {
  const idp = deps.idps.get(idpName);
  const refusal: ShownErrorCode | undefined = idp ? unavailability(deps, idp, signIn.acr) : 'IDP_UNKNOWN';
  if (refusal === 'IDP_UNAVAILABLE' && idp) {
    // Known down: counted and recorded as a failed round trip would be, the citizen told at once.
    deps.trips.notStarted(idp, refusal);
    await deps.events.record({ kind: 'broker.idp_failure', clientId: signIn.clientId, idp: idp.name, code: refusal });
    return showSignInError(deps, ctx, signIn, refusal);
  }
  if (refusal || !idp) return showSignInError(deps, ctx, signIn, refusal ?? 'IDP_UNKNOWN');
  try {
    const { url, state } = await deps.trips.start(idp, signIn.uid, highestAcr([signIn.acr, idp.minAcr]));
    // Binds the IdP's answer to this browser: the callback must come with this cookie.
    ctx.cookies.set(tripCookieName(idp.name), state, {
      path: `/idp/${idp.name}/`,
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      overwrite: true,
      maxAge: deps.config.broker.interactionTtlSeconds * 1000,
    });
    ctx.status = 303;
    ctx.redirect(url.href);
  } catch (error) {
    // Our database, not the IdP: the broker's error middleware shows BROKER_DATABASE_UNAVAILABLE.
    if (isDatabaseUnavailable(error)) throw error;
    const code = isPasserelleError(error) ? (error.code as ShownErrorCode) : 'IDP_UNAVAILABLE';
    deps.logger.warn({ ...failureSummary(error), idp: idp.name, errorCode: code }, 'identity provider unavailable');
    await deps.events.record({ kind: 'broker.idp_failure', clientId: signIn.clientId, idp: idp.name, code });
    showSignInError(deps, ctx, signIn, code);
  }
}

/** The cookie carrying the state of this browser's trip to an IdP. */
export function tripCookieName(idpName: string): string {
  return `_idp_${idpName}_state`;
}

/**
 * An error page during a live sign-in: the citizen may choose another IdP or go back to
 * the SP. Its language switch leads to `signInErrorPath`, which shows it again: the
 * request that led here (a POST, an IdP's one-time callback) cannot be repeated.
 */
export function showSignInError(
  deps: InteractionDeps,
  ctx: Context,
  signIn: PendingSignIn,
  code: ShownErrorCode,
  extra: { failures?: Array<{ claim: string; code: string }> } = {},
): void {
  deps.pages.error(ctx, {
    code,
    sp: signIn.sp,
    chooseAgainUrl: `/interaction/${signIn.uid}?choose=1`,
    abortUrl: `/interaction/${signIn.uid}/abort`,
    formAction: signIn.spOrigins,
    languageSwitchPath: signInErrorPath(signIn.uid, code, extra.failures),
    ...extra,
  });
}

/** `/interaction/<uid>/erreur/<code>[?echecs=claim:CODE,…]`: a sign-in error shown again (names and codes only). */
export function signInErrorPath(
  uid: string,
  code: ShownErrorCode,
  failures: Array<{ claim: string; code: string }> = [],
): string {
  const path = `/interaction/${encodeURIComponent(uid)}/erreur/${code}`;
  return failures.length
    ? `${path}?echecs=${encodeURIComponent(failures.map((f) => `${f.claim}:${f.code}`).join(','))}`
    : path;
}

/** The failures of `?echecs=` (as written by signInErrorPath); anything else is dropped. */
export function parseFailures(value: unknown): Array<{ claim: string; code: string }> {
  if (typeof value !== 'string' || value.length > 1000) return [];
  return value
    .split(',')
    .flatMap((pair) => {
      const match = /^([a-z_]{1,40}):([A-Z0-9_]{1,60})$/.exec(pair);
      return match ? [{ claim: match[1]!, code: match[2]! }] : [];
    })
    .slice(0, 20);
}
