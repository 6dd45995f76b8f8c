import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { startGateway, subgraphEndpoint } from '../gateway/index.ts';
import { loadGatewayKeys } from '../gateway/keys.ts';
import type { RunningComponent } from '../lib/component.ts';
import { loadPlatformConfig } from '../bin/config.ts';
import { openDatabase } from '../lib/db/database.ts';
import { composeContract } from '../lib/federation/compose.ts';
import { loadContract } from '../lib/federation/contract.ts';
import { createLogger } from '../lib/log.ts';
import { subgraphComponent } from '../lib/subgraph/start.ts';
import { startBareGateway, type BenchCitizen } from './bare-gateway.ts';

/**
 * One server process of the benchmark (each component in its own process, as in
 * production): `subgraph:<name>`, `gateway` or `bare`. The orchestrator (bench/run.ts)
 * forks it with a JSON spec in the file BENCH_SPEC_FILE and waits for `{ ready: url }` over IPC.
 */
export interface ServerSpec {
  role: string;
  databaseUrl: string;
  /** Configuration key overrides (`gateway.pivotToken.issuer`, `dataProviders.dgfip.url`, …). */
  overrides: Array<[string, unknown]>;
  /** Bare gateway only. */
  citizens?: BenchCitizen[];
  scopes?: Record<string, string[]>;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.env.BENCH_SPEC_FILE!, 'utf8')) as ServerSpec;
  const config = loadPlatformConfig({ env: {}, overrides: spec.overrides });
  // Buffered, asynchronous log writes, for every server alike (a write per line costs
  // ~0.3 ms on this machine's disk); flushed on exit.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8192 });
  const logger = createLogger(spec.role, 'info', destination);
  const database = await openDatabase({ databaseUrl: spec.databaseUrl });
  let running: RunningComponent;
  if (spec.role.startsWith('subgraph:')) {
    running = await subgraphComponent(spec.role.slice('subgraph:'.length))({ config, database, logger }, { port: 0 });
  } else if (spec.role === 'gateway') {
    running = await startGateway({ config, database, logger }, { port: 0 });
  } else if (spec.role === 'bare') {
    const providers = config.dataProviders.map((p) => ({
      name: p.name,
      url: subgraphEndpoint(p.url),
      audience: p.audience,
    }));
    running = await startBareGateway({
      supergraphSdl: composeContract(loadContract(config), Object.fromEntries(providers.map((p) => [p.name, p.url])))
        .supergraphSdl,
      providers,
      citizens: spec.citizens ?? [],
      keys: loadGatewayKeys(config),
      issuer: config.gateway.issuer,
      scopes: new Map(Object.entries(spec.scopes ?? {})),
      timeoutMs: config.gateway.providerTimeoutMs,
    });
  } else {
    throw new Error(`unknown role ${spec.role}`);
  }
  process.send?.({ ready: running.url });
  const stop = async () => {
    await running.close();
    await database.close();
    destination.flushSync();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
}

main().catch((error: Error) => {
  process.send?.({ error: error.message });
  console.error(error);
  process.exit(1);
});
