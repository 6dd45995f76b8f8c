/**
 * The pivot identity: the claims that identify a citizen across the federation
 * (docs/pivot-identity.md; flow 2 of docs/architecture.md#flows). The broker validates it from an identity provider's claims
 * (`lib/pivot/validate.ts`); data providers match their registries on its
 * normalized form (`lib/pivot/normalize.ts`).
 */
export const GENDERS = ['female', 'male', 'unspecified'] as const;
export type Gender = (typeof GENDERS)[number];

/** INSEE COG code of France in the country list. */
export const FRANCE_COG = '99100';

export interface PivotIdentity {
  /** One or more given names, space-separated, as the IdP spelled them. */
  given_name: string;
  family_name: string;
  /** `YYYY-MM-DD`, or `YYYY-MM-00` / `YYYY-00-00` when the day / month is unknown. */
  birthdate: string;
  /** May be absent for eIDAS identities. */
  gender?: Gender;
  /** INSEE COG country code (France = 99100). */
  birthcountry: string;
  /** INSEE COG commune code: required when born in France, absent otherwise. */
  birthplace?: string;
}

/** The claim names of the pivot identity, in display order. */
export const PIVOT_CLAIMS = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'] as const;
