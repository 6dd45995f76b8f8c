/**
 * Real places for synthetic citizens: INSEE COG commune codes with their postal codes,
 * INSEE country codes, and common street names. Weights are rough populations, so
 * big cities are drawn more. Residences lean towards the Gard and the Hérault, where
 * the parking use case (Nîmes) lives.
 */
export interface Commune {
  code: string;
  name: string;
  postalCodes: string[];
  weight: number;
}

const commune = (code: string, name: string, postalCodes: string, weight: number): Commune => ({
  code,
  name,
  postalCodes: postalCodes.split(' '),
  weight,
});

/** Communes where people were born (and, for some, live). */
export const COMMUNES: Commune[] = [
  commune('30189', 'Nîmes', '30000 30900', 150),
  commune('30007', 'Alès', '30100', 40),
  commune('30028', 'Bagnols-sur-Cèze', '30200', 18),
  commune('30032', 'Beaucaire', '30300', 16),
  commune('30334', 'Uzès', '30700', 8),
  commune('30341', 'Vauvert', '30600', 11),
  commune('30258', 'Saint-Gilles', '30800', 14),
  commune('34172', 'Montpellier', '34000 34070 34080 34090', 290),
  commune('34032', 'Béziers', '34500', 78),
  commune('34301', 'Sète', '34200', 44),
  commune('34145', 'Lunel', '34400', 26),
  commune('34129', 'Lattes', '34970', 17),
  commune('75115', 'Paris 15e Arrondissement', '75015', 230),
  commune('75118', 'Paris 18e Arrondissement', '75018', 190),
  commune('75111', 'Paris 11e Arrondissement', '75011', 145),
  commune('75120', 'Paris 20e Arrondissement', '75020', 195),
  commune('75112', 'Paris 12e Arrondissement', '75012', 140),
  commune('75114', 'Paris 14e Arrondissement', '75014', 135),
  commune('69383', 'Lyon 3e Arrondissement', '69003', 100),
  commune('69387', 'Lyon 7e Arrondissement', '69007', 85),
  commune('13201', 'Marseille 1er Arrondissement', '13001', 40),
  commune('13208', 'Marseille 8e Arrondissement', '13008', 80),
  commune('13213', 'Marseille 13e Arrondissement', '13013', 90),
  commune('13004', 'Arles', '13200', 50),
  commune('13001', 'Aix-en-Provence', '13100', 145),
  commune('31555', 'Toulouse', '31000 31100 31200 31300 31400 31500', 500),
  commune('33063', 'Bordeaux', '33000 33100 33200 33300 33800', 260),
  commune('44109', 'Nantes', '44000 44100 44200 44300', 320),
  commune('67482', 'Strasbourg', '67000 67100 67200', 290),
  commune('59350', 'Lille', '59000 59160 59260 59777 59800', 235),
  commune('06088', 'Nice', '06000 06100 06200 06300', 340),
  commune('35238', 'Rennes', '35000 35200 35700', 220),
  commune('51454', 'Reims', '51100', 180),
  commune('83137', 'Toulon', '83000 83100 83200', 180),
  commune('38185', 'Grenoble', '38000 38100', 155),
  commune('21231', 'Dijon', '21000', 155),
  commune('49007', 'Angers', '49000 49100', 155),
  commune('66136', 'Perpignan', '66000 66100', 120),
  commune('84007', 'Avignon', '84000', 90),
  commune('63113', 'Clermont-Ferrand', '63000 63100', 147),
  commune('87085', 'Limoges', '87000 87100 87280', 130),
  commune('37261', 'Tours', '37000 37100 37200', 135),
  commune('57463', 'Metz', '57000 57050 57070', 120),
  commune('25056', 'Besançon', '25000', 118),
  commune('45234', 'Orléans', '45000 45100', 116),
  commune('76540', 'Rouen', '76000 76100', 113),
  commune('14118', 'Caen', '14000', 108),
  commune('76351', 'Le Havre', '76600 76610 76620', 165),
  commune('42218', 'Saint-Étienne', '42000 42100', 172),
  commune('29019', 'Brest', '29200', 140),
  commune('72181', 'Le Mans', '72000 72100', 145),
  commune('80021', 'Amiens', '80000 80080 80090', 133),
  commune('68224', 'Mulhouse', '68100 68200', 108),
  commune('54395', 'Nancy', '54000 54100', 105),
  commune('2A004', 'Ajaccio', '20000 20090', 72),
  commune('2B033', 'Bastia', '20200 20600', 48),
  commune('97120', 'Pointe-à-Pitre', '97110', 15),
  commune('97101', 'Les Abymes', '97139', 53),
  commune('97209', 'Fort-de-France', '97200 97234', 76),
  commune('97411', 'Saint-Denis', '97400 97490', 153),
  commune('97302', 'Cayenne', '97300', 63),
  commune('11069', 'Carcassonne', '11000', 46),
  commune('11262', 'Narbonne', '11100', 56),
  commune('64445', 'Pau', '64000', 76),
  commune('64102', 'Bayonne', '64100', 52),
  commune('86194', 'Poitiers', '86000', 90),
  commune('17300', 'La Rochelle', '17000', 78),
  commune('74010', 'Annecy', '74000 74370 74600 74940 74960', 130),
];

/** Where synthetic households live: the Gard and the Hérault weigh most. */
export const RESIDENCE_WEIGHTS: ReadonlyArray<readonly [Commune, number]> = COMMUNES.map((c) => {
  const local = c.code.startsWith('30') || c.code.startsWith('34');
  return [c, c.weight * (local ? 12 : 1)] as const;
});

/** Countries of birth of people born abroad (INSEE COG), roughly by number of residents in France. */
export const COUNTRY_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['99352', 85],
  ['99350', 75],
  ['99139', 60],
  ['99127', 30],
  ['99134', 27],
  ['99208', 25],
  ['99109', 14],
  ['99132', 14],
  ['99341', 12],
  ['99114', 12],
  ['99122', 7],
  ['99243', 6],
  ['99136', 2],
];

export const STREETS = [
  'rue de la République',
  'avenue Jean Jaurès',
  'boulevard Gambetta',
  'rue Victor Hugo',
  'chemin des Oliviers',
  'impasse des Lilas',
  'place de la Mairie',
  'allée des Pins',
  'rue Pasteur',
  'rue du Général de Gaulle',
  'avenue de la Libération',
  'rue des Écoles',
  'rue de l’Église',
  'chemin du Mas',
  'rue Émile Zola',
  'boulevard Victor Hugo',
  'rue Jules Ferry',
  'avenue Georges Pompidou',
  'rue des Jardins',
  'rue de la Gare',
  'rue du Moulin',
  'route de Nîmes',
  'route d’Uzès',
  'rue Jean Moulin',
  'allée des Cigales',
  'rue des Arènes',
  'rue de la Fontaine',
  'quai de la Fontaine',
  'avenue Feuchères',
  'rue Nationale',
];

export const ADDRESS_COMPLEMENTS = [
  'Appartement 3',
  'Appartement 12',
  'Appartement 24',
  'Bâtiment B',
  'Résidence Les Jardins',
  'Résidence Le Clos des Oliviers',
  'Escalier A',
  '2e étage',
  'Lotissement Les Pins',
];
