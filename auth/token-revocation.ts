import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Pool } from '../lib/db/database.ts';
import type { Logger } from '../lib/log.ts';
import type { GrantRevoker } from './grants.ts';
import { storedHash } from './stored-hash.ts';

/**
 * Revoking a pivot token at the revocation endpoint (RFC 7009). oidc-provider refuses to
 * revoke structured (JWT) tokens — it cannot find them, they are not stored — and the
 * broker cannot read the grant back from a pivot token, which is encrypted to the
 * gateway. So the broker remembers, for each pivot token it issues, the SHA-256 of the
 * token and its grant (`auth.pivot_tokens`, until the token expires); a service
 * provider revoking one of its pivot tokens revokes the grant (auth/grants.ts), which
 * stops every token of that grant at the gateways.
 */
export interface PivotTokenRegistry {
  remember(
    token: string,
    issued: { grantId: string; clientId: string; accountId: string; expiresAt: number },
  ): Promise<void>;
  find(token: string): Promise<{ grantId: string; clientId: string; accountId: string } | undefined>;
}

export function createPivotTokenRegistry(pool: Pool): PivotTokenRegistry {
  return {
    async remember(token, issued) {
      await pool.query(
        `INSERT INTO auth.pivot_tokens (token_hash, grant_id, client_id, account_id, expires_at)
         VALUES ($1, $2, $3, $4, to_timestamp($5)) ON CONFLICT (token_hash) DO NOTHING`,
        [storedHash(token), issued.grantId, issued.clientId, issued.accountId, issued.expiresAt],
      );
    },
    async find(token) {
      const { rows } = await pool.query<{ grant_id: string; client_id: string; account_id: string }>(
        'SELECT grant_id, client_id, account_id FROM auth.pivot_tokens WHERE token_hash = $1',
        [storedHash(token)],
      );
      const row = rows[0];
      return row ? { grantId: row.grant_id, clientId: row.client_id, accountId: row.account_id } : undefined;
    },
  };
}

/**
 * Around oidc-provider's token and revocation endpoints:
 * - a pivot token leaves the token endpoint only once remembered (else `server_error`:
 *   a token that could not be revoked is not handed out);
 * - at the revocation endpoint, after oidc-provider authenticated the client and refused
 *   the structured token (`unsupported_token_type`), a pivot token of that client revokes
 *   its grant. As RFC 7009 asks, the answer is 200 whether the token was known or not;
 *   a token of another client is left alone (oidc-provider does the same for its own).
 */
export function pivotTokenRevocation(deps: {
  registry: PivotTokenRegistry;
  revoker: GrantRevoker;
  logger: Logger;
}): Middleware {
  return async (koaCtx, next) => {
    await next();
    const ctx = koaCtx as unknown as KoaContextWithOIDC;
    const route = ctx.oidc?.route;
    if (route === 'token') await rememberIssued(ctx, deps);
    else if (route === 'revocation') await revokeStructured(ctx, deps);
  };
}

async function rememberIssued(
  ctx: KoaContextWithOIDC,
  deps: { registry: PivotTokenRegistry; logger: Logger },
): Promise<void> {
  const token = ctx.oidc.entities.AccessToken;
  const body = ctx.body as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (ctx.status !== 200 || !token?.resourceServer || typeof body?.access_token !== 'string') return;
  const expiresAt = Math.floor(Date.now() / 1000) + (typeof body.expires_in === 'number' ? body.expires_in : 600);
  try {
    await deps.registry.remember(body.access_token, {
      grantId: token.grantId!,
      clientId: token.clientId!,
      accountId: token.accountId!,
      expiresAt,
    });
  } catch (error) {
    // The message only: a database error's detail may quote the row.
    deps.logger.error({ err: (error as Error).message }, 'a pivot token could not be registered; it is not handed out');
    ctx.status = 500;
    ctx.body = {
      error: 'server_error',
      error_description: 'BROKER_INTERNAL_ERROR: the token could not be issued, try again',
    };
  }
}

async function revokeStructured(
  ctx: KoaContextWithOIDC,
  deps: { registry: PivotTokenRegistry; revoker: GrantRevoker; logger: Logger },
): Promise<void> {
  const body = ctx.body as { error?: unknown } | undefined;
  const client = ctx.oidc.client;
  const token = (ctx.oidc.params as { token?: unknown } | undefined)?.token;
  // Only once oidc-provider authenticated the client and refused a compact JWE.
  if (
    ctx.status !== 400 ||
    body?.error !== 'unsupported_token_type' ||
    !client ||
    typeof token !== 'string' ||
    token.split('.').length !== 5
  )
    return;
  try {
    const issued = await deps.registry.find(token);
    if (issued && issued.clientId === client.clientId) {
      await deps.revoker.revokeGrant(issued.grantId, 'service_provider', {
        accountId: issued.accountId,
        clientId: issued.clientId,
      });
    }
  } catch (error) {
    deps.logger.error({ err: (error as Error).message }, 'a pivot token could not be revoked');
    ctx.status = 500;
    ctx.body = {
      error: 'server_error',
      error_description: 'BROKER_INTERNAL_ERROR: the token could not be revoked, try again',
    };
    return;
  }
  ctx.status = 200;
  ctx.body = '';
}
