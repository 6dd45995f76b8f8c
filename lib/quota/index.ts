import type { Pool } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

/**
 * Per-service-provider quotas (habilitation limits), shared by the broker and the
 * gateway: fixed-window counters in PostgreSQL (schema `quota`, the embedded database
 * when none is configured), the RateLimit header fields, the `quota.exceeded` audit event.
 */
export { fixedWindow, type FixedWindow } from './window.ts';
export { rateLimitHeaders, refusalHeaders, type PolicyState } from './headers.ts';
export { QuotaCounterStore, type CounterKey } from './store.ts';
export {
  QuotaLimiter,
  type QuotaDecision,
  type QuotaHit,
  type QuotaLimiterOptions,
  type QuotaRule,
} from './limiter.ts';
export { quotaRules, type QuotaName } from './rules.ts';
export { QUOTA_EXCEEDED_EVENT_KIND, quotaExceededEvent, type QuotaExceededData } from './event.ts';

/** Creates or upgrades the `quota` schema; every process that counts calls it at start-up. */
export async function migrateQuota(pool: Pool): Promise<void> {
  await migrate(pool, 'quota', new URL('./migrations/', import.meta.url));
}
