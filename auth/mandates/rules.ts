import { reachesAcr, type AcrLevel } from '../../lib/contracts/eidas.ts';
import { DomainName, isDomain, type Domain } from '../../lib/contracts/domains.ts';
import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import { compactName, givenNameKeys, normalizeBirthdate } from '../../lib/pivot/normalize.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import { mandateErrors } from './errors.ts';

/**
 * The rules a mandate obeys whatever page creates or uses it (docs/mandates.md):
 * known domains, at most 12 months, the level of assurance its domains need, and who the
 * representative must be. Pure functions: the store and the pages call them.
 */
export const MAX_MANDATE_MONTHS = 12;

/** The domains of a form (each once, in catalogue order), or MANDATE_DOMAINS_INVALID. */
export function parseDomains(values: readonly string[]): Domain[] {
  if (!values.length || !values.every(isDomain)) throw mandateErrors.error('MANDATE_DOMAINS_INVALID');
  return DomainName.options.filter((domain) => values.includes(domain));
}

/** The last instant a mandate starting at `start` may cover: 12 months later. */
export function latestEnd(start: Date): Date {
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + MAX_MANDATE_MONTHS);
  return end;
}

/**
 * Checks a mandate's period: it starts today or later (a mandate cannot act in the past),
 * ends after it starts and lasts at most 12 months (renewing means a new mandate).
 */
export function checkPeriod(startsAt: Date, endsAt: Date, now: Date = new Date()): void {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (
    Number.isNaN(startsAt.getTime()) ||
    Number.isNaN(endsAt.getTime()) ||
    startsAt < today ||
    endsAt <= startsAt ||
    endsAt > latestEnd(startsAt)
  )
    throw mandateErrors.error('MANDATE_DATES_INVALID');
}

/**
 * The lowest level of assurance that creating or accepting a mandate for `domains` needs:
 * eidas2 as soon as one of their scopes needs eidas2 or more to be read (catalog `minAcr`).
 */
export function levelNeededFor(domains: readonly Domain[], contract: BrokerContract): AcrLevel {
  for (const scope of contract.scopes.values()) {
    if (domains.includes(scope.domain) && reachesAcr(scope.minAcr, 'eidas2')) return 'eidas2';
  }
  return 'eidas1';
}

/** MANDATE_LEVEL_TOO_LOW unless a session at `acr` may create or accept a mandate for `domains`. */
export function checkLevel(domains: readonly Domain[], acr: string | undefined, contract: BrokerContract): void {
  const needed = levelNeededFor(domains, contract);
  if (!reachesAcr(acr, needed)) throw mandateErrors.error('MANDATE_LEVEL_TOO_LOW', { needed });
}

/** What the mandator types about the person they invite: enough to refuse anyone else. */
export interface ExpectedRepresentative {
  family_name: string;
  /** The first given name. */
  given_name: string;
  birthdate: string;
}

/** The typed identity, trimmed and checked, or MANDATE_REPRESENTATIVE_INVALID. */
export function parseExpectedRepresentative(input: {
  family_name?: string | null;
  given_name?: string | null;
  birthdate?: string | null;
}): ExpectedRepresentative {
  const family = (input.family_name ?? '').trim();
  const given = (input.given_name ?? '').trim();
  const birthdate = (input.birthdate ?? '').trim();
  const valid = (name: string) => name.length > 0 && name.length <= 256 && compactName(name).length > 0;
  if (!valid(family) || !valid(given) || !/^\d{4}-\d{2}-\d{2}$/.test(birthdate))
    throw mandateErrors.error('MANDATE_REPRESENTATIVE_INVALID');
  try {
    normalizeBirthdate(birthdate);
  } catch {
    throw mandateErrors.error('MANDATE_REPRESENTATIVE_INVALID');
  }
  return { family_name: family, given_name: given, birthdate };
}

/**
 * Whether a validated pivot identity is the person the mandator described: same family
 * name and birthdate, and the typed first given name is one of theirs (accents, case and
 * hyphens aside, as the registries match: lib/pivot/normalize.ts).
 */
export function isExpectedPerson(pivot: PivotIdentity, expected: ExpectedRepresentative): boolean {
  return (
    compactName(pivot.family_name) === compactName(expected.family_name) &&
    normalizeBirthdate(pivot.birthdate) === normalizeBirthdate(expected.birthdate) &&
    givenNameKeys(pivot.given_name).some((key) => givenNameKeys(expected.given_name).includes(key))
  );
}
