import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import type { PasserelleError } from '../lib/errors/define.ts';
import {
  rateLimitHeaders,
  refusalHeaders,
  type PolicyState,
  type QuotaLimiter,
  type QuotaName,
  type QuotaRule,
} from '../lib/quota/index.ts';
import type { GatewayMetrics } from './metrics.ts';

/**
 * The gateway's two quotas of a service provider (lib/quota/): requests per second,
 * checked once its pivot token is verified, and requests per UTC day per operation,
 * checked once consent is. Over either: 429 with the RateLimit headers, before any
 * provider is called.
 */
export interface QuotaCheck {
  /** Undefined when the counter did not answer in time (the request goes on). */
  state?: PolicyState | undefined;
  /** Set when this request is over the quota. */
  refusal?: { error: PasserelleError; headers: Record<string, string> };
}

export class GatewayQuotas {
  constructor(
    private readonly limiter: QuotaLimiter,
    private readonly rules: (clientId: string) => Record<QuotaName, QuotaRule>,
    private readonly metrics: GatewayMetrics,
  ) {}

  request(clientId: string): Promise<QuotaCheck> {
    return this.check(clientId, 'gatewayRequestsPerSecond', 'RATE_LIMIT_EXCEEDED');
  }

  operation(clientId: string, operation: { hash: string; operationName: string | null }): Promise<QuotaCheck> {
    return this.check(clientId, 'gatewayRequestsPerDayPerOperation', 'DAILY_QUOTA_EXCEEDED', {
      hash: operation.hash,
      name: operation.operationName,
    });
  }

  /** `RateLimit-Policy` and `RateLimit` of an answered request: every quota it was counted against. */
  static headers(...checks: QuotaCheck[]): Record<string, string> {
    return rateLimitHeaders(checks.flatMap((c) => (c.state ? [c.state] : [])));
  }

  close(): Promise<void> {
    return this.limiter.close();
  }

  private async check(
    clientId: string,
    quota: QuotaName,
    code: 'RATE_LIMIT_EXCEEDED' | 'DAILY_QUOTA_EXCEEDED',
    operation?: { hash: string; name: string | null },
  ): Promise<QuotaCheck> {
    const rule = this.rules(clientId)[quota];
    const decision = await this.limiter.consume({ clientId, rule, operation });
    if (decision.allowed) return { state: decision.state };
    this.metrics.quotaRefusals.inc({ client_id: clientId, quota });
    const error = gatewayErrors.error(code, {
      quota,
      limit: rule.limit,
      windowSeconds: rule.windowSeconds,
      retryAfterSeconds: decision.state.resetSeconds,
    });
    return { state: decision.state, refusal: { error, headers: refusalHeaders(decision.state) } };
  }
}
