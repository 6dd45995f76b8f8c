import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import { loadPlatformConfig } from '../../../bin/config.ts';
import { loadGatewayKeys } from '../../../gateway/keys.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { startPivotIssuer, type PivotIssuer } from '../../../harness/pivot-issuer.ts';
import { freePort } from '../../../harness/ports.ts';
import { startComponent, type ComponentProcess } from '../../../harness/processes.ts';
import type { Pool } from '../../../lib/db/database.ts';
import { PivotIdentitySchema } from '../../../lib/contracts/pivot-identity.ts';
import { operationHash } from '../../../lib/federation/operation.ts';
import { SANDBOX_IDENTITIES } from '../../../sandbox/seed/identities.ts';

/**
 * The platform of the fault tests: every data provider and the gateway in processes of
 * their own (`passerelle start <name>`) on one database of the test's own (DATABASE_URL's
 * server, else an embedded PostgreSQL this process serves on a loopback port), the
 * gateway trusting a test pivot-token issuer, and DPoP-bound tokens for the sandbox
 * citizens' parking query.
 */
export const PARKING =
  'query Parking { me { taxAddress { cityCode city } vehicles { registrationNumber holderRole make model critAir } familyQuotient { value regime } } }';
const PARKING_SCOPES = [
  'ants_caracteristiques',
  'ants_critair',
  'ants_vehicules',
  'cnaf_quotient_familial',
  'dgfip_adresse_fiscale',
];
const AUDIENCE = 'http://gateway.faults.test/graphql';
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface FaultPlatform {
  database: TestDatabase;
  pool: Pool;
  issuer: PivotIssuer;
  providers: Record<string, ComponentProcess>;
  gateway: ComponentProcess;
  /** The providers' ports (to count the connections the gateway holds to them). */
  providerPorts: Record<string, number>;
  /** One DPoP-bound parking token per sandbox citizen with a valid pivot identity. */
  tokens: string[];
  logDir: string;
  /** `passerelle audit verify` as a process on the platform's database: its exit code and output. */
  auditVerify(): Promise<{ code: number | null; output: string }>;
  close(): Promise<void>;
}

/** `settings`: configuration overrides for every process; `database`: one of the test's own (default: a test database). */
export async function startFaultPlatform(
  settings: Record<string, unknown> = {},
  options: { database?: TestDatabase } = {},
): Promise<FaultPlatform> {
  const sandbox = loadPlatformConfig({ env: {} });
  const logDir = mkdtempSync(join(tmpdir(), 'passerelle-faults-'));
  const database = options.database ?? (await createTestDatabase());
  const pool = database.pool({ max: 2 });
  const issuer = await startPivotIssuer({
    gatewayJwks: loadGatewayKeys(sandbox).publicJwks as { keys: JWK[] },
    audience: AUDIENCE,
  });
  const started: ComponentProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((c) => c.stop()));
    await issuer.close();
    await pool.end();
    await database.drop();
  };
  try {
    const names = sandbox.dataProviders.map((p) => p.name);
    const providerPorts = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const)));
    const gatewayUrl = `http://127.0.0.1:${await freePort()}`;
    const all: Record<string, unknown> = {
      logLevel: 'warn',
      'gateway.url': gatewayUrl,
      'gateway.audience': AUDIENCE,
      'gateway.pivotToken.issuer': issuer.issuer,
      'gateway.pivotToken.jwksUri': issuer.jwksUri,
      // The load is one SP's: its quotas must never be what refuses it.
      'serviceProviders.parking-nimes.quotas.gatewayRequestsPerSecond': 1_000_000,
      ...Object.fromEntries(names.map((n) => [`dataProviders.${n}.url`, `http://127.0.0.1:${providerPorts[n]}`])),
      ...settings,
    };
    const env = { DATABASE_URL: database.url, ...environmentOf(all) };
    const providers: Record<string, ComponentProcess> = {};
    // The providers together (each migrates under its own lock), then the gateway that needs them.
    await Promise.all(
      names.map(async (name) => {
        providers[name] = await startComponent({
          name,
          url: `http://127.0.0.1:${providerPorts[name]}`,
          env,
          logDir,
        });
        started.push(providers[name]);
      }),
    );
    const gateway = await startComponent({ name: 'gateway', url: gatewayUrl, env, logDir });
    started.push(gateway);

    const tokens = await Promise.all(
      // The broker never issues for an identity that is not a valid pivot (the sandbox's `identite.invalide`).
      Object.entries(SANDBOX_IDENTITIES)
        .filter(([, pivot]) => PivotIdentitySchema.safeParse(pivot).success)
        .map(([login, pivot]) =>
          issuer
            .issue({
              accountId: login,
              pivot,
              acr: 'eidas1',
              ttlSeconds: 600,
              operations: [{ hash: operationHash(PARKING), operationName: 'Parking', scopes: PARKING_SCOPES }],
            })
            .then((t) => t.token),
        ),
    );
    return {
      database,
      pool,
      issuer,
      providers,
      gateway,
      providerPorts,
      tokens,
      logDir,
      auditVerify: () => runPasserelle(['audit', 'verify'], { DATABASE_URL: database.url }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `{ 'gateway.url': … }` → `{ PASSERELLE__gateway__url: … }` (a client id's `-` written `_`, docs/configuration.md). */
export function environmentOf(settings: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      `PASSERELLE__${key.replaceAll('-', '_').split('.').join('__')}`,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

/** Runs a `passerelle` command as a process; resolves with its exit code and output. */
export function runPasserelle(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin/passerelle.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}
