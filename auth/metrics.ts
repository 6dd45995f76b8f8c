import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { PoolGauges } from '../lib/db/pool-metrics.ts';

/**
 * The broker's Prometheus metrics, on a registry of its own (several brokers may run in
 * one process: tests, `passerelle start`), served at `/metrics` (auth/operator-routes.ts).
 * Labels carry codes and names, never subjects, tokens or values.
 */
export class BrokerMetrics {
  readonly registry = new Registry();

  readonly idpFailures = new Counter({
    name: 'passerelle_broker_idp_failures_total',
    help: 'Round trips to an identity provider that failed, by IdP and error code (IDP_UNAVAILABLE: unreachable, timeout, 5xx, or not started because its availability check says it is down; IDP_RESPONSE_INVALID, IDP_ACR_TOO_LOW: its answer does not validate; IDP_AUTHENTICATION_FAILED: it said no, a cancel included).',
    labelNames: ['idp', 'code'] as const,
    registers: [this.registry],
  });

  readonly quotaUnchecked = new Counter({
    name: 'passerelle_broker_quota_unchecked_total',
    help: 'Sign-in requests let through without their quota counted because the counter (PostgreSQL, lib/quota/) did not answer in time, by quota.',
    labelNames: ['quota'] as const,
    registers: [this.registry],
  });

  readonly idpUp = new Gauge({
    name: 'passerelle_broker_idp_up',
    help: "1 when the identity provider answers the broker's availability check (auth/idp/availability.ts), 0 when it does not (unreachable, hanging past broker.idpProbeTimeoutMs, 5xx, or a round trip that could not reach it): it is then shown unavailable on the chooser.",
    labelNames: ['idp'] as const,
    registers: [this.registry],
  });

  readonly signInQuotaRefusals = new Counter({
    name: 'passerelle_broker_sign_in_quota_refusals_total',
    help: "Authorization requests refused (429 SIGN_IN_RATE_LIMIT_EXCEEDED) for a service provider's signInsPerSecond quota, by client id.",
    labelNames: ['client_id'] as const,
    registers: [this.registry],
  });

  /** The broker's connection pool: `main`. */
  readonly pools = new PoolGauges(this.registry, 'passerelle_broker_');

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'passerelle_broker_' });
  }
}
