import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Pool } from '../../lib/db/database.ts';
import { critAirClass } from '../../subgraphs/ants/crit-air.ts';
import { PivotIdentitySchema } from '../../lib/contracts/pivot-identity.ts';
import { registryMatchKeys } from '../../lib/pivot/normalize.ts';
import { syntheticHousehold } from '../../sandbox/seed/households.ts';
import {
  registrySeed as antsSeed,
  syntheticPlate,
  vehicleNumberOfPlate,
  MAX_VEHICLES_PER_HOUSEHOLD,
} from '../../subgraphs/ants/seed.ts';
import { registrySeed as cnafSeed } from '../../subgraphs/cnaf/seed.ts';
import { registrySeed as dgfipSeed } from '../../subgraphs/dgfip/seed.ts';
import { seedSandbox, seedSynthetic, seedSyntheticCompanies, syntheticProgress } from '../../sandbox/seed/seed.ts';
import { loadRegistrySeed } from '../../sandbox/seed/registry-seed.ts';
import { syntheticSiren } from '../../sandbox/seed/companies.ts';
import { isSiren } from '../../lib/contracts/company-identifiers.ts';
import { createCitizenMatcher } from '../../lib/subgraph/citizen-matcher.ts';
import { loadProviderModule } from '../../lib/subgraph/provider.ts';
import { requestDatabase } from '../../lib/subgraph/request-database.ts';
import type { EntreprisesLoaders } from '../../subgraphs/entreprises/loaders.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { providerFoldersOf } from '../helpers/providers.ts';

const execFileAsync = promisify(execFile);

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool({ max: 4 });
});
afterAll(async () => {
  await db.drop();
});

const count = async (table: string) =>
  (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
const TABLES = [
  'dgfip.person',
  'dgfip.tax_household',
  'dgfip.household_declarant',
  'ants.person',
  'ants.vehicle',
  'ants.vehicle_holder',
  'cnaf.person',
  'cnaf.dossier',
  'cnaf.dossier_member',
  'cnaf.family_quotient',
  'cnaf.benefit',
  'cnaf.child',
];
const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await count(t)])));

describe('the sandbox registries', () => {
  test('hold exactly the sandbox data, and seeding again changes nothing', async () => {
    await seedSandbox(pool, providerFoldersOf());
    const first = await counts();
    expect(first).toEqual({
      'dgfip.person': 9,
      'dgfip.tax_household': 7,
      'dgfip.household_declarant': 9,
      'ants.person': 7,
      'ants.vehicle': 7,
      'ants.vehicle_holder': 8,
      'cnaf.person': 5,
      'cnaf.dossier': 3,
      'cnaf.dossier_member': 5,
      'cnaf.family_quotient': 36,
      'cnaf.benefit': 4,
      'cnaf.child': 5,
    });
    await seedSandbox(pool, providerFoldersOf());
    expect(await counts()).toEqual(first);

    const vehicles = await pool.query(`SELECT v.registration_number, v.energy, v.crit_air, h.role, p.family_name
      FROM ants.vehicle v JOIN ants.vehicle_holder h ON h.vehicle_id = v.id JOIN ants.person p ON p.id = h.person_id ORDER BY 1, 4`);
    expect(vehicles.rows).toEqual([
      { registration_number: 'AG-731-TE', energy: 'DIESEL', crit_air: 3, role: 'HOLDER', family_name: 'Lefèvre-Roy' },
      { registration_number: 'CH-318-XN', energy: 'DIESEL', crit_air: 2, role: 'HOLDER', family_name: 'Martin' },
      { registration_number: 'EQ-644-RD', energy: 'PETROL', crit_air: 1, role: 'HOLDER', family_name: 'Bernard' },
      { registration_number: 'FK-287-BT', energy: 'PETROL', crit_air: 1, role: 'HOLDER', family_name: 'García López' },
      {
        registration_number: 'FV-926-HS',
        energy: 'HYBRID_PETROL',
        crit_air: 1,
        role: 'CO_HOLDER',
        family_name: 'Lefèvre-Roy',
      },
      {
        registration_number: 'FV-926-HS',
        energy: 'HYBRID_PETROL',
        crit_air: 1,
        role: 'HOLDER',
        family_name: 'Marchand',
      },
      { registration_number: 'GB-154-MY', energy: 'PETROL', crit_air: 1, role: 'HOLDER', family_name: 'Martin' },
      { registration_number: 'GE-512-KL', energy: 'ELECTRIC', crit_air: 0, role: 'HOLDER', family_name: 'Dupont' },
    ]);
    const addresses = await pool.query(`SELECT p.family_name, h.city_code FROM dgfip.household_declarant d
      JOIN dgfip.person p ON p.id = d.person_id JOIN dgfip.tax_household h ON h.id = d.household_id WHERE d.rank = 1 ORDER BY 1`);
    expect(addresses.rows).toEqual([
      { family_name: 'BERNARD', city_code: '34172' },
      { family_name: 'DUPONT', city_code: '30189' },
      { family_name: 'GARCIA LOPEZ', city_code: '30189' },
      { family_name: 'LEFEVRE-ROY', city_code: '30189' },
      { family_name: 'MARTIN', city_code: '30189' },
      { family_name: 'MARTIN', city_code: '30189' },
      { family_name: 'PETIT', city_code: '30189' },
    ]);
    const quotients =
      await pool.query(`SELECT p.family_name, min(q.value) AS min, max(q.value) AS max, d.regime FROM cnaf.dossier_member m
      JOIN cnaf.person p ON p.id = m.person_id JOIN cnaf.dossier d ON d.id = m.dossier_id JOIN cnaf.family_quotient q ON q.dossier_id = d.id
      WHERE m.role = 'ALLOCATAIRE' GROUP BY 1, 4 ORDER BY 1`);
    expect(quotients.rows).toEqual([
      { family_name: 'DUPONT', min: 540, max: 540, regime: 'CAF' },
      { family_name: 'LEFÈVRE ROY', min: 900, max: 900, regime: 'CAF' },
      { family_name: 'MARTIN', min: 1450, max: 1450, regime: 'CAF' },
    ]);
  });

  test("each sandbox car's Crit'Air follows the rules from its energy and age", () => {
    for (const v of antsSeed.sandboxRecords(new Date()).vehicles)
      expect([v.registrationNumber, v.critAir]).toEqual([
        v.registrationNumber,
        critAirClass(v.energy, v.firstRegistrationDate),
      ]);
  });

  test('sandbox plates are outside the synthetic range (10 million households)', () => {
    for (const v of antsSeed.sandboxRecords(new Date()).vehicles) {
      expect(vehicleNumberOfPlate(v.registrationNumber)).toBeGreaterThanOrEqual(
        10_000_000 * MAX_VEHICLES_PER_HOUSEHOLD,
      );
    }
  });
});

describe('synthetic registries', () => {
  test('load N citizens per registry, resume, and do nothing when already there', async () => {
    const before = await counts();
    const first = await seedSynthetic(pool, providerFoldersOf(), {
      citizens: 1500,
      batchHouseholds: 300,
      parallel: true,
    });
    // The registries of citizens (the company registries' synthetic records come with --companies).
    const citizenRegistries = await registriesWith('syntheticRecords');
    expect(first.map((r) => [r.provider, r.citizens])).toEqual(citizenRegistries.map((p) => [p, 1500]));
    const loaded = await counts();
    expect(loaded['dgfip.person']! - before['dgfip.person']!).toBeGreaterThan(1500 * 0.95);
    expect(loaded['dgfip.person']! - before['dgfip.person']!).toBeLessThanOrEqual(1500);
    expect(loaded['ants.vehicle']! - before['ants.vehicle']!).toBeGreaterThan(1000);
    expect(loaded['cnaf.dossier']! - before['cnaf.dossier']!).toBeGreaterThan(200);

    await seedSynthetic(pool, providerFoldersOf(), { citizens: 1500 });
    expect(await counts()).toEqual(loaded);

    await seedSynthetic(pool, providerFoldersOf(['dgfip']), { citizens: 2000, batchHouseholds: 300 });
    const grown = await counts();
    expect(grown['dgfip.person']! - loaded['dgfip.person']!).toBeGreaterThan(450);
    expect(grown['ants.person']).toBe(loaded['ants.person']);
    expect((await syntheticProgress(pool)).map((p) => [p.provider, p.citizens])).toEqual(
      [...citizenRegistries].sort().map((p) => [p, p === 'dgfip' ? 2000 : 1500]),
    );
    // Sandbox people are still there, untouched.
    expect(
      (await pool.query("SELECT count(*)::int AS n FROM ants.vehicle WHERE registration_number = 'GE-512-KL'")).rows[0]
        .n,
    ).toBe(1);
  });
});

/** The providers whose seed.ts has synthetic records of that kind, in configuration order. */
async function registriesWith(kind: 'syntheticRecords' | 'syntheticCompanyRecords'): Promise<string[]> {
  const seeds = await Promise.all(providerFoldersOf().map(async (f) => [f.name, await loadRegistrySeed(f)] as const));
  return seeds.filter(([, seed]) => seed?.[kind]).map(([name]) => name);
}

describe('synthetic companies', () => {
  const COMPANY_TABLES = [
    'entreprises.company',
    'entreprises.establishment',
    'entreprises.legal_representative',
    'entreprises.person',
    'dgfip.company_tax_compliance',
    'urssaf.contribution_account',
  ];
  const companyCounts = async () =>
    Object.fromEntries(await Promise.all(COMPANY_TABLES.map(async (t) => [t, await count(t)])));

  test('load N companies in every company registry, resume, and do nothing when already there', async () => {
    await seedSandbox(pool, providerFoldersOf());
    const before = await companyCounts();
    const first = await seedSyntheticCompanies(pool, providerFoldersOf(), {
      companies: 400,
      batchCompanies: 150,
      parallel: !db.embedded,
    });
    expect(first.map((r) => [r.provider, r.companies])).toEqual(
      (await registriesWith('syntheticCompanyRecords')).map((p) => [p, 400]),
    );
    expect(first.map((r) => r.provider).sort()).toEqual(['dgfip', 'entreprises', 'urssaf']);
    const loaded = await companyCounts();
    const added = (table: string) => loaded[table]! - before[table]!;
    expect(added('entreprises.company')).toBe(400);
    expect(added('entreprises.establishment')).toBeGreaterThanOrEqual(400);
    expect(added('entreprises.person')).toBe(added('entreprises.legal_representative'));
    // Every active company has a tax and a contribution record; ceased ones none.
    const active = (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM entreprises.company WHERE ceased_on IS NULL AND siren < '9'`,
      )
    ).rows[0]!.n;
    expect([added('dgfip.company_tax_compliance'), added('urssaf.contribution_account')]).toEqual([active, active]);
    expect(active).toBeGreaterThan(400 * 0.6);

    await seedSyntheticCompanies(pool, providerFoldersOf(), { companies: 400 });
    expect(await companyCounts()).toEqual(loaded);

    await seedSyntheticCompanies(pool, providerFoldersOf(['entreprises']), { companies: 500, batchCompanies: 60 });
    const grown = await companyCounts();
    expect(grown['entreprises.company']! - loaded['entreprises.company']!).toBe(100);
    expect(grown['urssaf.contribution_account']).toBe(loaded['urssaf.contribution_account']);
  });

  test("company k's director is the first adult of synthetic household k, found by their pivot identity", async () => {
    const k = 123;
    const director = syntheticHousehold(k).adults[0]!;
    const database = requestDatabase(pool, { prepared: false });
    const personId = await createCitizenMatcher(database, 'entreprises').load(director.pivot);
    expect(personId).not.toBeNull();
    const provider = await loadProviderModule(providerFoldersOf(['entreprises'])[0]!);
    const loaders = provider.createLoaders(database) as EntreprisesLoaders;
    const [representation] = await loaders.representations.load(personId!);
    expect(representation?.siren).toBe(syntheticSiren(k));
    expect(isSiren(representation!.siren)).toBe(true);
  });

  test('passerelle seed --companies N loads them, and again does nothing', async () => {
    const env = { ...process.env, DATABASE_URL: db.url };
    const run = () =>
      execFileAsync('npx', ['--no-install', 'passerelle', 'seed', '--companies', '650', '--company-batch', '100'], {
        env,
        encoding: 'utf8',
      });
    const { stdout } = await run();
    expect(stdout).toMatch(/entreprises: 650 synthetic companies/);
    expect(stdout).toMatch(/urssaf: 650 synthetic companies/);
    expect(await count('entreprises.company')).toBe(650 + 5);
    const loaded = await companyCounts();
    await run();
    expect(await companyCounts()).toEqual(loaded);
  }, 60_000);
});

describe('synthetic households (generator)', () => {
  const households = Array.from({ length: 20_000 }, (_, i) => syntheticHousehold(i));
  const adults = households.flatMap((h) => h.adults);
  const share = (n: number) => n / adults.length;

  test('are the same on every run', () => {
    const strip = (h: ReturnType<typeof syntheticHousehold>) => JSON.parse(JSON.stringify(h));
    expect(strip(syntheticHousehold(123_456))).toEqual(strip(syntheticHousehold(123_456)));
    expect(strip(syntheticHousehold(1))).not.toEqual(strip(syntheticHousehold(2)));
  });

  test('every identity is a valid pivot identity the registries can key', () => {
    for (const { pivot } of adults) {
      expect(PivotIdentitySchema.safeParse(pivot).success).toBe(true);
      expect(
        registryMatchKeys({
          givenNames: pivot.given_name,
          familyName: pivot.family_name,
          birthdate: pivot.birthdate,
          birthCountry: pivot.birthcountry,
          birthPlace: pivot.birthplace,
        }).givenNameKeys.length,
      ).toBeGreaterThan(0);
    }
  });

  test('look like the French population: accents, composed names, foreign births, partial birthdates', () => {
    expect(share(adults.filter((a) => a.pivot.birthcountry !== '99100').length)).toBeGreaterThan(0.09);
    expect(share(adults.filter((a) => a.pivot.birthcountry !== '99100').length)).toBeLessThan(0.15);
    expect(adults.filter((a) => a.pivot.birthdate.endsWith('-00')).length).toBeGreaterThan(10);
    expect(
      adults.filter((a) => /[éèëêïîôöüûçœ]/i.test(a.pivot.given_name + a.pivot.family_name)).length / adults.length,
    ).toBeGreaterThan(0.2);
    expect(adults.some((a) => /^[^ ]+-[^ ]+/.test(a.pivot.given_name))).toBe(true);
    expect(adults.some((a) => /['’]/.test(a.pivot.family_name))).toBe(true);
    expect(adults.some((a) => a.pivot.gender === undefined)).toBe(true);
    expect(new Set(adults.map((a) => a.pivot.birthplace).filter(Boolean)).size).toBeGreaterThan(50);
    const nimes = households.filter((h) => h.address.cityCode === '30189').length / households.length;
    expect(nimes).toBeGreaterThan(0.05);
  });

  test("vehicles: valid unique plates and a realistic Crit'Air distribution", () => {
    const { vehicles } = antsSeed.syntheticRecords!(households, new Date());
    const plates = vehicles.map((v) => v.registrationNumber);
    expect(new Set(plates).size).toBe(plates.length);
    for (const plate of plates.slice(0, 2000))
      expect(plate).toMatch(/^[A-HJ-NP-TV-Z]{2}-(?!000)\d{3}-[A-HJ-NP-TV-Z]{2}$/);
    expect(syntheticPlate(vehicleNumberOfPlate('BC-041-FW'))).toBe('BC-041-FW');
    const classes = new Map<number | null, number>();
    for (const v of vehicles) classes.set(v.critAir, (classes.get(v.critAir) ?? 0) + 1);
    const ratio = (c: number | null) => (classes.get(c) ?? 0) / vehicles.length;
    // Roughly the French fleet: mostly Crit'Air 1 and 2, some 3, few 0, 4, 5 and unclassified.
    expect(ratio(1) + ratio(2)).toBeGreaterThan(0.5);
    expect(ratio(0)).toBeGreaterThan(0.01);
    expect(ratio(0)).toBeLessThan(0.1);
    for (const c of [3, 4, 5, null]) expect(ratio(c)).toBeGreaterThan(0.005);
    expect(vehicles.filter((v) => v.holders.length === 2).length).toBeGreaterThan(vehicles.length * 0.05);
  });

  test('family quotients spread around the usual values; tax shares follow the household', () => {
    const { dossiers } = cnafSeed.syntheticRecords!(households, new Date());
    const values = dossiers.map((d) => d.quotients.at(-1)!.value).sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)]!;
    expect(median).toBeGreaterThan(400);
    expect(median).toBeLessThan(1200);
    expect(values.filter((v) => v <= 700).length).toBeGreaterThan(values.length * 0.2);
    expect(values.filter((v) => v > 1200).length).toBeGreaterThan(values.length * 0.05);
    expect(dossiers.some((d) => d.regime === 'MSA')).toBe(true);
    const { households: returns } = dgfipSeed.syntheticRecords!(households, new Date());
    expect([...new Set(returns.map((r) => r.shares))].sort((a, b) => a - b)).toEqual([
      1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5,
    ]);
  });
});
