import type { AuditEvent } from '../audit/index.ts';

/**
 * The `quota.exceeded` event: a service provider went over one of its quotas. Recorded
 * once per window — by the hit that makes the count `limit + 1` — whichever process
 * counted it, never per refused request (each refused gateway request is still its own
 * `gateway.exchange` event). No citizen: the quota is the SP's.
 */
export const QUOTA_EXCEEDED_EVENT_KIND = 'quota.exceeded';

export interface QuotaExceededData {
  /** `broker` or `gateway`. */
  component: string;
  /** The setting's name under `serviceProviders[].quotas` (`gatewayRequestsPerSecond`…). */
  quota: string;
  limit: number;
  windowSeconds: number;
  /** ISO 8601, UTC. */
  windowStart: string;
  /** The operation of a per-operation quota (hash and name), else null. */
  operationHash: string | null;
  operationName: string | null;
}

export function quotaExceededEvent(clientId: string, data: QuotaExceededData, occurredAt: Date): AuditEvent {
  return {
    kind: QUOTA_EXCEEDED_EVENT_KIND,
    clientId,
    citizenRef: null,
    occurredAt,
    data: { ...data },
  };
}
