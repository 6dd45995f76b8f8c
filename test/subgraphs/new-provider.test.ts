import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { freePort } from '../../harness/ports.ts';

/**
 * Adding a data provider is one folder and one configuration entry: this test adds the
 * provider of docs/adding-a-data-provider.md — its files exactly as the page shows them —
 * to a copy of the repository, and runs the real `passerelle` command there: compose
 * refuses the folder until it is configured, then composes it; `start` migrates,
 * seeds and serves it beside the gateway; a development token reads the new field.
 */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const GUIDE = join(REPOSITORY, 'docs/adding-a-data-provider.md');
const NOT_COPIED = new Set(['node_modules', '.git', '.data', 'coverage', 'test-output']);

/** The files of the guide: each `### <path>` heading followed by a fenced block. */
function guideFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of readFileSync(GUIDE, 'utf8').matchAll(/^### (\S+)\n+```\w*\n([\s\S]*?)^```$/gm))
    files.set(match[1]!, match[2]!);
  return files;
}

let copy: string;
let db: TestDatabase | undefined;
let env: NodeJS.ProcessEnv;
let platform: ChildProcess | undefined;
const ports = { gateway: 0, ree: 0 };

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'passerelle-copy-'));
  cpSync(REPOSITORY, copy, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(source.slice(REPOSITORY.length).split('/')[0]!),
  });
  symlinkSync(join(REPOSITORY, 'node_modules'), join(copy, 'node_modules'), 'dir');
  ports.gateway = await freePort();
  ports.ree = await freePort();
  // DATABASE_URL: a fresh database on that server; else the copy's own embedded PostgreSQL.
  if (process.env.DATABASE_URL) db = await createTestDatabase();
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(db ? { DATABASE_URL: db.url } : { PASSERELLE__database__embeddedDataDir: join(copy, '.data/pglite') }),
    PASSERELLE__logLevel: 'warn',
    PASSERELLE__gateway__url: `http://127.0.0.1:${ports.gateway}`,
  };
});
afterAll(async () => {
  if (platform?.exitCode === null) platform.kill('SIGKILL');
  await db?.drop();
  rmSync(copy, { recursive: true, force: true });
});

/** Runs `passerelle <args>` in the copy; resolves when it exits. */
function passerelle(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/passerelle.ts', ...args], {
      cwd: copy,
      env: { ...env, ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the guide shows one folder of five files and one configuration entry', () => {
  expect([...guideFiles().keys()].sort()).toEqual([
    'sandbox/passerelle.json',
    'subgraphs/ree/catalog.json',
    'subgraphs/ree/index.ts',
    'subgraphs/ree/migrations/001_registry.sql',
    'subgraphs/ree/schema.graphql',
    'subgraphs/ree/seed.ts',
  ]);
});

test('with the folder only, compose refuses it by name', async () => {
  for (const [path, text] of guideFiles()) {
    if (!path.startsWith('subgraphs/')) continue;
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    writeFileSync(join(copy, path), text);
  }
  const { code, stderr } = await passerelle(['compose']);
  expect(code).toBe(1);
  expect(stderr).toContain(
    "subgraphs/ree: a data provider folder without an entry in the configuration's dataProviders",
  );
}, 60_000);

test('with its configuration entry, compose composes it', async () => {
  const configPath = join(copy, 'sandbox/passerelle.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.dataProviders.push(JSON.parse(guideFiles().get('sandbox/passerelle.json')!));
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const { code, stdout, stderr } = await passerelle(['compose']);
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout).toContain('ree: 1 scopes, 5 scoped fields');
  expect(stdout).toContain('composition OK');
}, 60_000);

test('start serves it beside the gateway, with its sandbox records, and it answers a query', async () => {
  const reeUrl = `http://127.0.0.1:${ports.ree}`;
  const startEnv = { PASSERELLE__dataProviders__ree__url: reeUrl };
  platform = spawn(process.execPath, ['--import', 'tsx', 'bin/passerelle.ts', 'start', 'gateway', 'ree'], {
    cwd: copy,
    env: { ...env, ...startEnv },
  });
  let output = '';
  platform.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  platform.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => platform!.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes('Ctrl-C to stop')) {
        clearInterval(check);
        resolve();
      } else if (platform!.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`passerelle start exited: ${output}`));
      }
    }, 100);
  });
  expect(output).toContain(`ree          ${reeUrl}`);

  const { stdout: token, code } = await passerelle(['token', 'marie.dupont', '--provider', 'ree'], startEnv);
  expect(code).toBe(0);
  const response = await fetch(`${reeUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` },
    body: JSON.stringify({
      query:
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { electoralRegistration { communeCode commune pollingStation since } } } }',
      variables: { r: [{ __typename: 'Citizen', id: 'dev-marie.dupont' }] },
    }),
  });
  expect(await response.json()).toEqual({
    data: {
      _entities: [
        { electoralRegistration: { communeCode: '30189', commune: 'Nîmes', pollingStation: 12, since: '2010-03-01' } },
      ],
    },
  });
  // The gateway composed the new provider into its supergraph and reaches it (the other providers are not started).
  const ready = (await (await fetch(`http://127.0.0.1:${ports.gateway}/health/ready`)).json()) as {
    checks: Record<string, { ok: boolean }>;
  };
  expect(ready.checks).toMatchObject({ supergraph: { ok: true }, 'provider:ree': { ok: true } });

  platform.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 120_000);
