/**
 * Sandbox test accounts (docs/sandbox.md "Sandbox citizens"): what each sandbox identity
 * provider knows about a person. Password `123` for every account.
 * The claims are sent as-is — an identity provider does not validate the pivot
 * identity, the broker does — so `identite.invalide` (born in France, no
 * birthplace) reaches the broker exactly like this.
 */
export const SANDBOX_PASSWORD = '123';

/** Claims an account releases, by OpenID claim name (pivot claims + email). */
export type AccountClaims = {
  given_name: string;
  family_name: string;
  birthdate: string;
  gender?: string;
  birthplace?: string;
  birthcountry?: string;
  email: string;
};

export interface SandboxAccount {
  login: string;
  claims: AccountClaims;
}

/** Accounts of the French identity providers, held in pivot form. */
export const FRENCH_ACCOUNTS: Record<string, SandboxAccount> = Object.fromEntries(
  (
    [
      [
        'marie.dupont',
        {
          given_name: 'Marie',
          family_name: 'Dupont',
          gender: 'female',
          birthdate: '1985-04-12',
          birthcountry: '99100',
          birthplace: '30189',
          email: 'marie.dupont@example.org',
        },
      ],
      [
        'jean.martin',
        {
          given_name: 'Jean',
          family_name: 'Martin',
          gender: 'male',
          birthdate: '1972-11-03',
          birthcountry: '99100',
          birthplace: '69383',
          email: 'jean.martin@example.org',
        },
      ],
      [
        'lucas.bernard',
        {
          given_name: 'Lucas',
          family_name: 'Bernard',
          gender: 'male',
          birthdate: '2001-01-30',
          birthcountry: '99100',
          birthplace: '34172',
          email: 'lucas.bernard@example.org',
        },
      ],
      [
        'camille.petit',
        {
          given_name: 'Camille',
          family_name: 'Petit',
          gender: 'unspecified',
          birthdate: '1990-00-00',
          birthcountry: '99100',
          birthplace: '97120',
          email: 'camille.petit@example.org',
        },
      ],
      [
        'anne-sophie.lefevre-roy',
        {
          given_name: 'Anne-Sophie Hélène',
          family_name: 'Lefèvre-Roy',
          gender: 'female',
          birthdate: '1978-09-09',
          birthcountry: '99100',
          birthplace: '75115',
          email: 'anne-sophie.lefevre-roy@example.org',
        },
      ],
      // Jean's mother; she gave him a mandate for transport and housing (sandbox/seed/mandates.ts).
      [
        'yvonne.martin',
        {
          given_name: 'Yvonne',
          family_name: 'Martin',
          gender: 'female',
          birthdate: '1948-02-14',
          birthcountry: '99100',
          birthplace: '30189',
          email: 'yvonne.martin@example.org',
        },
      ],
      // Invalid on purpose: born in France (99100) with no birthplace.
      [
        'identite.invalide',
        {
          given_name: 'Identité',
          family_name: 'Invalide',
          gender: 'female',
          birthdate: '1980-05-17',
          birthcountry: '99100',
          email: 'identite.invalide@example.org',
        },
      ],
    ] as Array<[string, AccountClaims]>
  ).map(([login, claims]) => [login, { login, claims }]),
);
