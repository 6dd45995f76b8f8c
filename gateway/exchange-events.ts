import { AuditWriter, type AuditEvent, type AuditWriterOptions } from '../lib/audit/index.ts';
import type { Pool } from '../lib/db/database.ts';

/**
 * What the gateway records in the platform's audit chain (lib/audit/): one
 * `gateway.exchange` event per request it answers, refusals included, committed before
 * the response leaves (group commit through an AuditWriter, with a deadline: a write that
 * fails or is too late is never committed, and the caller withholds the data). Field
 * coordinates, scope names and codes only — never values. Only this module shapes
 * gateway events: the citizen's dashboard reads `data` by these names.
 */
export const EXCHANGE_EVENT_KIND = 'gateway.exchange';

export type ExchangeOutcome = 'success' | 'partial' | 'refused' | 'failed';

export interface ExchangeEntry {
  occurredAt: Date;
  requestId: string;
  /** The service provider (unknown when the token could not be read). */
  clientId?: string | undefined;
  /** The citizen's pairwise subject for that SP. */
  sub?: string | undefined;
  /** The broker's account id for the citizen (`citizen_ref` of the pivot token): the history key. */
  citizenRef?: string | undefined;
  grantId?: string | undefined;
  acr?: string | undefined;
  operationHash?: string | undefined;
  operationName?: string | null | undefined;
  /** Providers called. */
  providers: readonly string[];
  /** Coordinates of the fields returned with a value (`Vehicle.critAir`). */
  fields: readonly string[];
  /** The granted scopes under which those fields were returned. */
  scopes: readonly string[];
  outcome: ExchangeOutcome;
  httpStatus: number;
  errorCodes: readonly string[];
  durationMs: number;
}

/** The audit-chain form of an exchange: `data` has exactly these names, null for what is unknown. */
export function toAuditEvent(entry: ExchangeEntry): AuditEvent {
  return {
    kind: EXCHANGE_EVENT_KIND,
    occurredAt: entry.occurredAt,
    citizenRef: entry.citizenRef ?? null,
    clientId: entry.clientId ?? null,
    data: {
      requestId: entry.requestId,
      sub: entry.sub ?? null,
      grantId: entry.grantId ?? null,
      acr: entry.acr ?? null,
      operationHash: entry.operationHash ?? null,
      operationName: entry.operationName ?? null,
      providers: [...entry.providers],
      fields: [...entry.fields],
      scopes: [...entry.scopes],
      outcome: entry.outcome,
      httpStatus: entry.httpStatus,
      errorCodes: [...entry.errorCodes],
      durationMs: Math.round(entry.durationMs),
    },
  };
}

export interface ExchangeRecorderOptions {
  maxBatchSize: number;
  /** A write slower than this (from `record()`) is rejected and never committed. */
  writeTimeoutMs: number;
  /** Transactions in flight at once; `pool` must allow as many connections. Default 1. */
  concurrency?: number;
  onBatch?: AuditWriterOptions['onBatch'];
}

/** Records exchanges; `pool` is the recorder's own, with `concurrency` connections. */
export class ExchangeRecorder {
  private readonly writer: AuditWriter;

  constructor(pool: Pool, options: ExchangeRecorderOptions) {
    this.writer = new AuditWriter(pool, {
      maxBatch: options.maxBatchSize, timeoutMs: options.writeTimeoutMs, concurrency: options.concurrency, onBatch: options.onBatch,
    });
  }

  /** Resolves once the exchange is committed to the chain; rejects when it is not (and will not be). */
  async record(entry: ExchangeEntry): Promise<void> {
    await this.writer.record(toAuditEvent(entry));
  }

  /** Waits for the exchanges queued so far. */
  drain(): Promise<void> {
    return this.writer.drain();
  }
}
