import { DOMAIN_NAMES, domainLabel, type Domain } from '../../lib/contracts/domains.ts';
import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import type { ConsentedOperation } from '../../lib/contracts/pivot-token.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import type { Mandate } from './store.ts';

/**
 * What a mandate allows at a service provider (docs/mandates.md "For service providers"):
 * an operation may be run under it only if every domain of the operation's scopes (the
 * catalogs' `domain`) is one of the mandate's. Pure functions, shared by the page that
 * asks "for whom", the consent step and the tests; the gateway checks the same rule again
 * on the pivot token (gateway/mandate.ts).
 */

/** The domains the requested operations read, in catalogue order (none for a sign-in without data). */
export function operationDomains(operations: readonly ConsentedOperation[], contract: BrokerContract): Domain[] {
  const read = new Set<Domain>();
  for (const operation of operations)
    for (const scope of operation.scopes) {
      const info = contract.scopes.get(scope);
      if (!info) throw new Error(`scope ${scope} is in no catalog`);
      read.add(info.domain);
    }
  return DOMAIN_NAMES.filter((domain) => read.has(domain));
}

/** The domains of `needed` the mandate does not cover (empty: it covers the operation). */
export function missingDomains(mandate: Pick<Mandate, 'domains'>, needed: readonly Domain[]): Domain[] {
  return needed.filter((domain) => !mandate.domains.includes(domain));
}

/** Whether a representative may act under `mandate` at `now`: active, started, not ended. */
export function actsNow(mandate: Pick<Mandate, 'state' | 'startsAt' | 'endsAt'>, now: Date = new Date()): boolean {
  return mandate.state === 'active' && mandate.startsAt <= now && now < mandate.endsAt;
}

/** The name a person is shown by: first given name and family name ("Yvonne Martin"). */
export function displayName(pivot: Pick<PivotIdentity, 'given_name' | 'family_name'>): string {
  return `${pivot.given_name.split(' ')[0]} ${pivot.family_name}`;
}

/** A day as citizens write it, in Paris: "1er décembre 2026", "3 décembre 2026"; "3 December 2026" in English. */
export function longDate(date: Date, lang: string): string {
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'fr-FR', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Paris',
  }).format(date);
  return lang === 'en' ? text : text.replace(/^1 /, '1er ');
}

/** "A", "A et B", "A, B et C" ("and" in English). */
export function joinedList(items: readonly string[], lang: string): string {
  const and = lang === 'en' ? 'and' : 'et';
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

/** The labels of `domains`, joined as a sentence in `lang`. */
export function domainsSentence(domains: readonly Domain[], lang: string): string {
  return joinedList(
    domains.map((domain) => domainLabel(domain, lang)),
    lang,
  );
}
