import { DOMAIN_NAMES, domainLabel, type Domain } from '../../lib/contracts/domains.ts';
import type { Language } from '../../lib/web/i18n.ts';
import type { Translate } from '../../lib/web/render.ts';
import { mandateErrors } from '../mandates/errors.ts';
import {
  latestEnd,
  parseDomains,
  parseExpectedRepresentative,
  type ExpectedRepresentative,
} from '../mandates/rules.ts';
import type { Mandate, MandateSide, Proposal } from '../mandates/store.ts';

/**
 * What the dashboard shows of mandates (docs/mandates.md, "For citizens"): the other
 * person's name, the domains' labels, the days covered, the state — and how its forms are
 * read. Dates are calendar days (UTC midnights, as typed): a mandate covers from the first
 * day to the last one included, so its `endsAt` is the midnight after the last day.
 */
const DAY_MS = 86_400_000;

/** "Jean Martin": the first given name and the family name, as the identity (or the invitation) spells them. */
export function personName(person: { given_name: string; family_name: string }): string {
  return `${person.given_name.trim().split(/\s+/)[0]} ${person.family_name.trim()}`;
}

/** The person on the other side of `mandate` for `accountId`, and on which side `accountId` is. */
export interface OtherSide {
  /** The side `accountId` is on. */
  side: MandateSide;
  /** The other person's name, and gender when known (the French words agree with it). */
  name: string;
  gender: string | undefined;
}

export function otherSide(mandate: Mandate, accountId: string): OtherSide {
  if (mandate.mandator.accountId === accountId)
    return {
      side: 'mandator',
      name: personName(mandate.representative?.pivot ?? (mandate.expected as ExpectedRepresentative)),
      gender: mandate.representative?.pivot.gender,
    };
  // A company mandate is the company's: its name, not that of the legal representative who gave it.
  if (mandate.company) return { side: 'representative', name: mandate.company.legalName, gender: undefined };
  return { side: 'representative', name: personName(mandate.mandator.pivot), gender: mandate.mandator.pivot.gender };
}

/** "1er novembre 2026", "14 February 1948": a calendar day in the page's language. */
export function formatDay(date: Date, lang: Language): string {
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'fr-FR', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
  return lang === 'en' ? text : text.replace(/^1 /, '1er ');
}

/** The last day a mandate covers (the day before its `endsAt` midnight). */
export function lastDay(mandate: Pick<Mandate, 'endsAt'>): Date {
  return new Date(mandate.endsAt.getTime() - DAY_MS);
}

const STATE_SEVERITY = {
  proposed: 'info',
  active: 'success',
  declined: 'warning',
  revoked: 'warning',
  expired: 'warning',
} as const;

export interface MandateView {
  id: string;
  side: MandateSide;
  person: string;
  domains: string[];
  from: string;
  fromIso: string;
  to: string;
  toIso: string;
  state: Mandate['state'];
  stateLabel: string;
  severity: (typeof STATE_SEVERITY)[Mandate['state']];
  /** Either person can end a proposed or active mandate (only the mandator knows of a proposed one). */
  endable: boolean;
}

export function mandateView(mandate: Mandate, accountId: string, lang: Language, t: Translate): MandateView {
  const { side, name } = otherSide(mandate, accountId);
  const last = lastDay(mandate);
  return {
    id: mandate.id,
    side,
    person: name,
    domains: mandate.domains.map((domain) => domainLabel(domain, lang)),
    from: formatDay(mandate.startsAt, lang),
    fromIso: mandate.startsAt.toISOString().slice(0, 10),
    to: formatDay(last, lang),
    toIso: last.toISOString().slice(0, 10),
    state: mandate.state,
    stateLabel: t(`dashboard.mandates.state.${mandate.state}`),
    severity: STATE_SEVERITY[mandate.state],
    endable: mandate.state === 'proposed' || mandate.state === 'active',
  };
}

/** The mandates an account is part of, by id: whose name each event of its history shows. */
export type MandateNames = ReadonlyMap<string, OtherSide>;

export function mandateNames(mandates: readonly Mandate[], accountId: string): MandateNames {
  return new Map(mandates.map((mandate) => [mandate.id, otherSide(mandate, accountId)]));
}

/** `YYYY-MM-DD` of a UTC midnight. */
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Today as a UTC midnight. */
export function today(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** What the creation form starts with: today, and the longest period (12 months, the last day included). */
export interface ProposalFormValues {
  /** '' for a mandate in one's own name, else the SIREN of a company one legally represents. */
  company: string;
  family_name: string;
  given_name: string;
  birthdate: string;
  domains: readonly string[];
  start: string;
  end: string;
}

export function defaultProposalValues(now = new Date()): ProposalFormValues {
  const start = today(now);
  return {
    company: '',
    family_name: '',
    given_name: '',
    birthdate: '',
    domains: [],
    start: isoDay(start),
    end: isoDay(new Date(latestEnd(start).getTime() - DAY_MS)),
  };
}

/** The form as posted, to show it again with an error. */
export function proposalValues(form: URLSearchParams): ProposalFormValues {
  const field = (name: string) => (form.get(name) ?? '').slice(0, 256);
  return {
    company: field('pour'),
    family_name: field('family_name'),
    given_name: field('given_name'),
    birthdate: field('birthdate'),
    domains: form.getAll('domaine').slice(0, DOMAIN_NAMES.length * 2),
    start: field('debut'),
    end: field('fin'),
  };
}

/** The domain checkboxes of the form, with their labels and whether each is ticked. */
export function domainChoices(values: ProposalFormValues, lang: Language) {
  return DOMAIN_NAMES.map((domain: Domain) => ({
    value: domain,
    label: domainLabel(domain, lang),
    checked: values.domains.includes(domain),
  }));
}

/**
 * The proposal the form describes, for `mandator` (always the signed-in account: the form
 * has no mandator field, so no one can create a mandate in someone else's name), or the
 * code of what is wrong with it.
 */
export function parseProposal(values: ProposalFormValues, mandator: Proposal['mandator']): Proposal {
  const representative = parseExpectedRepresentative(values);
  const domains = parseDomains(values.domains);
  const startsAt = parseDay(values.start);
  const last = parseDay(values.end);
  return { mandator, representative, domains, startsAt, endsAt: new Date(last.getTime() + DAY_MS) };
}

function parseDay(value: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || Number.isNaN(date.getTime()) || isoDay(date) !== value)
    throw mandateErrors.error('MANDATE_DATES_INVALID');
  return date;
}
