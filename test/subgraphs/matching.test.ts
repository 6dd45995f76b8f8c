import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from '../../lib/db/database.ts';
import { inTransaction } from '../../lib/db/database.ts';
import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import { createCitizenMatcher, matchQuery } from '../../lib/subgraph/citizen-matcher.ts';
import { loadProviderModule } from '../../lib/subgraph/provider.ts';
import { requestDatabase, type RequestDatabase } from '../../lib/subgraph/request-database.ts';
import { seedSandbox, seedSynthetic, seedSyntheticCompanies } from '../../sandbox/seed/seed.ts';
import { SANDBOX_COMPANIES } from '../../sandbox/seed/companies.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { PROVIDERS, providerFoldersOf } from '../helpers/providers.ts';

/**
 * Matching citizens in a registry through the index, never a scan: variants of the
 * sandbox identities, near misses (a twin, a homonym born elsewhere), an ambiguous
 * duplicate, and the query plans of every statement a request runs.
 */
let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool({ max: 4 });
  await seedSandbox(pool, providerFoldersOf());
  await seedSynthetic(pool, providerFoldersOf(), { citizens: 6000, batchHouseholds: 1000, parallel: !db.embedded });
  // The company registries (the register lists directors only): companies 0..19,999, directed by households' adults.
  await seedSyntheticCompanies(pool, providerFoldersOf(), { companies: 20_000, parallel: !db.embedded });
  const dgfip = await loadProviderModule(providerFoldersOf(['dgfip'])[0]!);
  const near = (ref: string, givenNames: string, familyName: string, birthPlace: string) => ({
    ref,
    givenNames,
    familyName,
    birthdate: '1985-04-12',
    gender: 'female' as const,
    birthCountry: '99100',
    birthPlace,
  });
  await inTransaction(pool, (client) =>
    dgfip.writeRecords(client, {
      persons: [
        near('2000000000001', 'Marie', 'Dupont', '69383'), // a homonym born the same day in Lyon
        near('2000000000002', 'Julie Marie', 'Dupont', '30189'), // Marie's twin
        near('2000000000003', 'Paule', 'Doublon', '30189'), // recorded twice by mistake
        near('2000000000004', 'PAULE', 'DOUBLON', '30189'),
      ],
      households: [],
    }),
  );
}, 120_000);
afterAll(async () => {
  await db.drop();
});

const pivot = (login: string, changes: Partial<PivotIdentity> = {}): PivotIdentity => ({
  ...SANDBOX_IDENTITIES[login]!,
  ...changes,
});

async function matchRef(schema: string, identity: PivotIdentity): Promise<string | null> {
  const id = await createCitizenMatcher(requestDatabase(pool, { prepared: false }), schema).load(identity);
  if (id === null) return null;
  return (await pool.query<{ ref: string }>(`SELECT ref FROM ${schema}.person WHERE id = $1`, [id])).rows[0]!.ref;
}

describe('matching in a registry', () => {
  test.each<[string, string, Partial<PivotIdentity>, string | null]>([
    ['dgfip', 'marie.dupont', {}, '1234567890123'],
    ['dgfip', 'marie.dupont', { given_name: 'MARIE', family_name: 'dupont' }, '1234567890123'],
    ['dgfip', 'marie.dupont', { given_name: 'Julie' }, '2000000000002'], // the twin's first given name
    ['dgfip', 'marie.dupont', { given_name: 'Julie Marie' }, '2000000000002'],
    ['dgfip', 'marie.dupont', { birthplace: '69383' }, '2000000000001'],
    ['dgfip', 'marie.dupont', { birthplace: '13201' }, null],
    ['dgfip', 'anne-sophie.lefevre-roy', { given_name: 'anne sophie', family_name: 'LEFEVRE ROY' }, '1780975115290'],
    ['ants', 'anne-sophie.lefevre-roy', { given_name: 'ANNE-SOPHIE', family_name: 'Lefevre-Roy' }, 'SIV-T-0000006'],
    ['cnaf', 'anne-sophie.lefevre-roy', { family_name: 'Lefèvre Roy' }, 'CAF30-0000301'],
    ['cnaf', 'anne-sophie.lefevre-roy', { given_name: 'Anne' }, null],
    ['dgfip', 'sofia.garcia', { given_name: 'SOFIA', family_name: 'GARCIA-LOPEZ', gender: undefined }, '2906219913477'],
    ['dgfip', 'camille.petit', {}, '2900097120631'],
    ['dgfip', 'camille.petit', { birthdate: '1990-01-01' }, null],
    ['dgfip', 'identite.invalide', {}, null],
  ])('%s: %s with %j → %s', async (schema, login, changes, ref) => {
    expect(await matchRef(schema, pivot(login, changes))).toBe(ref);
  });

  test('two records for one identity: ambiguous, nothing returned', async () => {
    const matcher = createCitizenMatcher(requestDatabase(pool, { prepared: false }), 'dgfip');
    await expect(
      matcher.load(pivot('marie.dupont', { given_name: 'Paule', family_name: 'Doublon' })),
    ).rejects.toMatchObject({ code: 'PROVIDER_CITIZEN_AMBIGUOUS' });
  });

  test('many identities are matched in one query', async () => {
    const database = requestDatabase(pool, { prepared: false });
    const matcher = createCitizenMatcher(database, 'ants');
    const logins = Object.keys(SANDBOX_IDENTITIES);
    const results = await Promise.all(logins.map((login) => matcher.load(pivot(login))));
    const known = logins.filter((_, i) => results[i] !== null).sort();
    expect(known).toEqual([
      'anne-sophie.lefevre-roy',
      'jean.martin',
      'lucas.bernard',
      'marie.dupont',
      'sofia.garcia',
      'yvonne.martin',
    ]);
    expect(database.queryCount).toBe(1);
  });
});

/** The plan PostgreSQL chooses, both for these values and as a generic prepared statement. */
async function plans(text: string, values: unknown[]): Promise<string[]> {
  const client = await pool.connect();
  try {
    const custom = await client.query(`EXPLAIN ${text}`, values);
    await client.query(`PREPARE plan_check AS ${text}`);
    await client.query('SET plan_cache_mode = force_generic_plan');
    // EXECUTE takes no bind parameters: the values go in as literals.
    const literals = values.map((v) => client.escapeLiteral(Array.isArray(v) ? arrayLiteral(v) : String(v)));
    const generic = await client.query(`EXPLAIN EXECUTE plan_check(${literals.join(', ')})`);
    return [custom, generic].map((r) => r.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'));
  } finally {
    await client.query('DEALLOCATE ALL').catch(() => {});
    await client.query('RESET plan_cache_mode').catch(() => {});
    client.release();
  }
}

function arrayLiteral(values: unknown[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

/** A request database that remembers the statements it ran. */
function recording(): RequestDatabase & { statements: Array<{ text: string; values: unknown[] }> } {
  const inner = requestDatabase(pool, { prepared: false });
  const statements: Array<{ text: string; values: unknown[] }> = [];
  return {
    statements,
    get queryCount() {
      return inner.queryCount;
    },
    query(name, text, values) {
      statements.push({ text, values });
      return inner.query(name, text, values);
    },
  };
}

/** The loaders of each provider keyed by a company's SIREN rather than a person. */
const COMPANY_LOADERS: Record<string, string[]> = {
  entreprises: ['company', 'representatives'],
  dgfip: ['taxCompliance'],
  urssaf: ['account'],
};

describe('query plans: indexes, never a scan of a registry table', () => {
  // URSSAF serves companies only: it never matches a citizen.
  const CITIZEN_PROVIDERS = PROVIDERS.filter((name) =>
    /^type Citizen /m.test(readFileSync(join(providerFoldersOf([name])[0]!.path, 'schema.graphql'), 'utf8')),
  );
  test.each(CITIZEN_PROVIDERS)('%s: the citizen match uses person_identity_key_idx', async (schema) => {
    const keys = ['DUPONT|1985-04-12|30189'];
    for (const plan of await plans(matchQuery(schema), [keys, ['MARIE'], ['female']])) {
      expect(plan).toMatch(new RegExp(`Index Scan using person_identity_key_idx on person`));
      expect(plan).not.toMatch(/Seq Scan on person/);
    }
  });

  test.each(PROVIDERS)('%s: every statement of a full request uses indexes', async (schema) => {
    const provider = await loadProviderModule(providerFoldersOf([schema])[0]!);
    const database = recording();
    const loaders = provider.createLoaders(database) as Record<string, { load(key: unknown): Promise<unknown> }>;
    // Loaders of a company (keyed by SIREN: docs/companies.md), the others of a person.
    const byCompany = new Set(COMPANY_LOADERS[schema] ?? []);
    const byPerson = Object.keys(loaders).filter((name) => !byCompany.has(name));
    const personId = byPerson.length
      ? await createCitizenMatcher(database, schema).load(pivot('anne-sophie.lefevre-roy'))
      : null;
    if (byPerson.length) expect(personId).not.toBeNull();
    await Promise.all(
      Object.entries(loaders).map(([name, loader]) =>
        loader.load(byCompany.has(name) ? SANDBOX_COMPANIES.lefevreRoyConseil : personId),
      ),
    );
    expect(database.statements.length).toBe((byPerson.length ? 1 : 0) + Object.keys(loaders).length);
    for (const { text, values } of database.statements) {
      for (const plan of await plans(text, values)) {
        expect(plan).not.toMatch(/Seq Scan/);
        expect(plan).toMatch(/Index (Only )?Scan/);
      }
    }
  });
});
