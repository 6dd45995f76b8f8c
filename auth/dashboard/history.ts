import { EXCHANGE_EVENT_KIND, REPRESENTATIVE_EXCHANGE_EVENT_KIND } from '../../lib/contracts/exchange-event.ts';
import type { Pool } from '../../lib/db/database.ts';
import { brokerErrors } from '../errors.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';

/** One event of a citizen's history, as stored in the audit chain. */
export interface HistoryEvent {
  seq: number;
  occurredAt: Date;
  kind: string;
  clientId: string | null;
  data: Record<string, unknown>;
}

export interface HistoryFilter {
  /** Only events of this service provider (client id). */
  service?: string | undefined;
  /** Only data exchanges that reached this data provider, and consents to its data. */
  provider?: string | undefined;
  /** Only the events of this mandate: its steps and exchanges (`data.mandateId`), the consents under it (`data.representation.mandateId`). */
  mandate?: string | undefined;
}

export interface HistoryPage {
  events: HistoryEvent[];
  /** Opaque cursor of the next (older) page, if there is one. */
  next: string | undefined;
}

/** A company's history: each event with the account that acted (its `citizen_ref`). */
export interface CompanyHistoryPage {
  events: Array<HistoryEvent & { citizenRef: string | null }>;
  next: string | undefined;
}

export interface History {
  /** One page, newest first, of `accountId`'s events (never anyone else's). */
  page(accountId: string, filter: HistoryFilter, cursor: string | undefined, limit: number): Promise<HistoryPage>;
  /** Every event of `accountId`, newest first (export). */
  all(accountId: string): Promise<HistoryEvent[]>;
  /** The service providers (client ids) that appear in `accountId`'s history. */
  services(accountId: string): Promise<string[]>;
  /**
   * One page, newest first, of the events filed under company `siren` (docs/companies.md):
   * everyone's, or only `onlyOf`'s. The caller checks the reader may see them.
   */
  companyPage(
    siren: string,
    onlyOf: string | undefined,
    cursor: string | undefined,
    limit: number,
  ): Promise<CompanyHistoryPage>;
}

/**
 * A citizen's history, read from the audit chain by `citizen_ref` (the broker's
 * account id: the same whatever the IdP or the SP), on its index
 * `(citizen_ref, occurred_at DESC)`. Keyset pagination on (occurred_at, seq): a
 * page costs the same however far back it is, and events recorded meanwhile do
 * not shift the pages. A data provider's filter keeps the exchanges that reached it
 * and the consent decisions about its scopes (from the contract's catalogs).
 */
export function createHistory(pool: Pool, contract: BrokerContract): History {
  const providerScopes = (provider: string): string[] => {
    const catalog = contract.catalogs.get(provider);
    if (!catalog) throw brokerErrors.error('DASHBOARD_FILTER_INVALID', { filter: 'provider' });
    return Object.keys(catalog.scopes);
  };

  return {
    async page(accountId, filter, cursor, limit) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const scopes = filter.provider ? providerScopes(filter.provider) : null;
      const { rows } = await pool.query<EventRow>(
        `SELECT seq, occurred_at, kind, client_id, data FROM audit.events
         WHERE citizen_ref = $1
           AND ($2::text IS NULL OR client_id = $2)
           AND ($3::text IS NULL OR (kind IN ($4, $9) AND data->'providers' ? $3)
                OR (kind NOT IN ($4, $9) AND data->'scopes' ?| $5::text[]))
           AND ($6::timestamptz IS NULL OR (occurred_at, seq) < ($6::timestamptz, $7::bigint))
           AND ($10::text IS NULL OR data->>'mandateId' = $10 OR data->'representation'->>'mandateId' = $10)
         ORDER BY occurred_at DESC, seq DESC
         LIMIT $8`,
        [
          accountId,
          filter.service ?? null,
          filter.provider ?? null,
          EXCHANGE_EVENT_KIND,
          scopes,
          after?.occurredAt ?? null,
          after?.seq ?? null,
          limit + 1,
          REPRESENTATIVE_EXCHANGE_EVENT_KIND,
          filter.mandate ?? null,
        ],
      );
      const events = rows.slice(0, limit).map(toEvent);
      const last = events.at(-1);
      return { events, next: rows.length > limit && last ? encodeCursor(last) : undefined };
    },

    async all(accountId) {
      const { rows } = await pool.query<EventRow>(
        `SELECT seq, occurred_at, kind, client_id, data FROM audit.events
         WHERE citizen_ref = $1 ORDER BY occurred_at DESC, seq DESC`,
        [accountId],
      );
      return rows.map(toEvent);
    },

    async companyPage(siren, onlyOf, cursor, limit) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const { rows } = await pool.query<EventRow & { citizen_ref: string | null }>(
        `SELECT seq, occurred_at, kind, client_id, data, citizen_ref FROM audit.events
         WHERE data ? 'company' AND data #>> '{company,siren}' = $1
           AND ($2::text IS NULL OR citizen_ref = $2)
           AND ($3::timestamptz IS NULL OR (occurred_at, seq) < ($3::timestamptz, $4::bigint))
         ORDER BY occurred_at DESC, seq DESC
         LIMIT $5`,
        [siren, onlyOf ?? null, after?.occurredAt ?? null, after?.seq ?? null, limit + 1],
      );
      const events = rows.slice(0, limit).map((row) => ({ ...toEvent(row), citizenRef: row.citizen_ref }));
      const last = events.at(-1);
      return { events, next: rows.length > limit && last ? encodeCursor(last) : undefined };
    },

    async services(accountId) {
      const { rows } = await pool.query<{ client_id: string }>(
        `SELECT DISTINCT client_id FROM audit.events WHERE citizen_ref = $1 AND client_id IS NOT NULL ORDER BY client_id`,
        [accountId],
      );
      return rows.map((r) => r.client_id);
    },
  };
}

interface EventRow {
  seq: string | number;
  occurred_at: Date;
  kind: string;
  client_id: string | null;
  data: Record<string, unknown>;
}

function toEvent(row: EventRow): HistoryEvent {
  return { seq: Number(row.seq), occurredAt: row.occurred_at, kind: row.kind, clientId: row.client_id, data: row.data };
}

/** Cursor: base64url of "<ISO time>|<seq>" of the last event shown (events are stored to the millisecond). */
function encodeCursor(event: Pick<HistoryEvent, 'occurredAt' | 'seq'>): string {
  return Buffer.from(`${event.occurredAt.toISOString()}|${event.seq}`).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: Date; seq: number } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(\d{1,18})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  const occurredAt = match ? new Date(match[1]!) : undefined;
  if (!match || !occurredAt || Number.isNaN(occurredAt.getTime()))
    throw brokerErrors.error('DASHBOARD_FILTER_INVALID', { filter: 'cursor' });
  return { occurredAt, seq: Number(match[2]) };
}
