import type { Language } from '../../lib/web/i18n.ts';
import type { Vocabulary } from './event-view.ts';
import type { HistoryEvent } from './history.ts';

/**
 * The citizen's copy of their history (GDPR right of access): every event filed
 * under their account, newest first, as JSON (the stored record, with readable names
 * added) or CSV (one line per event, fixed columns, RFC 4180).
 */
export interface ExportedEvent {
  occurredAt: string;
  kind: string;
  serviceId: string | null;
  service: string | null;
  data: Record<string, unknown>;
}

export function exportJson(events: readonly HistoryEvent[], words: Vocabulary): string {
  const rows: ExportedEvent[] = events.map((event) => ({
    occurredAt: event.occurredAt.toISOString(),
    kind: event.kind,
    serviceId: event.clientId,
    service: event.clientId ? words.service(event.clientId) : null,
    data: event.data,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
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
] as const;

export function exportCsv(events: readonly HistoryEvent[], words: Vocabulary, lang: Language): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const event of events) {
    const d = event.data;
    const text = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : '');
    const list = (key: string) => (Array.isArray(d[key]) ? (d[key] as unknown[]).map(String) : []);
    const row: Record<(typeof CSV_COLUMNS)[number], string> = {
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
