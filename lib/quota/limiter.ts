import { AuditWriter } from '../audit/index.ts';
import type { Pool } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { quotaExceededEvent } from './event.ts';
import type { PolicyState } from './headers.ts';
import { QuotaCounterStore } from './store.ts';
import { fixedWindow } from './window.ts';

/**
 * Counts a service provider's hits against one of its quotas and says whether this
 * one is within it. The hit that goes one over (count `limit + 1`) records a
 * `quota.exceeded` event in the audit chain before it is answered; the later ones of
 * that window are refused without a record of their own. Each process purges ended
 * windows every minute.
 *
 * A counter that does not answer within `timeoutMs` lets the hit through (logged): a
 * quota protects capacity and is no reason to stop the platform, and no data leaves the
 * gateway without its audit record in that same database anyway.
 */
export interface QuotaRule {
  /** The setting's name (`gatewayRequestsPerSecond`…): counter key and audit label. */
  quota: string;
  /** The `RateLimit` policy name SPs see (`per-second`). */
  policy: string;
  limit: number;
  windowSeconds: number;
}

export interface QuotaHit {
  clientId: string;
  rule: QuotaRule;
  /** A per-operation quota's operation; the counter is per hash. */
  operation?: { hash: string; name: string | null };
}

/** `count` (this hit included) and `state` are unknown when the counter did not answer in time. */
export type QuotaDecision =
  { allowed: true; count?: number; state?: PolicyState } | { allowed: false; count: number; state: PolicyState };

export interface QuotaLimiterOptions {
  /** Who counts, for the audit event (`broker`, `gateway`). */
  component: string;
  logger: Logger;
  /** Epoch ms; tests move it. */
  now?: () => number;
  purgeIntervalMs?: number;
  /** Longest wait for the counter (ms) before the hit is let through; default 250. */
  timeoutMs?: number;
  /** Told of each hit let through unchecked because the counter did not answer (a metric). */
  onUnavailable?(quota: string): void;
}

const PURGE_INTERVAL_MS = 60_000;
const TIMEOUT_MS = 250;

export class QuotaLimiter {
  private readonly store: QuotaCounterStore;
  private readonly audit: AuditWriter;
  private readonly now: () => number;
  private readonly purge: NodeJS.Timeout;

  constructor(
    pool: Pool,
    private readonly options: QuotaLimiterOptions,
  ) {
    this.store = new QuotaCounterStore(pool);
    this.audit = new AuditWriter(pool);
    this.now = options.now ?? Date.now;
    this.purge = setInterval(() => {
      this.store
        .purgeExpired(new Date(this.now()))
        .catch((error: Error) => options.logger.warn({ err: error.message }, 'purging quota counters failed'));
    }, options.purgeIntervalMs ?? PURGE_INTERVAL_MS).unref();
  }

  async consume(hit: QuotaHit): Promise<QuotaDecision> {
    const { rule } = hit;
    const now = this.now();
    const window = fixedWindow(now, rule.windowSeconds);
    let count: number;
    try {
      count = await this.increment(hit, window.start, window.end);
    } catch (error) {
      this.options.logger.warn(
        { client_id: hit.clientId, quota: rule.quota, err: (error as Error).message },
        'quota counter unavailable: request let through',
      );
      this.options.onUnavailable?.(rule.quota);
      return { allowed: true };
    }
    const state: PolicyState = {
      name: rule.policy,
      quota: rule.limit,
      windowSeconds: rule.windowSeconds,
      remaining: Math.max(0, rule.limit - count),
      resetSeconds: window.resetSeconds,
    };
    if (count === rule.limit + 1) await this.recordExceeded(hit, window.start, now);
    return count <= rule.limit ? { allowed: true, count, state } : { allowed: false, count, state };
  }

  /** Stops the purge timer and waits for the events being recorded. */
  async close(): Promise<void> {
    clearInterval(this.purge);
    await this.audit.drain();
  }

  private increment(hit: QuotaHit, start: number, end: number): Promise<number> {
    const counted = this.store.increment(
      { clientId: hit.clientId, quota: hit.rule.quota, partition: hit.operation?.hash ?? '' },
      start,
      end,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.options.timeoutMs ?? TIMEOUT_MS} ms`)),
        this.options.timeoutMs ?? TIMEOUT_MS,
      );
    });
    // A late answer is dropped (the increment still lands: the count errs on the safe side).
    counted.catch(() => {});
    return Promise.race([counted, late]).finally(() => clearTimeout(timer));
  }

  private async recordExceeded(hit: QuotaHit, windowStart: number, now: number): Promise<void> {
    const data = {
      component: this.options.component,
      quota: hit.rule.quota,
      limit: hit.rule.limit,
      windowSeconds: hit.rule.windowSeconds,
      windowStart: new Date(windowStart).toISOString(),
      operationHash: hit.operation?.hash ?? null,
      operationName: hit.operation?.name ?? null,
    };
    this.options.logger.warn({ client_id: hit.clientId, ...data }, 'quota exceeded');
    try {
      await this.audit.record(quotaExceededEvent(hit.clientId, data, new Date(now)));
    } catch (error) {
      // The refusal stands either way; the missing record is what the log says.
      this.options.logger.error(
        { client_id: hit.clientId, quota: hit.rule.quota, err: (error as Error).message },
        'quota.exceeded not recorded in the audit chain',
      );
    }
  }
}
