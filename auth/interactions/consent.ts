import type { Context } from 'koa';
import type { InteractionDetails } from './routes.ts';
import type { InteractionDeps } from './context.ts';

/**
 * The consent step, for now: the scopes the SP asked for (already limited to its
 * entitled ones) are granted as asked — identity scopes need no consent page at
 * FranceConnect. Issue 4 replaces this with the per-query consent page for data
 * scopes (authorization_details).
 */
export async function grantRequested(deps: InteractionDeps, ctx: Context, details: InteractionDetails): Promise<void> {
  const { provider } = deps;
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in session');
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined)
    ?? new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  ctx.status = 303;
  ctx.redirect(returnTo);
}
