import type { PivotIdentity } from '../../../lib/pivot/identity.ts';

/** The sandbox identities of DESIGN.md, as the broker would put them in a pivot token. */
export const MARIE: PivotIdentity = { given_name: 'Marie', family_name: 'Dupont', birthdate: '1985-04-12', gender: 'female', birthcountry: '99100', birthplace: '30189' };
export const JEAN: PivotIdentity = { given_name: 'Jean', family_name: 'Martin', birthdate: '1972-11-03', gender: 'male', birthcountry: '99100', birthplace: '69383' };
export const SOFIA: PivotIdentity = { given_name: 'Sofía', family_name: 'García López', birthdate: '1990-06-21', gender: 'female', birthcountry: '99134' };
export const LUCAS: PivotIdentity = { given_name: 'Lucas', family_name: 'Bernard', birthdate: '2001-01-30', gender: 'male', birthcountry: '99100', birthplace: '34172' };
export const CAMILLE: PivotIdentity = { given_name: 'Camille', family_name: 'Petit', birthdate: '1990-00-00', gender: 'unspecified', birthcountry: '99100', birthplace: '97120' };
export const ANNE_SOPHIE: PivotIdentity = { given_name: 'Anne-Sophie Hélène', family_name: 'Lefèvre-Roy', birthdate: '1978-09-09', gender: 'female', birthcountry: '99100', birthplace: '75115' };
