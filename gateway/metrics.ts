import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PoolGauges } from '../lib/db/pool-metrics.ts';

/**
 * The gateway's Prometheus metrics, on a registry of its own (several gateways may
 * run in one process: tests, `passerelle start`). Labels carry codes and names,
 * never subjects, tokens or values.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'passerelle_gateway_requests_total',
    help: 'GraphQL requests answered, by outcome and HTTP status.',
    labelNames: ['outcome', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'passerelle_gateway_request_duration_seconds',
    help: 'Time from request to response (including the audit-chain write), by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly refusals = new Counter({
    name: 'passerelle_gateway_refusals_total',
    help: 'Requests refused by the gateway, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly quotaRefusals = new Counter({
    name: 'passerelle_gateway_quota_refusals_total',
    help: 'Requests refused with 429 for a service provider quota, by client id and quota (lib/quota/).',
    labelNames: ['client_id', 'quota'] as const,
    registers: [this.registry],
  });

  readonly quotaUnchecked = new Counter({
    name: 'passerelle_gateway_quota_unchecked_total',
    help: 'Requests let through without their quota counted because the counter (PostgreSQL, lib/quota/) did not answer in time, by quota.',
    labelNames: ['quota'] as const,
    registers: [this.registry],
  });

  readonly providerDuration = new Histogram({
    name: 'passerelle_gateway_provider_duration_seconds',
    help: 'Subgraph fetch latency, by provider and outcome.',
    labelNames: ['provider', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [this.registry],
  });

  readonly providerErrors = new Counter({
    name: 'passerelle_gateway_provider_errors_total',
    help: 'Failed subgraph fetches, by provider and error code.',
    labelNames: ['provider', 'code'] as const,
    registers: [this.registry],
  });

  readonly providerReady = new Gauge({
    name: 'passerelle_gateway_provider_ready',
    help: "1 when the provider's /health/ready answers 200, else 0; probed at each scrape (the gateway's readiness check, cached 2 s).",
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  readonly auditBatch = new Histogram({
    name: 'passerelle_gateway_audit_batch_events',
    help: 'Exchange events per audit-chain transaction (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });

  readonly auditWrite = new Histogram({
    name: 'passerelle_gateway_audit_write_seconds',
    help: 'Duration of one audit-chain transaction (BEGIN to COMMIT, chain-head lock wait included).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });

  readonly revokedGrants = new Gauge({
    name: 'passerelle_gateway_revoked_grants',
    help: 'Recently revoked grants the gateway refuses (size of the polled list).',
    registers: [this.registry],
  });

  readonly auditWriteFailures = new Counter({
    name: 'passerelle_gateway_audit_write_failures_total',
    help: 'Exchange events not committed to the audit chain (the request was refused, its data withheld), by reason: too_late (past the write deadline) or error (the database failed).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Set by the gateway to read its revocation list's age at scrape time. */
  revocationAge: () => number = () => 0;

  readonly revocationStaleness: Gauge = new Gauge({
    name: 'passerelle_gateway_revocation_list_staleness_seconds',
    help: 'Seconds since the last successful poll of the revocation list (past gateway.revocation.maxStalenessMs, requests are refused).',
    registers: [this.registry],
    collect: (): void => this.revocationStaleness.set(this.revocationAge()),
  });

  /** The gateway's connection pools: `main` (migrations, revocations, DPoP), `quota`, `audit`. */
  readonly pools = new PoolGauges(this.registry, 'passerelle_gateway_');

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'passerelle_gateway_' });
  }
}
