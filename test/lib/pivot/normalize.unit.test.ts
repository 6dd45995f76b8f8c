import type { PivotIdentity } from '../../../lib/contracts/pivot-identity.ts';
import {
  birthLocationKey,
  compactName,
  givenNameKeys,
  identityKey,
  matches,
  normalizeBirthdate,
  normalizeName,
  pivotMatchKeys,
  PivotNormalizationError,
  registryMatchKeys,
  type RegistryIdentity,
} from '../../../lib/pivot/normalize.ts';
import { SANDBOX_IDENTITIES } from '../../../sandbox/seed/identities.ts';
import { registrySeed as ants } from '../../../subgraphs/ants/seed.ts';
import { registrySeed as cnaf } from '../../../subgraphs/cnaf/seed.ts';
import { registrySeed as dgfip } from '../../../subgraphs/dgfip/seed.ts';

describe('name normalization', () => {
  test.each([
    ['Lefèvre-Roy', 'LEFEVRE ROY'],
    ['  lefevre   roy ', 'LEFEVRE ROY'],
    ['D’Artagnan', 'D ARTAGNAN'],
    ["O'Neil", 'O NEIL'],
    ['Œdipe Cœur', 'OEDIPE COEUR'],
    ['Groß', 'GROSS'],
    ['Nguyễn', 'NGUYEN'],
    ['Ștefănescu', 'STEFANESCU'],
    ['Yılmaz', 'YILMAZ'],
    ['Łukasz Wiśniewski', 'LUKASZ WISNIEWSKI'],
    ['Hélène\u00a0Marie', 'HELENE MARIE'],
    ['e\u0301lodie', 'ELODIE'], // decomposed accent
    ['St. Jean', 'ST JEAN'],
  ])('%s → %s', (name, normalized) => {
    expect(normalizeName(name)).toBe(normalized);
    expect(compactName(name)).toBe(normalized.replace(/ /g, ''));
  });

  test('given names: every prefix of whole given names, composed names kept whole', () => {
    expect(givenNameKeys('Anne-Sophie Hélène')).toEqual(['ANNESOPHIE', 'ANNESOPHIEHELENE']);
    expect(givenNameKeys('Jean, Pierre  Marie')).toEqual(['JEAN', 'JEANPIERRE', 'JEANPIERREMARIE']);
    expect(givenNameKeys(' - ')).toEqual([]);
  });
});

describe('birthdates and birth locations', () => {
  test.each(['1985-04-12', '1990-00-00', '1990-06-00', '2000-02-29'])('%s is kept as is', (date) => {
    expect(normalizeBirthdate(date)).toBe(date);
  });

  test.each(['1990-00-12', '1990-02-30', '2001-02-29', '1990-13-01', '90-01-01', '1990/01/01', '1700-01-01', ''])(
    '%s is refused',
    (date) => {
      expect(() => normalizeBirthdate(date)).toThrow(PivotNormalizationError);
    },
  );

  test('the commune when born in France, the country otherwise', () => {
    expect(birthLocationKey('99100', '30189')).toBe('30189');
    expect(birthLocationKey('99100', '2a004')).toBe('2A004');
    expect(birthLocationKey('99134')).toBe('99134');
    expect(birthLocationKey('99134', '30189')).toBe('99134');
    expect(() => birthLocationKey('99100')).toThrow(/birthplace/);
    expect(() => birthLocationKey('99100', '99134')).toThrow(/birthplace/);
    expect(() => birthLocationKey('FR', '30189')).toThrow(/birthcountry/);
  });

  test('the identity key holds no accent, case or separator', () => {
    expect(identityKey({ family_name: 'García López', birthdate: '1990-06-21', birthcountry: '99134' })).toBe(
      'GARCIALOPEZ|1990-06-21|99134',
    );
  });
});

/** Anne-Sophie as the DGFiP writes her: upper case, no accents. */
const annesophie: RegistryIdentity = {
  givenNames: 'ANNE-SOPHIE HELENE',
  familyName: 'LEFEVRE-ROY',
  birthdate: '1978-09-09',
  gender: 'female',
  birthCountry: '99100',
  birthPlace: '75115',
};
const asked = (changes: Partial<PivotIdentity>): PivotIdentity => ({
  ...SANDBOX_IDENTITIES['anne-sophie.lefevre-roy']!,
  ...changes,
});

describe('the matching rule', () => {
  test.each<[string, Partial<PivotIdentity>]>([
    ['as the IdP spells it', {}],
    ['upper case', { given_name: 'ANNE-SOPHIE HÉLÈNE', family_name: 'LEFÈVRE-ROY' }],
    ['spaces for hyphens, no accents', { given_name: 'anne sophie helene', family_name: 'Lefevre Roy' }],
    ['only the first given name', { given_name: 'ANNE-SOPHIE' }],
    ['the first given name with a space', { given_name: 'anne sophie' }],
    ['no separator at all', { given_name: 'AnneSophie', family_name: 'LEFEVREROY' }],
    ['no gender (eIDAS)', { gender: undefined }],
    ['unspecified gender', { gender: 'unspecified' }],
  ])('matches: %s', (_, changes) => {
    expect(matches(asked(changes), annesophie)).toBe(true);
  });

  test.each<[string, Partial<PivotIdentity>]>([
    ['another first name (Anne is not Anne-Sophie)', { given_name: 'Anne' }],
    ['the second given name only', { given_name: 'Hélène' }],
    ['a given name the registry does not have', { given_name: 'Anne-Sophie Marie' }],
    ['given names in another order', { given_name: 'Hélène Anne-Sophie' }],
    ['part of a double family name', { family_name: 'Lefèvre' }],
    ['the other part', { family_name: 'Roy' }],
    ['another birthdate', { birthdate: '1978-09-10' }],
    ['a vaguer birthdate', { birthdate: '1978-09-00' }],
    ['another birthplace', { birthplace: '75116' }],
    ['born abroad', { birthcountry: '99134', birthplace: undefined }],
    ['the other gender', { gender: 'male' }],
    ['an invalid pivot (born in France, no birthplace)', { birthplace: undefined }],
  ])('does not match: %s', (_, changes) => {
    expect(matches(asked(changes), annesophie)).toBe(false);
  });

  test('apostrophes, straight or typographic, or none', () => {
    const oneil: RegistryIdentity = {
      givenNames: 'SEAN',
      familyName: "O'NEIL",
      birthdate: '1970-01-02',
      birthCountry: '99136',
    };
    const pivot = (family_name: string): PivotIdentity => ({
      given_name: 'Seán',
      family_name,
      birthdate: '1970-01-02',
      birthcountry: '99136',
    });
    for (const name of ['O’Neil', "O'Neil", 'ONeil', 'O Neil', 'o‘neil'])
      expect(matches(pivot(name), oneil)).toBe(true);
    expect(matches(pivot('Neil'), oneil)).toBe(false);
    const dartagnan: RegistryIdentity = {
      givenNames: 'Charles',
      familyName: 'D’Artagnan',
      birthdate: '1961-05-14',
      birthCountry: '99100',
      birthPlace: '32013',
    };
    expect(
      matches(
        {
          given_name: 'CHARLES',
          family_name: "D'ARTAGNAN",
          birthdate: '1961-05-14',
          birthcountry: '99100',
          birthplace: '32013',
        },
        dartagnan,
      ),
    ).toBe(true);
  });

  test('partial birthdates match the same partial date only', () => {
    const camille = SANDBOX_IDENTITIES['camille.petit']!;
    const record = (birthdate: string): RegistryIdentity => ({
      givenNames: 'CAMILLE',
      familyName: 'PETIT',
      birthdate,
      birthCountry: '99100',
      birthPlace: '97120',
    });
    expect(matches(camille, record('1990-00-00'))).toBe(true);
    expect(matches(camille, record('1990-03-02'))).toBe(false);
    expect(matches({ ...camille, birthdate: '1990-03-02' }, record('1990-00-00'))).toBe(false);
  });

  test('foreign birth: the country, without birthplace', () => {
    const sofia = SANDBOX_IDENTITIES['sofia.garcia']!;
    const record: RegistryIdentity = {
      givenNames: 'SOFIA',
      familyName: 'GARCIA LOPEZ',
      birthdate: '1990-06-21',
      gender: 'female',
      birthCountry: '99134',
    };
    expect(matches(sofia, record)).toBe(true);
    expect(matches({ ...sofia, given_name: 'Sofia', family_name: 'Garcia-Lopez' }, record)).toBe(true);
    expect(matches({ ...sofia, family_name: 'García' }, record)).toBe(false);
    expect(matches({ ...sofia, birthcountry: '99139' }, record)).toBe(false);
  });

  test('pivot keys and registry keys meet', () => {
    const keys = pivotMatchKeys(asked({ given_name: 'anne sophie' }));
    const stored = registryMatchKeys(annesophie);
    expect(keys.identityKey).toBe(stored.identityKey);
    expect(stored.givenNameKeys).toContain(keys.givenNames);
  });
});

describe('the sandbox identities', () => {
  const registries = {
    dgfip: dgfip.sandboxRecords(new Date()),
    ants: ants.sandboxRecords(new Date()),
    cnaf: cnaf.sandboxRecords(new Date()),
  };
  const expected: Record<string, string[]> = {
    'marie.dupont': ['dgfip', 'ants', 'cnaf'],
    'jean.martin': ['dgfip', 'ants', 'cnaf'],
    'sofia.garcia': ['dgfip', 'ants'],
    'lucas.bernard': ['dgfip', 'ants'],
    'camille.petit': ['dgfip'],
    'anne-sophie.lefevre-roy': ['dgfip', 'ants', 'cnaf'],
    'yvonne.martin': ['dgfip', 'ants'],
    'identite.invalide': [],
    'lukas.schneider': [], // EU citizens unknown to French registries
    'ines.peeters': [],
  };
  test('every sandbox login is covered', () =>
    expect(Object.keys(SANDBOX_IDENTITIES).sort()).toEqual(Object.keys(expected).sort()));
  test.each(Object.entries(expected))('%s matches exactly one record in %j', (login, providers) => {
    for (const [provider, records] of Object.entries(registries)) {
      const found = records.persons.filter((person) => matches(SANDBOX_IDENTITIES[login]!, person));
      expect([provider, found.length]).toEqual([provider, providers.includes(provider) ? 1 : 0]);
    }
  });
});
