import { z } from 'zod';

/**
 * The administrative domains a mandate can cover (issue 14, docs/mandates.md). Every scope
 * of every data provider's catalog declares exactly one (`domain` in `catalog.json`, the
 * catalog lint refuses a scope without one or with another value), so what a mandate
 * allows is decided from the catalog, never from field names. Adding a domain is one entry
 * here, with the labels the citizen reads.
 */
export const DOMAINS = {
  transport: {
    fr: 'Transports et véhicules',
    en: 'Transport and vehicles',
  },
  fiscal: {
    fr: 'Impôts et revenus',
    en: 'Taxes and income',
  },
  social: {
    fr: 'Prestations sociales et famille',
    en: 'Social benefits and family',
  },
  housing: {
    fr: 'Logement et adresse',
    en: 'Housing and address',
  },
  civic: {
    fr: 'Citoyenneté et élections',
    en: 'Citizenship and elections',
  },
  business: {
    fr: 'Entreprises et activité professionnelle',
    en: 'Businesses and professional activity',
  },
} as const satisfies Record<string, { fr: string; en: string }>;

export type Domain = keyof typeof DOMAINS;
export const DOMAIN_NAMES = Object.keys(DOMAINS) as Domain[];
export const DomainName = z.enum(DOMAIN_NAMES as [Domain, ...Domain[]]);

export function isDomain(value: unknown): value is Domain {
  return typeof value === 'string' && Object.hasOwn(DOMAINS, value);
}

/** The citizen-facing label of a domain in `lang` (`fr` unless `en`). */
export function domainLabel(domain: Domain, lang: string): string {
  return DOMAINS[domain][lang === 'en' ? 'en' : 'fr'];
}
