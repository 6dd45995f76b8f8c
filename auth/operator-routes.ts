import Router from '@koa/router';
import type { Pool } from '../lib/db/database.ts';
import type { Logger } from '../lib/log.ts';
import type { BrokerMetrics } from './metrics.ts';

/** A database slower than this to answer `SELECT 1` makes the broker not ready. */
const READY_TIMEOUT_MS = 2000;

/**
 * What the operator's tools call (docs/operations.md, "Health checks"), on the broker's
 * own port like the gateway's: `GET /health/live` (the process answers),
 * `GET /health/ready` (200 when the database answers, else 503: every sign-in step
 * needs it) and `GET /metrics` (Prometheus). The broker faces citizens' browsers: the
 * reverse proxy in front of it must not route `/metrics` or `/health/*` from outside.
 */
export function operatorRoutes(deps: { pool: Pool; metrics: BrokerMetrics; logger: Logger }): Router {
  const router = new Router();
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'live' };
  });
  router.get('/health/ready', async (ctx) => {
    const database = await databaseCheck(deps.pool, deps.logger);
    ctx.status = database.ok ? 200 : 503;
    ctx.set('cache-control', 'no-store');
    ctx.body = { ready: database.ok, checks: { database } };
  });
  router.get('/metrics', async (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}

async function databaseCheck(pool: Pool, logger: Logger): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([pool.query('SELECT 1'), late]);
    return { ok: true };
  } catch (error) {
    // The reason goes to the log; the answer says only what failed (no host, no user name).
    logger.warn({ err: (error as Error).message }, 'readiness check failed: database');
    return { ok: false, detail: 'the database does not answer' };
  } finally {
    clearTimeout(timer);
  }
}
