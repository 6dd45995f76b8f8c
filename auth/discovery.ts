import type { Middleware } from 'koa';

const DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * What the discovery document says where oidc-provider's defaults promise more than
 * the broker accepts: it lists every response mode it implements and the refresh-token
 * grant it always registers, while the broker takes `query` only (auth/request-checks.ts)
 * and never issues refresh tokens (auth/configuration.ts). An SP reading the document
 * must not be told otherwise.
 */
export function discoveryAsEnforced(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== DISCOVERY_PATH || ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
    Object.assign(ctx.body as Record<string, unknown>, {
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code'],
    });
  };
}
