import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../lib/config/load.ts';
import type { Database } from '../lib/db/database.ts';
import { composeContract } from '../lib/federation/compose.ts';
import { loadContract } from '../lib/federation/contract.ts';
import { analyzeOperation, operationSchemaFromSupergraph } from '../lib/federation/operation.ts';
import { syntheticHousehold } from '../sandbox/seed/households.ts';
import type { PivotIssuer } from '../harness/pivot-issuer.ts';
import type { BenchCitizen } from './bare-gateway.ts';

/**
 * What the benchmarks (bench/run.ts, bench/soak.ts) share about their load: the parking
 * operation and the scopes it needs, the sampled citizens, the gateway's keys served on a
 * loopback port, and the exchange events the audit chain holds for the parking SP.
 */
export const PARKING_OPERATION =
  'query Parking { me { taxAddress { cityCode city } vehicles { registrationNumber holderRole make model critAir } familyQuotient { value regime } } }';
export const GATEWAY_ISSUER = 'http://gateway.bench.invalid';
export const GATEWAY_AUDIENCE = 'http://gateway.bench.invalid/graphql';

/** The parking operation's scopes, all and by provider. */
export function parkingScopes(config: Config): { scopes: string[]; scopesByProvider: Record<string, string[]> } {
  const composed = composeContract(loadContract(config));
  const analyzed = analyzeOperation(
    PARKING_OPERATION,
    'Parking',
    operationSchemaFromSupergraph(composed.supergraphSdl, composed.scopes),
  );
  if (!analyzed.ok) throw new Error('the parking operation does not analyse');
  const scopes = [...analyzed.analysis.neededScopes];
  const scopesByProvider: Record<string, string[]> = {};
  for (const scope of scopes) (scopesByProvider[composed.scopes.get(scope)!.provider] ??= []).push(scope);
  return { scopes, scopesByProvider };
}

export interface SampledCitizen extends BenchCitizen {
  accountId: string;
}

/** Random households (a fixed seed: runs compare), each one's first adult as it would sign in. */
export function sampleCitizens(issuer: PivotIssuer, households: number, count: number): SampledCitizen[] {
  let state = 0x2545f491;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const picked = new Set<number>();
  while (picked.size < Math.min(count, households)) picked.add(Math.floor(random() * households));
  return [...picked].map((index) => {
    const accountId = `bench-${index}`;
    return { accountId, sub: issuer.pairwiseSubject(accountId), pivot: syntheticHousehold(index).adults[0]!.pivot };
  });
}

/** `gateway.exchange` events of the parking SP recorded since `since`. */
export async function countExchanges(database: Database, since: Date): Promise<number> {
  const pool = database.pool({ max: 1 });
  try {
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit.events WHERE kind = 'gateway.exchange' AND occurred_at >= $1 AND client_id = 'parking-nimes'",
      [since],
    );
    return rows[0]!.n;
  } finally {
    await pool.end();
  }
}

/** The gateway's public keys on a loopback port (the subgraphs fetch them): the server and its JWKS URI. */
export async function serveJwks(keys: { keys: unknown[] }): Promise<{ server: Server; jwksUri: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(keys));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json` };
}
