import { domainLabel, isDomain } from '../../lib/contracts/domains.ts';
import type { Language } from '../../lib/web/i18n.ts';
import type { Mandate } from '../mandates/store.ts';
import type { Vocabulary } from './event-view.ts';
import type { HistoryEvent } from './history.ts';
import { isoDay, lastDay, mandateNames, otherSide } from './mandates.ts';

/**
 * The citizen's copy of their history (GDPR right of access): every event filed
 * under their account, newest first, and the mandates they gave and received, as JSON
 * (`{ events, mandates }`: the stored records, with readable names added) or CSV (one
 * line per event then one per mandate, fixed columns, RFC 4180).
 */
export interface ExportedEvent {
  occurredAt: string;
  kind: string;
  serviceId: string | null;
  service: string | null;
  data: Record<string, unknown>;
}

/** A mandate as exported: the other person by name (never an account id), the days covered. */
export interface ExportedMandate {
  id: string;
  /** `given` (I am the mandator) or `received` (I am the representative). */
  direction: 'given' | 'received';
  person: string;
  domains: string[];
  /** First and last day covered (`YYYY-MM-DD`). */
  firstDay: string;
  lastDay: string;
  state: Mandate['state'];
  createdAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
  endedBy: string | null;
}

export function exportedMandates(mandates: readonly Mandate[], accountId: string): ExportedMandate[] {
  return mandates.map((mandate) => {
    const other = otherSide(mandate, accountId);
    return {
      id: mandate.id,
      direction: other.side === 'mandator' ? 'given' : 'received',
      person: other.name,
      domains: [...mandate.domains],
      firstDay: isoDay(mandate.startsAt),
      lastDay: isoDay(lastDay(mandate)),
      state: mandate.state,
      createdAt: mandate.createdAt.toISOString(),
      acceptedAt: mandate.acceptedAt?.toISOString() ?? null,
      endedAt: mandate.endedAt?.toISOString() ?? null,
      endedBy: mandate.endedBy ?? null,
    };
  });
}

export function exportJson(
  events: readonly HistoryEvent[],
  mandates: readonly Mandate[],
  accountId: string,
  words: Vocabulary,
): string {
  const rows: ExportedEvent[] = events.map((event) => ({
    occurredAt: event.occurredAt.toISOString(),
    kind: event.kind,
    serviceId: event.clientId,
    service: event.clientId ? words.service(event.clientId) : null,
    data: event.data,
  }));
  return `${JSON.stringify({ events: rows, mandates: exportedMandates(mandates, accountId) }, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'occurred_at',
  'event',
  'service_id',
  'service',
  'identity_provider',
  'level',
  'purpose',
  'data_providers',
  'data',
  'outcome',
  'grant_id',
  'reason',
  'mandate_id',
  'mandate_person',
  'mandate_domains',
  'mandate_first_day',
  'mandate_last_day',
  'mandate_state',
] as const;

type CsvRow = Record<(typeof CSV_COLUMNS)[number], string>;
const EMPTY_ROW = Object.fromEntries(CSV_COLUMNS.map((column) => [column, ''])) as CsvRow;

export function exportCsv(
  events: readonly HistoryEvent[],
  mandates: readonly Mandate[],
  accountId: string,
  words: Vocabulary,
  lang: Language,
): string {
  const lines = [CSV_COLUMNS.join(',')];
  const names = mandateNames(mandates, accountId);
  const labels = (domains: readonly string[]) =>
    domains.map((d) => (isDomain(d) ? domainLabel(d, lang) : d)).join('; ');
  for (const event of events) {
    const d = event.data;
    const text = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : '');
    const list = (key: string) => (Array.isArray(d[key]) ? (d[key] as unknown[]).map(String) : []);
    const mandateId = text('mandateId');
    const row: CsvRow = {
      ...EMPTY_ROW,
      occurred_at: event.occurredAt.toISOString(),
      event: event.kind,
      service_id: event.clientId ?? '',
      service: event.clientId ? words.service(event.clientId, lang) : '',
      identity_provider: text('idp') ? words.idp(text('idp')) : '',
      level: text('acr'),
      purpose: text('purpose'),
      data_providers: list('providers')
        .map((p) => words.provider(p, lang))
        .join('; '),
      data: list('scopes')
        .map((s) => words.scope(s, lang))
        .join('; '),
      outcome: text('outcome') || (typeof d.blocked === 'boolean' ? (d.blocked ? 'blocked' : 'unblocked') : ''),
      grant_id: text('grantId'),
      reason: text('reason') || text('code'),
      mandate_id: mandateId,
      mandate_person: mandateId ? (names.get(mandateId)?.name ?? '') : '',
      mandate_domains: labels(list('domains')),
    };
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  // Then the mandates themselves, one line each (`event` says which way it goes).
  for (const mandate of exportedMandates(mandates, accountId)) {
    const row: CsvRow = {
      ...EMPTY_ROW,
      occurred_at: mandate.createdAt,
      event: `mandate.${mandate.direction}`,
      mandate_id: mandate.id,
      mandate_person: mandate.person,
      mandate_domains: labels(mandate.domains),
      mandate_first_day: mandate.firstDay,
      mandate_last_day: mandate.lastDay,
      mandate_state: mandate.state,
    };
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * One RFC 4180 cell. A cell a spreadsheet would read as a formula (starting with
 * = + - @, tab or carriage return) is neutralized with a leading apostrophe: a
 * purpose is written by a service provider and must not run in the citizen's sheet.
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
