import { importJWK, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import { resolveOperationRequest } from '../auth/authorization-details/graphql-operation.ts';
import { loadBrokerContract } from '../auth/authorization-details/operation-schema.ts';
import { connect, finishSignIn, queryGateway, startSignIn } from '../docs/examples/service-provider.ts';
import { loadPlatformConfig } from '../bin/config.ts';
import { sandboxSpKey } from '../harness/sandbox-keys.ts';
import { Citizen, consentPage } from '../harness/citizen.ts';
import { startTestPlatform } from '../harness/platform.ts';

/**
 * What consent per query costs, on this machine, with the whole platform in one process
 * (embedded PostgreSQL unless DATABASE_URL is set):
 * - the broker's check of a requested operation (analysis + entitlement), per request;
 * - one citizen journey, phase by phase, as the service provider of docs/service-providers.md runs it
 *   (PAR + sign-in at an IdP + consent page; decision; code exchange; gateway query);
 * - how long after a revocation at /revoke the gateway refuses the token.
 * Run: npx tsx bench/consent-journey.ts [journeys=20]
 */
const journeys = Number(process.argv[2] ?? 20);
const PURPOSE = 'Calculer le tarif de votre abonnement';

const config = loadPlatformConfig({ env: {} });
const contract = loadBrokerContract(config);
const parking = config.serviceProviders.find((sp) => sp.clientId === 'parking-nimes')!;
const checkIterations = 2000;
let started = performance.now();
for (let i = 0; i < checkIterations; i++) {
  resolveOperationRequest(
    { type: 'graphql_operation', operation_name: 'Parking', purpose: PURPOSE },
    {
      operations: contract.operations,
      serviceProvider: parking,
      acr: 'eidas1',
      gatewayAudience: 'http://localhost:4001',
    },
  );
}
const checkMicros = ((performance.now() - started) / checkIterations) * 1000;

const platform = await startTestPlatform();
try {
  const broker = await connect(
    platform.issuer,
    'parking-nimes',
    (await importJWK(sandboxSpKey('parking-nimes'), 'ES256')) as CryptoKey,
    { sandbox: true },
  );
  const document = platform.config.serviceProviders.find((sp) => sp.clientId === 'parking-nimes')!.operations.Parking!;
  const phases: Record<string, number[]> = {
    'PAR + sign-in + consent page': [],
    'consent decision (allow)': [],
    'code exchange (pivot token)': [],
    'gateway query (3 providers)': [],
    'revocation seen by the gateway': [],
  };
  const time = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await work();
    phases[phase]!.push(performance.now() - t0);
    return result;
  };
  for (let i = 0; i < journeys; i++) {
    const citizen = new Citizen(platform);
    const { page, checks, dpop } = await time('PAR + sign-in + consent page', async () => {
      const { url, checks, dpop } = await startSignIn(broker, {
        redirectUri: 'http://localhost:3000/callback',
        operationName: 'Parking',
        purpose: PURPOSE,
      });
      return { page: consentPage(await citizen.signIn(url, { login: 'marie.dupont', idp: 'impots' })), checks, dpop };
    });
    const callback = await time('consent decision (allow)', () => citizen.decide(page, 'allow'));
    const { accessToken } = await time('code exchange (pivot token)', () =>
      finishSignIn(broker, callback.url, checks, dpop),
    );
    const result = await time('gateway query (3 providers)', () =>
      queryGateway(broker, dpop, platform.graphqlUrl, accessToken, document, 'Parking'),
    );
    if (result.status !== 200) throw new Error(`gateway answered ${result.status}`);
    if (i % 4 === 0) {
      await oidc.tokenRevocation(broker, accessToken);
      await time('revocation seen by the gateway', async () => {
        while ((await queryGateway(broker, dpop, platform.graphqlUrl, accessToken, '{ me { id } }', '')).status !== 401)
          await new Promise((r) => setTimeout(r, 20));
      });
    }
  }
  const row = (name: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
    return `| ${name} | ${values.length} | ${at(0.5)} | ${at(0.9)} | ${sorted.at(-1)!.toFixed(1)} |`;
  };
  console.log(`database: ${platform.database.embedded ? 'embedded PostgreSQL (PGlite)' : 'PostgreSQL (DATABASE_URL)'}`);
  console.log(`broker check of a requested operation (Parking): ${checkMicros.toFixed(0)} µs per request`);
  console.log('| phase | n | median ms | p90 ms | max ms |\n|---|---|---|---|---|');
  for (const [name, values] of Object.entries(phases)) console.log(row(name, values));
} finally {
  await platform.close();
}
