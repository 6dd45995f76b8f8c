import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { componentRegistry } from '../../bin/components.ts';
import { PortTakenError, startPlatform, UnknownComponentError } from '../../bin/platform.ts';
import { loadPlatformConfig } from '../../bin/config.ts';
import { lockDataDir } from '../../lib/db/data-dir-lock.ts';
import { createLogger } from '../../lib/log.ts';
import { testConfig } from '../auth/support/broker.ts';
import { freePort } from '../../harness/ports.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';

/** `passerelle start`'s machinery: order, names, a taken port, the parking service's settings, the data folder lock. */
let database: TestDatabase;
const logger = createLogger('test', 'silent');

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

test('the registry starts providers and IdPs first, then the broker, the gateway, the sandbox services', () => {
  expect([...componentRegistry(testConfig()).keys()]).toEqual([
    ...PROVIDERS,
    'impots',
    'laposte',
    'ameli',
    'eidas',
    'broker',
    'gateway',
    'parking',
    'bank',
  ]);
  // Sandbox stand-ins only with a sandbox configuration.
  expect([...componentRegistry(testConfig([['sandbox', false]])).keys()]).toEqual([...PROVIDERS, 'broker', 'gateway']);
});

test('an unknown component is refused before anything starts', async () => {
  await expect(startPlatform({ config: testConfig(), database, logger }, ['brokr'])).rejects.toThrow(
    UnknownComponentError,
  );
  await expect(startPlatform({ config: testConfig(), database, logger }, ['brokr'])).rejects.toThrow(
    new RegExp(`unknown component\\(s\\): brokr; known: ${PROVIDERS[0]}, .*parking, bank`),
  );
});

test('a taken port names the component, the port and the setting that moves it; what started is stopped', async () => {
  const port = await freePort();
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
  try {
    const config = testConfig([
      ['broker.url', `http://localhost:${port}`],
      ['dataProviders.dgfip.url', `http://localhost:${await freePort()}`],
    ]);
    const error = await startPlatform({ config, database, logger }, ['dgfip', 'broker']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortTakenError);
    expect((error as Error).message).toBe(
      `broker cannot listen on port ${port}: the port is already in use (another program, or a Passerelle still running?). ` +
        'Stop what uses it, or move broker to another port: PASSERELLE__broker__url=http://localhost:<port>',
    );
    // dgfip, started first, was stopped: its port is free again.
    const dgfip = new URL(config.dataProviders.find((p) => p.name === 'dgfip')!.url);
    await new Promise<void>((resolve, reject) => {
      const probe = createServer()
        .once('error', reject)
        .listen(Number(dgfip.port), '127.0.0.1', () => probe.close(() => resolve()));
    });
  } finally {
    taken.close();
  }
}, 30000);

test('the parking service refuses to start with addresses its registration at the broker does not have', async () => {
  const config = testConfig([['parking.url', 'http://localhost:3300']]);
  await expect(startPlatform({ config, database, logger }, ['parking'])).rejects.toThrow(
    'parking: its redirect URI http://localhost:3300/callback is not registered at the broker (serviceProviders[parking-nimes].metadata.redirect_uris: http://localhost:3000/callback); ' +
      'change both together, e.g. PASSERELLE__serviceProviders__parking_nimes__metadata__redirect_uris=\'["http://localhost:3300/callback"]\'',
  );
  const otherDocument = testConfig([
    ['serviceProviders.parking-nimes.operations', { Parking: 'query Parking { me { taxAddress { city } } }' }],
  ]);
  await expect(startPlatform({ config: otherDocument, database, logger }, ['parking'])).rejects.toThrow(
    /operation registered as serviceProviders\[parking-nimes\]\.operations\.Parking is not sandbox\/parking\/parking\.graphql/,
  );
  const unregistered = testConfig([['parking.operationName', 'Permit']]);
  await expect(startPlatform({ config: unregistered, database, logger }, ['parking'])).rejects.toThrow(
    'parking: no operation Permit registered at the broker (serviceProviders[parking-nimes].operations); register sandbox/parking/parking.graphql under that name',
  );
});

test('the sandbox bank refuses to start unless its registration is private and agrees with it', async () => {
  const notPrivate = testConfig([['serviceProviders.banque-exemple.private', false]]);
  await expect(startPlatform({ config: notPrivate, database, logger }, ['bank'])).rejects.toThrow(
    'bank: a bank is a private company: its registration serviceProviders[banque-exemple] must say "private": true',
  );
  const otherDocument = testConfig([
    [
      'serviceProviders.banque-exemple.operations',
      { LoanApplication: 'query LoanApplication { me { taxAddress { city } } }' },
    ],
  ]);
  await expect(startPlatform({ config: otherDocument, database, logger }, ['bank'])).rejects.toThrow(
    /operation registered as serviceProviders\[banque-exemple\]\.operations\.LoanApplication is not sandbox\/bank\/loan-application\.graphql/,
  );
});

describe('the embedded data folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a folder held by a live process is refused, naming the process', () => {
    const release = lockDataDir(join(dir, 'pglite'));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      writeFileSync(join(dir, 'pglite.lock'), String(other.pid));
      expect(() => lockDataDir(join(dir, 'pglite'))).toThrow(new RegExp(`in use by process ${other.pid}`));
    } finally {
      other.kill();
    }
    release();
  });

  test('a lock left by a process that is gone is taken over', () => {
    writeFileSync(join(dir, 'pglite.lock'), '999999999');
    const release = lockDataDir(join(dir, 'pglite'));
    release();
    expect(() => lockDataDir(join(dir, 'pglite'))()).not.toThrow();
  });
});

test('the sandbox configuration holds the parking service docs/parking.md describes', () => {
  const parking = loadPlatformConfig({ env: {} }).parking!;
  expect([parking.url, parking.clientId, parking.operationName, parking.tariff.cityCode]).toEqual([
    'http://localhost:3000',
    'parking-nimes',
    'Parking',
    '30189',
  ]);
});

test('the sandbox configuration holds the bank docs/sandbox.md describes: private, eidas2, PAR, its own key', () => {
  const config = loadPlatformConfig({ env: {} });
  const bank = config.bank!;
  const registered = config.serviceProviders.find((sp) => sp.clientId === bank.clientId)!;
  expect([bank.url, bank.clientId, bank.operationName, bank.acr]).toEqual([
    'http://localhost:3001',
    'banque-exemple',
    'LoanApplication',
    'eidas2',
  ]);
  expect([registered.private, registered.requirePar, registered.defaultAcr, registered.jwks]).toEqual([
    true,
    true,
    'eidas2',
    { file: 'keys/banque-exemple.jwks.json' },
  ]);
  expect(registered.metadata.token_endpoint_auth_method).toBe('private_key_jwt');
});
