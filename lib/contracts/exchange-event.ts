import type { AuditEvent } from '../audit/index.ts';
import type { CompanyRole } from './pivot-token.ts';

/**
 * The `gateway.exchange` event: what the gateway records in the platform's audit chain
 * (lib/audit/) for each request it answers, refusals included (gateway/exchange-events.ts
 * writes it), and what the citizen's dashboard reads back (auth/dashboard/). Field
 * coordinates, scope names and codes only — never values. `exchangeAuditEvent` is the
 * one place that names the event's `data`.
 */
export const EXCHANGE_EVENT_KIND = 'gateway.exchange';
/**
 * An exchange made by a representative under a mandate (docs/mandates.md) is recorded
 * twice, in one transaction: the `gateway.exchange` event under the mandator (whose data
 * was read), with `mandateId`, and this copy under the representative (`citizen_ref` =
 * the representative's account id), with the same data: each sees it in their history.
 */
export const REPRESENTATIVE_EXCHANGE_EVENT_KIND = 'gateway.representative_exchange';

export const EXCHANGE_OUTCOMES = ['success', 'partial', 'refused', 'failed'] as const;
export type ExchangeOutcome = (typeof EXCHANGE_OUTCOMES)[number];

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
  /** Gateway codes (lib/contracts/gateway-errors.ts) and the codes providers answered with. */
  errorCodes: readonly string[];
  durationMs: number;
  /** The OpenTelemetry trace of the request, when tracing is on (lib/telemetry/tracing.ts). */
  traceId?: string | undefined;
  /** Under a mandate: its id (the `mandate` claim of the pivot token)... */
  mandateId?: string | undefined;
  /** ...and the representative's broker account id (`act.citizen_ref`): the copy's history key. */
  representativeRef?: string | undefined;
  /** Acting for a company (the `company` claim, docs/companies.md): which one, and why the person may. */
  company?: { siren: string; role: CompanyRole } | undefined;
}

/** The event's `data`, as stored: exactly these names, null for what is unknown. */
export interface ExchangeEventData {
  requestId: string;
  sub: string | null;
  grantId: string | null;
  acr: string | null;
  operationHash: string | null;
  operationName: string | null;
  providers: string[];
  fields: string[];
  scopes: string[];
  outcome: ExchangeOutcome;
  httpStatus: number;
  errorCodes: string[];
  durationMs: number;
  /**
   * Added with tracing, present only when a trace was recorded: an event without it hashes
   * exactly as before, and the chain covers whatever `data` holds, so older events still verify.
   */
  traceId?: string;
  /** Present only for an exchange made under a mandate: the mandate's id (auth.mandates). */
  mandateId?: string;
  /**
   * Present only for an exchange made for a company: its SIREN and the person's role. The
   * event stays under the person (`citizen_ref`), who acted; the SIREN files it under the company.
   */
  company?: { siren: string; role: CompanyRole };
}

/** The audit-chain form of an exchange. */
export function exchangeAuditEvent(entry: ExchangeEntry): AuditEvent {
  const data: ExchangeEventData = {
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
    ...(entry.traceId ? { traceId: entry.traceId } : {}),
    ...(entry.mandateId ? { mandateId: entry.mandateId } : {}),
    ...(entry.company ? { company: { siren: entry.company.siren, role: entry.company.role } } : {}),
  };
  return {
    kind: EXCHANGE_EVENT_KIND,
    occurredAt: entry.occurredAt,
    citizenRef: entry.citizenRef ?? null,
    clientId: entry.clientId ?? null,
    data: data as unknown as AuditEvent['data'],
  };
}

/**
 * Every event of an exchange, to be appended together (one transaction): the exchange
 * under the citizen whose data was read and, under a mandate, its copy under the
 * representative (REPRESENTATIVE_EXCHANGE_EVENT_KIND), with the same data.
 */
export function exchangeAuditEvents(entry: ExchangeEntry): AuditEvent[] {
  const event = exchangeAuditEvent(entry);
  if (!entry.mandateId || !entry.representativeRef) return [event];
  return [event, { ...event, kind: REPRESENTATIVE_EXCHANGE_EVENT_KIND, citizenRef: entry.representativeRef }];
}
