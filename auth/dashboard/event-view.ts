import type { Config } from '../../lib/config/load.ts';
import type { Language } from '../../lib/web/i18n.ts';
import { inLanguage, Markup, messageHtml } from '../../lib/web/markup.ts';
import type { Translate } from '../../lib/web/render.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import { clientDisplayName, DASHBOARD_CLIENT } from '../clients.ts';
import {
  EXCHANGE_EVENT_KIND,
  EXCHANGE_OUTCOMES,
  REPRESENTATIVE_EXCHANGE_EVENT_KIND,
  type ExchangeOutcome,
} from '../../lib/contracts/exchange-event.ts';
import { gatewayErrors } from '../../lib/contracts/gateway-errors.ts';
import { isShownErrorCode, shownErrors } from '../errors.ts';
import type { HistoryEvent } from './history.ts';
import { describeMandateEvent } from './mandate-events.ts';
import type { MandateNames } from './mandates.ts';

/** An event as the citizen reads it: names and labels in their language, never ids or field paths. */
export interface EventView {
  /** ISO time (the `<time datetime>`), and the same for people (Paris time). */
  datetime: string;
  when: string;
  kind: string;
  /** HTML: names held in French carry lang="fr" on an English page. */
  title: Markup;
  service: string;
  lines: Array<{ label: string; value: string | Markup }>;
  /** Data read or consented, grouped by data provider. */
  data: Array<{ provider: string; items: string[] }>;
  outcome: { label: string; severity: 'success' | 'warning' | 'error' | 'info' } | undefined;
}

/** Labels for the dashboard: SPs, IdPs, data providers and scopes from configuration and catalogs. */
export interface Vocabulary {
  /** The service's name (the dashboard's own in `lang`; SPs' names are their own). */
  service(clientId: string | null, lang?: Language): string;
  /** The language the service's name is written in: SPs' names are French, the dashboard's is translated. */
  serviceLang(clientId: string | null, lang: Language): Language;
  /** The service's name as HTML for a page in `lang` (its own `lang` when it differs). */
  serviceName(clientId: string | null, lang: Language): Markup;
  idp(name: string): string;
  provider(name: string, lang: Language): string;
  scope(name: string, lang: Language): string;
  /** Scopes grouped by provider, in the catalogs' order. */
  byProvider(scopes: readonly string[], lang: Language): Array<{ provider: string; items: string[] }>;
}

export function createVocabulary(config: Config, contract: BrokerContract): Vocabulary {
  const providerOrder = [...contract.catalogs.keys()];
  const vocabulary: Vocabulary = {
    service: (clientId, lang) => (clientId ? clientDisplayName(config, clientId, lang) : '—'),
    serviceLang: (clientId, lang) => (clientId && clientId !== DASHBOARD_CLIENT.clientId ? 'fr' : lang),
    serviceName: (clientId, lang) =>
      inLanguage(vocabulary.service(clientId, lang), vocabulary.serviceLang(clientId, lang), lang),
    idp: (name) => config.identityProviders.find((idp) => idp.name === name)?.displayName ?? name,
    provider: (name, lang) => contract.catalogs.get(name)?.provider.label[lang] ?? name,
    scope: (name, lang) => contract.scopes.get(name)?.label[lang] ?? name,
    byProvider(scopes, lang) {
      const groups = new Map<string, string[]>();
      for (const scope of scopes) {
        const provider = contract.scopes.get(scope)?.provider ?? '';
        groups.set(provider, [...(groups.get(provider) ?? []), scope]);
      }
      return [...groups]
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([provider, items]) => {
          const order = Object.keys(contract.catalogs.get(provider)?.scopes ?? {});
          items.sort((x, y) => order.indexOf(x) - order.indexOf(y));
          return {
            provider: provider ? vocabulary.provider(provider, lang) : '—',
            items: items.map((s) => vocabulary.scope(s, lang)),
          };
        });
    },
  };
  const rank = (provider: string) =>
    providerOrder.includes(provider) ? providerOrder.indexOf(provider) : providerOrder.length;
  return vocabulary;
}

const OUTCOME_SEVERITY: Record<ExchangeOutcome, NonNullable<EventView['outcome']>['severity']> = {
  success: 'success',
  partial: 'warning',
  refused: 'error',
  failed: 'error',
};

/** What one audit event says to the citizen; `mandates` names the people of the reader's mandates. */
export function eventView(
  event: HistoryEvent,
  words: Vocabulary,
  lang: Language,
  t: Translate,
  mandates: MandateNames = new Map(),
): EventView {
  const data = event.data;
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  const list = (key: string) =>
    Array.isArray(data[key]) ? (data[key] as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  const service = words.service(event.clientId, lang);
  const serviceName = words.serviceName(event.clientId, lang);
  // Configured names (IdPs) and the SPs' purposes are written in French.
  const french = (value: string) => inLanguage(value, 'fr', lang);
  const title = (key: string) => new Markup(messageHtml(t(key), { service: serviceName }));
  const view: EventView = {
    datetime: event.occurredAt.toISOString(),
    when: formatTime(event.occurredAt, lang),
    kind: event.kind,
    title: title(
      (KNOWN_KINDS as readonly string[]).includes(event.kind)
        ? `dashboard.event.${event.kind}`
        : 'dashboard.event.other',
    ),
    service,
    lines: [],
    data: [],
    outcome: undefined,
  };
  const idp = text('idp');
  switch (event.kind) {
    case 'broker.sign_in':
      if (idp) view.lines.push({ label: t('dashboard.field.idp'), value: french(words.idp(idp)) });
      if (text('acr')) view.lines.push({ label: t('dashboard.field.level'), value: t(`level.${text('acr')}`) });
      break;
    case 'broker.consent_given':
    case 'broker.consent_refused':
      if (text('purpose')) view.lines.push({ label: t('dashboard.field.purpose'), value: french(text('purpose')!) });
      view.data = words.byProvider(list('scopes'), lang);
      view.outcome =
        event.kind === 'broker.consent_given'
          ? { label: t('dashboard.outcome.given'), severity: 'success' }
          : { label: t('dashboard.outcome.refused'), severity: 'info' };
      break;
    case 'broker.grant_revoked': {
      const reason = text('reason') ?? 'broker';
      view.lines.push({ label: t('dashboard.field.reason'), value: t(`dashboard.revoked.${reason}`) });
      break;
    }
    case EXCHANGE_EVENT_KIND:
    case REPRESENTATIVE_EXCHANGE_EVENT_KIND: {
      const providers = list('providers');
      if (providers.length)
        view.lines.push({
          label: t('dashboard.field.providers'),
          value: providers.map((p) => words.provider(p, lang)).join(', '),
        });
      view.data = words.byProvider(list('scopes'), lang);
      const recorded = text('outcome');
      const outcome: ExchangeOutcome = (EXCHANGE_OUTCOMES as readonly unknown[]).includes(recorded)
        ? (recorded as ExchangeOutcome)
        : 'failed';
      view.outcome = { label: t(`dashboard.exchange.${outcome}`), severity: OUTCOME_SEVERITY[outcome] };
      if (outcome === 'refused' || outcome === 'failed') {
        view.title = title(`dashboard.event.gateway.exchange.${outcome}`);
        const reasons = list('errorCodes').map((code) => errorMessage(code, lang));
        if (reasons.length)
          view.lines.push({ label: t('dashboard.field.reason'), value: [...new Set(reasons)].join(' ; ') });
      }
      break;
    }
    case 'broker.idp_preference_changed':
      if (idp) view.lines.push({ label: t('dashboard.field.idp'), value: french(words.idp(idp)) });
      if (typeof data.blocked === 'boolean')
        view.lines.push({
          label: t('dashboard.field.change'),
          value: t(data.blocked ? 'dashboard.preference.blocked' : 'dashboard.preference.unblocked'),
        });
      if (typeof data.allowNewIdps === 'boolean')
        view.lines.push({
          label: t('dashboard.field.change'),
          value: t(data.allowNewIdps ? 'dashboard.preference.new.allowed' : 'dashboard.preference.new.refused'),
        });
      break;
    case 'broker.sign_in_refused': {
      if (idp) view.lines.push({ label: t('dashboard.field.idp'), value: french(words.idp(idp)) });
      const code = text('code');
      if (code) view.lines.push({ label: t('dashboard.field.reason'), value: errorMessage(code, lang) });
      view.outcome = { label: t('dashboard.outcome.blocked'), severity: 'error' };
      break;
    }
    default:
      break;
  }
  // Done for a company (docs/companies.md): which one.
  const company = data.company as { siren?: unknown; name?: unknown } | undefined;
  if (company && typeof company.siren === 'string')
    view.lines.push({
      label: t('dashboard.field.company'),
      value: typeof company.name === 'string' ? `${company.name} (SIREN ${company.siren})` : `SIREN ${company.siren}`,
    });
  describeMandateEvent(view, event, mandates, serviceName, lang, t);
  return view;
}

/** The message of a broker or gateway code, else the code itself. */
function errorMessage(code: string, lang: Language): string {
  if (isShownErrorCode(code)) return shownErrors[code].message[lang];
  const gateway = (gatewayErrors.errors as Record<string, { message: Record<Language, string> }>)[code];
  return gateway ? gateway.message[lang] : code;
}

export function formatTime(date: Date, lang: Language): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'medium',
    timeZone: 'Europe/Paris',
  }).format(date);
}

/** Kinds the dashboard knows how to title; others are shown under a generic title. */
const KNOWN_KINDS = [
  'broker.sign_in',
  'broker.consent_given',
  'broker.consent_refused',
  'broker.grant_revoked',
  'broker.idp_preference_changed',
  'broker.sign_in_refused',
  'broker.company_chosen',
  EXCHANGE_EVENT_KIND,
] as const;
