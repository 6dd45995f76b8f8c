/**
 * What the eIDAS bridge receives from a citizen's own EU country: the eIDAS
 * minimum data set for a natural person (eIDAS SAML Attribute Profile:
 * PersonIdentifier, FamilyName, FirstName, DateOfBirth mandatory; Gender,
 * PlaceOfBirth optional) plus the country of birth and nationality (ISO 3166-1
 * alpha-2), which the bridge needs to set the pivot `birthcountry`.
 */
export interface EidasPerson {
  /** `<issuing country>/<receiving country>/<identifier>`, e.g. `ES/FR/12345678Z`. */
  PersonIdentifier: string;
  FamilyName: string;
  FirstName: string;
  /** `YYYY-MM-DD`. */
  DateOfBirth: string;
  Gender?: 'Male' | 'Female' | 'Unspecified';
  /** Free text in the person's language (not mapped: the pivot birthplace is French communes only). */
  PlaceOfBirth?: string;
  CountryOfBirth: string;
  Nationality: string;
  /** Contact email the bridge holds for the sandbox (not an eIDAS attribute). */
  email: string;
}

/** EU test citizens of the sandbox eIDAS bridge, by login. */
export const EIDAS_PEOPLE: Record<string, EidasPerson> = {
  'sofia.garcia': {
    PersonIdentifier: 'ES/FR/12345678Z',
    FamilyName: 'García López',
    FirstName: 'Sofía',
    DateOfBirth: '1990-06-21',
    Gender: 'Female',
    PlaceOfBirth: 'Sevilla',
    CountryOfBirth: 'ES',
    Nationality: 'ES',
    email: 'sofia.garcia@example.org',
  },
  'lukas.schneider': {
    PersonIdentifier: 'DE/FR/T22000129',
    FamilyName: 'Schneider',
    FirstName: 'Lukas Johannes',
    DateOfBirth: '1983-02-14',
    Gender: 'Male',
    CountryOfBirth: 'DE',
    Nationality: 'DE',
    email: 'lukas.schneider@example.org',
  },
  // Born outside her country of nationality, gender not provided by her country.
  'ines.peeters': {
    PersonIdentifier: 'BE/FR/85073003427',
    FamilyName: 'Peeters',
    FirstName: 'Inès',
    DateOfBirth: '1985-07-30',
    PlaceOfBirth: 'Casablanca',
    CountryOfBirth: 'MA',
    Nationality: 'BE',
    email: 'ines.peeters@example.org',
  },
};
