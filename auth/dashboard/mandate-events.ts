import { domainLabel, isDomain } from '../../lib/contracts/domains.ts';
import { REPRESENTATIVE_EXCHANGE_EVENT_KIND } from '../../lib/contracts/exchange-event.ts';
import type { Language } from '../../lib/web/i18n.ts';
import { Markup, messageHtml } from '../../lib/web/markup.ts';
import type { Translate } from '../../lib/web/render.ts';
import type { EventView } from './event-view.ts';
import type { HistoryEvent } from './history.ts';
import { formatDay, type MandateNames } from './mandates.ts';

/**
 * What the history says of mandates (docs/mandates.md, "What the history shows"): each step
 * of a mandate, in the words of the side the reader is on, and the exchanges made under one
 * — "Jean Martin, votre représentant, a permis à … de lire vos données" for the mandator,
 * "Vous avez agi pour Yvonne Martin : … a lu ses données" for the representative. Events
 * hold the mandate's id, never a name: the names come from the reader's own mandates.
 */
export const MANDATE_EVENT_KINDS = [
  'broker.mandate_proposed',
  'broker.mandate_accepted',
  'broker.mandate_declined',
  'broker.mandate_ended',
  'broker.mandate_expired',
] as const;

const DAY_MS = 86_400_000;

/** Completes `view` for an event that names a mandate (`data.mandateId`); others are left as they are. */
export function describeMandateEvent(
  view: EventView,
  event: HistoryEvent,
  names: MandateNames,
  serviceName: Markup,
  lang: Language,
  t: Translate,
): void {
  const data = event.data;
  const consent = consentUnderMandate(event);
  if (consent) {
    // A consent decision the representative made: "Vous avez donné votre accord pour Yvonne Martin à …".
    const other = names.get(consent.mandateId);
    const person = other?.name ?? t('dashboard.mandates.someone');
    const decision = event.kind === 'broker.consent_given' ? 'given' : 'refused';
    view.title = new Markup(
      messageHtml(t(`dashboard.mandates.event.consent-${decision}.${consent.role}`), {
        person,
        service: serviceName,
      }),
    );
    return;
  }
  if (typeof data.mandateId !== 'string') return;
  const other = names.get(data.mandateId);
  const person = other?.name ?? t('dashboard.mandates.someone');
  const title = (key: string, vars: Record<string, string | Markup> = {}) =>
    new Markup(messageHtml(t(key), { person, service: serviceName, ...vars }));

  if ((MANDATE_EVENT_KINDS as readonly string[]).includes(event.kind)) {
    const role = data.role === 'representative' ? 'representative' : 'mandator';
    view.title = title(`dashboard.mandates.event.${event.kind.replace('broker.', '')}.${role}`);
    const domains = Array.isArray(data.domains) ? data.domains.filter(isDomain) : [];
    if (domains.length)
      view.lines.push({
        label: t('dashboard.mandates.domains'),
        value: domains.map((d) => domainLabel(d, lang)).join(', '),
      });
    const from = typeof data.startsAt === 'string' ? new Date(data.startsAt) : undefined;
    const ends = typeof data.endsAt === 'string' ? new Date(data.endsAt) : undefined;
    if (from && ends && !Number.isNaN(from.getTime()) && !Number.isNaN(ends.getTime()))
      view.lines.push({
        label: t('dashboard.mandates.period'),
        value: t('dashboard.mandates.period.value', {
          from: formatDay(from, lang),
          to: formatDay(new Date(ends.getTime() - DAY_MS), lang),
        }),
      });
    const by = data.by;
    if (by === 'mandator' || by === 'representative' || by === 'system')
      view.lines.push({
        label: t('dashboard.mandates.ended-by'),
        value:
          by === 'system'
            ? t('dashboard.mandates.ended-by.system')
            : by === role
              ? t('dashboard.mandates.ended-by.you')
              : person,
      });
    if (event.kind === 'broker.mandate_accepted')
      view.outcome = { label: t('dashboard.mandates.state.active'), severity: 'success' };
    return;
  }

  // An exchange under a mandate: the mandator's copy (`gateway.exchange` with the id) or the representative's.
  const failed = data.outcome === 'refused' || data.outcome === 'failed';
  if (event.kind === REPRESENTATIVE_EXCHANGE_EVENT_KIND) {
    view.title = title(failed ? 'dashboard.mandates.event.acted-for.refused' : 'dashboard.mandates.event.acted-for');
  } else {
    const representative = t(
      other?.gender === 'female'
        ? 'dashboard.mandates.your-representative.female'
        : 'dashboard.mandates.your-representative',
    );
    view.title = title(
      failed
        ? 'dashboard.mandates.event.read-by-representative.refused'
        : 'dashboard.mandates.event.read-by-representative',
      {
        representative,
      },
    );
  }
}

/** The mandate a consent decision was made under (`data.representation`, auth/interactions/consent.ts), if any. */
function consentUnderMandate(
  event: HistoryEvent,
): { mandateId: string; role: 'mandator' | 'representative' } | undefined {
  if (event.kind !== 'broker.consent_given' && event.kind !== 'broker.consent_refused') return undefined;
  const under = event.data.representation as { mandateId?: unknown; role?: unknown } | undefined;
  if (!under || typeof under.mandateId !== 'string') return undefined;
  return { mandateId: under.mandateId, role: under.role === 'mandator' ? 'mandator' : 'representative' };
}
