import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import os from 'node:os';
import type { JWK } from 'jose';
import { loadGatewayKeys } from '../gateway/keys.ts';
import { ProviderTokenMinter } from '../gateway/provider-token.ts';
import { loadPlatformConfig } from '../bin/config.ts';
import { providerFolders } from '../lib/federation/provider-folders.ts';
import { operationHash } from '../lib/federation/operation.ts';
import { startPivotIssuer, type PivotIssuer } from '../harness/pivot-issuer.ts';
import { ensureRegistries, openBenchDatabase, type SeedReport } from './database.ts';
import { runLoad, type LoadResult } from './load.ts';
import {
  countExchanges,
  GATEWAY_AUDIENCE,
  GATEWAY_ISSUER,
  PARKING_OPERATION,
  parkingScopes,
  sampleCitizens,
  serveJwks,
  type SampledCitizen,
} from './parking.ts';
import { startServer, type ServerProcess } from './processes.ts';
import { startStack } from './stack.ts';

/**
 * `npm run bench`: the parking operation (tax address + vehicles + family quotient)
 * through the full stack (pivot token, consent, per-provider tokens, three subgraphs
 * on PostgreSQL, audit chain) and through a bare @apollo/gateway on the same
 * subgraphs (bench/bare-gateway.ts), alternately, at the same fixed concurrency; then
 * one subgraph called directly. Every component runs in its own process; the load
 * generator (autocannon) runs here. 127.0.0.1 only, bounded in time.
 */
export { PARKING_OPERATION } from './parking.ts';

export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Synthetic citizens each registry must hold. */
  citizens: number;
  /** Citizens the requests rotate over (one pivot token each). */
  sample: number;
  rounds: number;
  tokenCache: boolean;
  databaseUrl?: string | undefined;
  serverUrl?: string | undefined;
  logDir: string;
  /** Extra configuration overrides for the full gateway (`--set gateway.audit.maxBatchSize=100`). */
  gatewayOverrides?: Array<[string, unknown]>;
}

export interface BenchReport {
  environment: Record<string, string | number>;
  seed: SeedReport;
  bare: LoadResult;
  full: LoadResult;
  direct: LoadResult;
  rounds: Array<{ bare: LoadResult; full: LoadResult }>;
  throughputRatio: number;
  p99Ratio: number;
  exchangeEvents: number;
  fullRequests: number;
  /** Audit-chain transactions of the gateway during the full-stack runs: events per transaction and mean duration (ms), from its metrics. */
  auditWrites: { inserts: number; rowsPerInsert: number; meanMs: number };
  /** One-row INSERT + COMMIT on an idle connection before the runs (ms, median of 50): the disk's durable-commit latency. */
  commitLatencyMs: number;
}

export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const database = await openBenchDatabase(options);
  const servers: ServerProcess[] = [];
  let jwksServer: Server | undefined;
  let issuer: PivotIssuer | undefined;
  try {
    const config = loadPlatformConfig({ env: {} });
    const providers = config.dataProviders.map((p) => p.name);
    const seed = await ensureRegistries(database, providerFolders(config), options.citizens, log);
    const households = Math.min(
      ...providers.map((p) => seed.registries.find((r) => r.provider === p)?.households ?? 0),
    );
    if (!households) throw new Error('the registries hold no synthetic household');

    const keys = loadGatewayKeys(config);
    const jwks = await serveJwks({ keys: keys.publicJwks.keys });
    jwksServer = jwks.server;
    const jwksUri = jwks.jwksUri;
    issuer = await startPivotIssuer({ gatewayJwks: keys.publicJwks as { keys: JWK[] }, audience: GATEWAY_AUDIENCE });

    const { scopes, scopesByProvider } = parkingScopes(config);

    log(
      `sampling ${options.sample} citizens among ${households.toLocaleString('en')} households, issuing their pivot tokens…`,
    );
    const citizens = sampleCitizens(issuer, households, options.sample);
    const tokens = await Promise.all(
      citizens.map((c) =>
        issuer!
          .issue({
            accountId: c.accountId,
            pivot: c.pivot,
            acr: 'eidas1',
            ttlSeconds: 600,
            operations: [{ hash: operationHash(PARKING_OPERATION), operationName: 'Parking', scopes }],
          })
          .then((t) => t.token),
      ),
    );

    const { gateway, common, providerUrls } = await startStack(
      config,
      {
        databaseUrl: database.url,
        jwksUri,
        pivotIssuer: issuer,
        tokenCache: options.tokenCache,
        gatewayOverrides: options.gatewayOverrides,
        logDir: options.logDir,
      },
      servers,
    );
    const bare = await startServer(
      {
        role: 'bare',
        databaseUrl: database.url,
        overrides: [...common, ...providerUrls],
        citizens: citizens.map((c) => ({ sub: c.sub, pivot: c.pivot })),
        scopes: scopesByProvider,
      },
      options.logDir,
    );
    servers.push(bare);

    const body = JSON.stringify({ query: PARKING_OPERATION, operationName: 'Parking' });
    // As an SP does: the DPoP-bound token and a fresh proof of its key on every request.
    const htu = `${gateway.url}/graphql`;
    const fullRequest = (i: number) => {
      const token = tokens[i % tokens.length]!;
      const proof = issuer!.dpopKeyFor(token)!.proof({ htm: 'POST', htu, accessToken: token });
      return { headers: { authorization: `DPoP ${token}`, dpop: proof }, body };
    };
    const bareRequest = (i: number) => ({ headers: { 'x-bench-citizen': String(i % citizens.length) }, body });
    const known = await checkSameAnswers(
      `${gateway.url}/graphql`,
      `${bare.url}/graphql`,
      fullRequest,
      bareRequest,
      Math.min(50, citizens.length),
    );
    log(
      `full and bare answer the same data for ${known.checked} sampled citizens (known to the registries: ${known.taxAddress} tax addresses, ${known.vehicles} vehicle lists, ${known.familyQuotient} family quotients)`,
    );
    if (!known.taxAddress)
      throw new Error(
        'the registries know none of the sampled citizens: were they seeded by another version of the generator? Drop the passerelle_bench database and run again',
      );

    // Each run also measures the CPU each server process spent per request.
    const load = async (
      name: string,
      url: string,
      next: (i: number) => { headers: Record<string, string>; body: string },
      seconds = options.durationSeconds,
    ) => {
      const before = servers.map((s) => s.cpuSeconds());
      const result = await runLoad({ name, url, connections: options.connections, durationSeconds: seconds, next });
      result.cpuPerRequest = Object.fromEntries(
        servers
          .map((s, i) => [s.role, ((s.cpuSeconds() - before[i]!) * 1000) / Math.max(1, result.requests)])
          .filter(([, ms]) => (ms as number) > 0.01),
      );
      return result;
    };
    log(`warming up (${options.warmupSeconds} s each)…`);
    await load('warm-up bare', `${bare.url}/graphql`, bareRequest, options.warmupSeconds);
    await load('warm-up full', `${gateway.url}/graphql`, fullRequest, options.warmupSeconds);

    const commitLatencyMs = await measureCommitLatency(database);
    const metricsBefore = await (await fetch(`${gateway.url}/metrics`)).text();
    const fullStarted = new Date();
    const rounds: BenchReport['rounds'] = [];
    for (let round = 1; round <= options.rounds; round++) {
      log(
        `round ${round}/${options.rounds}: bare gateway, then full stack (${options.durationSeconds} s each, ${options.connections} connections)…`,
      );
      const bareResult = await load('bare gateway', `${bare.url}/graphql`, bareRequest);
      const fullResult = await load('full stack', `${gateway.url}/graphql`, fullRequest);
      rounds.push({ bare: bareResult, full: fullResult });
    }
    const exchangeEvents = await countExchanges(database, fullStarted);
    // The gateway's own view (audit write times, provider latencies), kept with the logs.
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    writeFileSync(join(options.logDir, 'gateway-metrics.txt'), metrics);

    log(`direct call to the dgfip subgraph (${options.durationSeconds} s)…`);
    const direct = await directLoad(
      servers.find((s) => s.role === 'subgraph:dgfip')!.url,
      keys,
      citizens,
      scopesByProvider.dgfip ?? [],
      load,
    );

    const bareMean = mean(
      rounds.map((r) => r.bare),
      'bare gateway',
    );
    const fullMean = mean(
      rounds.map((r) => r.full),
      'full stack',
    );
    return {
      environment: await environment(database.url),
      seed,
      bare: bareMean,
      full: fullMean,
      direct,
      rounds,
      throughputRatio: fullMean.requestsPerSecond / bareMean.requestsPerSecond,
      p99Ratio: fullMean.p99 / bareMean.p99,
      exchangeEvents,
      fullRequests: rounds.reduce((n, r) => n + r.full.requests, 0),
      auditWrites: auditWrites(metricsBefore, metrics),
      commitLatencyMs,
    };
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await issuer?.close();
    jwksServer?.closeAllConnections();
    jwksServer?.close();
    await database.close();
  }
}

/** Both paths must give the same data, without errors; and the sampled citizens must be known (else the bench measures empty answers). */
async function checkSameAnswers(
  fullUrl: string,
  bareUrl: string,
  full: (i: number) => { headers: Record<string, string>; body: string },
  bare: (i: number) => { headers: Record<string, string>; body: string },
  count: number,
) {
  type Me = { taxAddress: unknown; vehicles: unknown; familyQuotient: unknown };
  const ask = async (url: string, request: { headers: Record<string, string>; body: string }) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
    });
    return { status: response.status, json: (await response.json()) as { data?: { me: Me }; errors?: unknown[] } };
  };
  const known = { checked: count, taxAddress: 0, vehicles: 0, familyQuotient: 0 };
  for (let i = 0; i < count; i++) {
    const [a, b] = await Promise.all([ask(fullUrl, full(i)), ask(bareUrl, bare(i))]);
    if (a.status !== 200 || a.json.errors)
      throw new Error(`full stack answered ${a.status} ${JSON.stringify(a.json.errors)}`);
    if (b.status !== 200 || b.json.errors)
      throw new Error(`bare gateway answered ${b.status} ${JSON.stringify(b.json.errors)}`);
    if (JSON.stringify(a.json.data) !== JSON.stringify(b.json.data))
      throw new Error(`full and bare disagree for citizen ${i}`);
    const me = a.json.data!.me;
    if (me.taxAddress) known.taxAddress++;
    if (me.vehicles) known.vehicles++;
    if (me.familyQuotient) known.familyQuotient++;
  }
  return known;
}

async function directLoad(
  url: string,
  keys: ReturnType<typeof loadGatewayKeys>,
  citizens: readonly SampledCitizen[],
  scopes: string[],
  load: (
    name: string,
    url: string,
    next: (i: number) => { headers: Record<string, string>; body: string },
  ) => Promise<LoadResult>,
): Promise<LoadResult> {
  const minter = new ProviderTokenMinter({
    issuer: GATEWAY_ISSUER,
    kid: keys.signing.kid,
    key: keys.signing.key,
    ttlSeconds: 120,
  });
  const mint = () =>
    Promise.all(
      citizens.map((c, i) =>
        minter.mint({
          audience: 'urn:passerelle:dp:dgfip',
          sub: c.sub,
          pivot: c.pivot,
          scopes,
          acr: 'eidas1',
          clientId: 'bench-direct',
          requestId: `direct-${i}`,
        }),
      ),
    );
  let tokens = await mint();
  const refresh = setInterval(() => {
    void mint().then((fresh) => {
      tokens = fresh;
    });
  }, 60_000);
  try {
    const query =
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { taxAddress { cityCode } } } }';
    return await load('direct subgraph (dgfip)', `${url}/graphql`, (i) => ({
      headers: { authorization: `Bearer ${tokens[i % tokens.length]}` },
      body: JSON.stringify({
        query,
        variables: { representations: [{ __typename: 'Citizen', id: citizens[i % citizens.length]!.sub }] },
      }),
    }));
  } finally {
    clearInterval(refresh);
  }
}

/** The median duration of a durable one-row INSERT on this database server, before the load. */
async function measureCommitLatency(database: Awaited<ReturnType<typeof openBenchDatabase>>): Promise<number> {
  const pool = database.pool({ max: 1 });
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS public.bench_commit_probe (at timestamptz)');
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await pool.query('INSERT INTO public.bench_commit_probe VALUES (now())');
      times.push(performance.now() - started);
    }
    await pool.query('DROP TABLE public.bench_commit_probe');
    return times.sort((a, b) => a - b)[25]!;
  } finally {
    await pool.end();
  }
}

/** Audit-chain transactions, events and duration between two scrapes of the gateway's metrics. */
function auditWrites(before: string, after: string): BenchReport['auditWrites'] {
  const read = (text: string, name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
  const delta = (name: string) => read(after, name) - read(before, name);
  const inserts = delta('passerelle_gateway_audit_write_seconds_count');
  return {
    inserts,
    rowsPerInsert: inserts ? delta('passerelle_gateway_audit_batch_events_sum') / inserts : 0,
    meanMs: inserts ? (delta('passerelle_gateway_audit_write_seconds_sum') * 1000) / inserts : 0,
  };
}

function mean(results: LoadResult[], name: string): LoadResult {
  const avg = (pick: (r: LoadResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
  const sum = (pick: (r: LoadResult) => number) => results.reduce((s, r) => s + pick(r), 0);
  const roles = [...new Set(results.flatMap((r) => Object.keys(r.cpuPerRequest ?? {})))];
  return {
    name,
    requestsPerSecond: avg((r) => r.requestsPerSecond),
    p50: avg((r) => r.p50),
    p90: avg((r) => r.p90),
    p99: avg((r) => r.p99),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    cpuPerRequest: Object.fromEntries(roles.map((role) => [role, avg((r) => r.cpuPerRequest?.[role] ?? 0)])),
  };
}

async function environment(databaseUrl: string): Promise<Record<string, string | number>> {
  const client = new (await import('pg')).default.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      node: process.version,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? '?',
      postgres: rows[0]!.server_version,
    };
  } finally {
    await client.end();
  }
}
