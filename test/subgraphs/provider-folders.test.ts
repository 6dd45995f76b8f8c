import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '../../bin/platform.ts';
import { run as compose } from '../../bin/commands/compose.ts';
import { type Config } from '../../lib/config/load.ts';
import { loadPlatformConfig } from '../../bin/config.ts';
import { composeContract } from '../../lib/federation/compose.ts';
import { ContractError, loadContract } from '../../lib/federation/contract.ts';
import { dataProvidersDir, ProviderFolderError } from '../../lib/federation/provider-folders.ts';
import { createLogger } from '../../lib/log.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { PROVIDERS } from '../helpers/providers.ts';

/**
 * A data provider is a folder of `dataProvidersDir` plus its `dataProviders` entry:
 * a folder without an entry, or an entry without a folder, stops `passerelle compose`
 * and start-up before anything runs, with a message naming it.
 */
const sandbox = loadPlatformConfig({ env: {} });
const logger = createLogger('test', 'silent');
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** A copy of the provider folders, changed by `edit`, and its folder. */
function foldersCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-providers-'));
  cpSync(dataProvidersDir(sandbox), dir, { recursive: true });
  edit(dir);
  return dir;
}
const configOver = (dir: string): Config => loadPlatformConfig({ env: {}, overrides: [['dataProvidersDir', dir]] });

/** `passerelle compose` with PASSERELLE__dataProvidersDir set, as a shell would run it. */
async function composeOver(dir: string): Promise<{ code?: number; error?: Error }> {
  const previous = process.env.PASSERELLE__dataProvidersDir;
  process.env.PASSERELLE__dataProvidersDir = dir;
  const log = console.log;
  console.log = () => {};
  try {
    return { code: await compose([]) };
  } catch (error) {
    return { error: error as Error };
  } finally {
    console.log = log;
    if (previous === undefined) delete process.env.PASSERELLE__dataProvidersDir;
    else process.env.PASSERELLE__dataProvidersDir = previous;
  }
}

const unconfigured = foldersCopy((dir) => mkdirSync(join(dir, 'registre_oublie')));
const missing = PROVIDERS.at(-1)!;
const folderless = foldersCopy((dir) => rmSync(join(dir, missing), { recursive: true }));

describe('a folder without configuration', () => {
  const expected = new RegExp(
    `registre_oublie: a data provider folder without an entry in the configuration's dataProviders; add \\{ "name": "registre_oublie", "url": … \\} or remove the folder`,
  );

  test('is refused when the contract is loaded', () => {
    expect(() => loadContract(configOver(unconfigured))).toThrow(ProviderFolderError);
    expect(() => loadContract(configOver(unconfigured))).toThrow(expected);
  });

  test('stops passerelle compose, naming the folder', async () => {
    const { code, error } = await composeOver(unconfigured);
    expect(code).toBeUndefined();
    expect(error?.message).toMatch(expected);
  });

  test('stops start-up before anything starts', async () => {
    await expect(startPlatform({ config: configOver(unconfigured), database, logger }, ['gateway'])).rejects.toThrow(
      expected,
    );
    // Nothing was migrated or seeded.
    const pool = database.pool({ max: 1 });
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ANY ($1)',
      [[...PROVIDERS, 'gateway']],
    );
    await pool.end();
    expect(rows[0]!.n).toBe(0);
  });
});

describe('a configured provider without a folder', () => {
  const expected = new RegExp(
    `dataProviders\\[${missing}\\]: no folder .*/${missing}; create it \\(docs/adding-a-data-provider.md\\) or remove the entry`,
  );

  test('is refused when the contract is loaded', () => {
    expect(() => loadContract(configOver(folderless))).toThrow(expected);
  });

  test('stops passerelle compose, naming the entry', async () => {
    expect((await composeOver(folderless)).error?.message).toMatch(expected);
  });

  test('stops start-up, even of another component', async () => {
    await expect(startPlatform({ config: configOver(folderless), database, logger }, [PROVIDERS[0]!])).rejects.toThrow(
      expected,
    );
  });
});

test('the sandbox folders and configuration match: passerelle compose succeeds', async () => {
  expect(await composeOver(dataProvidersDir(sandbox))).toEqual({ code: 0 });
});

test('every provider of the contract needs its subgraph URL', () => {
  const urls = Object.fromEntries(PROVIDERS.slice(1).map((name) => [name, `http://${name}.test/graphql`]));
  expect(() => composeContract(loadContract(sandbox), urls)).toThrow(ContractError);
  expect(() => composeContract(loadContract(sandbox), urls)).toThrow(
    `${PROVIDERS[0]}: no subgraph URL (dataProviders[${PROVIDERS[0]}].url)`,
  );
});
