import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { appendEvents, type AuditEvent } from '../lib/audit/index.ts';
import {
  REVOCATION_REASONS,
  REVOKED_GRANTS_TABLE,
  publishRevokedGrant,
  revokedGrantsTableExists,
  type RevocationReason,
} from '../lib/contracts/revoked-grants.ts';
import { inTransaction, type Pool, type PoolClient } from '../lib/db/database.ts';
import type { Logger } from '../lib/log.ts';
import { deleteGrantRows } from './adapter/postgres-adapter.ts';
import { toAuditEvent } from './events.ts';

/**
 * Revoking a grant (docs/tokens.md, "Revocation"): the oidc-provider grant and what was
 * issued from it are deleted (no new token can come from it), a row in the gateway's
 * revocation list (lib/contracts/revoked-grants.ts) tells every gateway to refuse its
 * pivot tokens (within about a second), and the revocation is recorded in the audit
 * chain — in ONE transaction, so none of the three happens without the others.
 *
 * Reasons (REVOCATION_REASONS) are short codes, never personal data: `citizen`
 * (dashboard), `service_provider` (revocation endpoint), `code_replay` (a code used
 * twice), `logout`, `admin`, `broker`, `mandate_ended` (the mandate it was obtained under ended).
 */

export interface GrantRevoker {
  /**
   * Revokes `grantId`; false when it was already revoked (nothing done, nothing recorded
   * again). `known` gives the account and client when the caller knows them (the grant
   * may already be gone, e.g. deleted by oidc-provider itself). Throws if the transaction
   * fails: the revocation then did not happen at all.
   */
  revokeGrant(
    grantId: string,
    reason: RevocationReason,
    known?: { accountId?: string | undefined; clientId?: string | undefined },
  ): Promise<boolean>;
}

export function createGrantRevoker(pool: Pool): GrantRevoker {
  return {
    async revokeGrant(grantId, reason, known = {}) {
      return inTransaction(pool, async (client) => {
        const event = await revokeGrantIn(client, grantId, reason, known);
        if (event) await appendEvents(client, [event]);
        return event !== undefined;
      });
    },
  };
}

/**
 * The revocation of `grantId` inside the caller's transaction (ending a mandate revokes
 * its grants with the mandate's own change): the rows deleted, the gateways told, and the
 * `broker.grant_revoked` event returned for the caller to append with its own (one
 * `appendEvents` per transaction, lib/audit/append.ts). Undefined when already revoked.
 */
export async function revokeGrantIn(
  client: PoolClient,
  grantId: string,
  reason: RevocationReason,
  known: Known = {},
): Promise<AuditEvent | undefined> {
  if (!REVOCATION_REASONS.includes(reason)) throw new TypeError(`unknown revocation reason ${String(reason)}`);
  const deleted = await deleteGrantRows(client, grantId);
  const published = await publishRevokedGrant(client, grantId, reason);
  if (!published && !deleted) return undefined;
  return toAuditEvent({
    kind: 'broker.grant_revoked',
    accountId: deleted?.accountId ?? known.accountId,
    clientId: deleted?.clientId ?? known.clientId,
    details: { grantId, reason },
  });
}

/**
 * The revocation list belongs to the gateway, whose migrations create it. A broker
 * started on a database no gateway has migrated yet says so at start-up: revocations
 * fail (and are logged) until then.
 */
export async function warnIfNoRevocationTable(pool: Pool, logger: Logger): Promise<void> {
  if (!(await revokedGrantsTableExists(pool))) {
    logger.warn(
      `${REVOKED_GRANTS_TABLE} does not exist yet (start the gateway once on this database): grant revocations cannot reach the gateways until then`,
    );
  }
}

/**
 * Grants oidc-provider revokes by itself — a code presented twice (RFC 6749 §4.1.2),
 * logout — and the one our adapter revokes (a code redeemed twice at once) must reach
 * the gateways too. The library does not wait for its event listeners, so a failure
 * here can only be logged (loudly: tokens of that grant stay valid until they expire).
 */
export interface RevocationPropagator {
  /** For the adapter (auth/adapter/postgres-adapter.ts), which has no request context. */
  adapterRevoked(grantId: string): void;
  /** Subscribes to oidc-provider's `grant.revoked`. */
  listen(provider: Provider): void;
}

type Known = { accountId?: string | undefined; clientId?: string | undefined };

export function revocationPropagator(revoker: GrantRevoker, logger: Logger): RevocationPropagator {
  const propagate = (grantId: string, reason: RevocationReason, known?: Known) => {
    revoker.revokeGrant(grantId, reason, known).catch((error: Error) => {
      logger.error({ err: error.message, grantId, reason }, 'a revoked grant could not be propagated to the gateways');
    });
  };
  return {
    adapterRevoked: (grantId) => propagate(grantId, 'code_replay'),
    listen(provider) {
      (
        provider as unknown as { on(event: string, listener: (ctx: KoaContextWithOIDC, grantId: string) => void): void }
      ).on('grant.revoked', (ctx, grantId) =>
        propagate(grantId, reasonOf(ctx?.oidc?.route), {
          accountId: ctx?.oidc?.session?.accountId ?? ctx?.oidc?.account?.accountId,
          clientId: ctx?.oidc?.client?.clientId,
        }),
      );
    },
  };
}

function reasonOf(route: string | undefined): RevocationReason {
  if (route === 'token') return 'code_replay';
  if (route?.startsWith('end_session')) return 'logout';
  if (route === 'revocation') return 'service_provider';
  return 'broker';
}
