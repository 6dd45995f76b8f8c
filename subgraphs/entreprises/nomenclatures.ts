/**
 * The labels of the codes the register stores: INSEE legal categories (catégories
 * juridiques, level III) and NAF rév. 2 activities, for the codes this registry holds,
 * and the French label of each legal representative's role. A code missing here is
 * refused on load (./records.ts), so every answer has its label.
 */
export const LEGAL_FORMS: Readonly<Record<string, string>> = {
  '1000': 'Entrepreneur individuel',
  '5498': 'Société à responsabilité limitée unipersonnelle (EURL)',
  '5499': 'Société à responsabilité limitée (SARL)',
  '5599': 'Société anonyme à conseil d’administration',
  '5710': 'Société par actions simplifiée (SAS)',
  '5720': 'Société par actions simplifiée à associé unique (SASU)',
};

export const NAF_ACTIVITIES: Readonly<Record<string, string>> = {
  '10.71C': 'Boulangerie et boulangerie-pâtisserie',
  '41.20A': 'Construction de maisons individuelles',
  '43.21A': 'Travaux d’installation électrique dans tous locaux',
  '43.32A': 'Travaux de menuiserie bois et PVC',
  '45.20A': 'Entretien et réparation de véhicules automobiles légers',
  '47.11B': 'Commerce d’alimentation générale',
  '49.32Z': 'Transports de voyageurs par taxis',
  '49.41A': 'Transports routiers de fret interurbains',
  '56.10A': 'Restauration traditionnelle',
  '62.01Z': 'Programmation informatique',
  '69.20Z': 'Activités comptables',
  '70.22Z': 'Conseil pour les affaires et autres conseils de gestion',
  '81.21Z': 'Nettoyage courant des bâtiments',
  '85.59A': 'Formation continue d’adultes',
  '86.21Z': 'Activité des médecins généralistes',
  '96.02A': 'Coiffure',
};

export type LegalRepresentativeRole =
  'ENTREPRENEUR_INDIVIDUEL' | 'GERANT' | 'PRESIDENT' | 'DIRECTEUR_GENERAL' | 'PRESIDENT_CONSEIL_ADMINISTRATION';

export const ROLE_LABELS: Readonly<Record<LegalRepresentativeRole, string>> = {
  ENTREPRENEUR_INDIVIDUEL: 'Entrepreneur individuel',
  GERANT: 'Gérant',
  PRESIDENT: 'Président',
  DIRECTEUR_GENERAL: 'Directeur général',
  PRESIDENT_CONSEIL_ADMINISTRATION: 'Président du conseil d’administration',
};
