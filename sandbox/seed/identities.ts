import type { PivotIdentity } from '../../lib/pivot/identity.ts';

/**
 * The sandbox citizens of DESIGN.md, by IdP login, with the pivot identity their
 * identity provider asserts. Registries spell them their own way (upper case, no
 * accents, spaces for hyphens...): matching them is the normalization's job.
 */
export const SANDBOX_IDENTITIES: Readonly<Record<string, PivotIdentity>> = {
  'marie.dupont': {
    given_name: 'Marie', family_name: 'Dupont', birthdate: '1985-04-12', gender: 'female', birthcountry: '99100', birthplace: '30189',
  },
  'jean.martin': {
    given_name: 'Jean', family_name: 'Martin', birthdate: '1972-11-03', gender: 'male', birthcountry: '99100', birthplace: '69383',
  },
  'sofia.garcia': {
    // Signs in through eIDAS; born in Spain, so no birthplace.
    given_name: 'Sofía', family_name: 'García López', birthdate: '1990-06-21', gender: 'female', birthcountry: '99134',
  },
  'lucas.bernard': {
    given_name: 'Lucas', family_name: 'Bernard', birthdate: '2001-01-30', gender: 'male', birthcountry: '99100', birthplace: '34172',
  },
  'camille.petit': {
    given_name: 'Camille', family_name: 'Petit', birthdate: '1990-00-00', gender: 'unspecified', birthcountry: '99100', birthplace: '97120',
  },
  'anne-sophie.lefevre-roy': {
    given_name: 'Anne-Sophie Hélène', family_name: 'Lefèvre-Roy', birthdate: '1978-09-09', gender: 'female', birthcountry: '99100', birthplace: '75115',
  },
  // Born in France without a birthplace: the broker refuses it, and no registry knows it.
  'identite.invalide': {
    given_name: 'Paul', family_name: 'Invalide', birthdate: '1980-01-01', gender: 'male', birthcountry: '99100',
  },
};

/** Relatives the registries know who do not sign in: spouses sharing a tax return, a car, a benefit file. */
export const SANDBOX_RELATIVES: Readonly<Record<string, PivotIdentity>> = {
  'julien.marchand': { // Anne-Sophie's husband
    given_name: 'Julien Pierre', family_name: 'Marchand', birthdate: '1976-02-14', gender: 'male', birthcountry: '99100', birthplace: '30189',
  },
  'sylvie.rousseau': { // Jean's wife (birth name Rousseau)
    given_name: 'Sylvie', family_name: 'Rousseau', birthdate: '1974-05-19', gender: 'female', birthcountry: '99100', birthplace: '30189',
  },
};
