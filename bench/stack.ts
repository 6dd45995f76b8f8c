import type { Config } from '../lib/config/load.ts';
import { GATEWAY_AUDIENCE, GATEWAY_ISSUER } from './parking.ts';
import { startServer, type ServerProcess } from './processes.ts';

/**
 * The full stack of the benchmarks, one process per component: every data provider's
 * subgraph, then the gateway in front of them, trusting `pivotIssuer`'s tokens and
 * with the parking SP's quotas out of reach (one SP's load: they are counted, their
 * cost is measured, never reached).
 */
export interface Stack {
  subgraphs: ServerProcess[];
  gateway: ServerProcess;
  /** The overrides another gateway needs to reach the same subgraphs (bench/run.ts's bare one). */
  common: Array<[string, unknown]>;
  providerUrls: Array<[string, unknown]>;
}

export async function startStack(
  config: Config,
  options: {
    databaseUrl: string;
    jwksUri: string;
    pivotIssuer: { issuer: string; jwksUri: string };
    tokenCache: boolean;
    gatewayOverrides?: Array<[string, unknown]> | undefined;
    logDir: string;
  },
  started: ServerProcess[],
): Promise<Stack> {
  const common: Array<[string, unknown]> = [
    ['gateway.jwksUri', options.jwksUri],
    ['gateway.issuer', GATEWAY_ISSUER],
  ];
  const subgraphs: ServerProcess[] = [];
  for (const { name } of config.dataProviders) {
    const server = await startServer(
      { role: `subgraph:${name}`, databaseUrl: options.databaseUrl, overrides: common },
      options.logDir,
    );
    started.push(server);
    subgraphs.push(server);
  }
  const providerUrls: Array<[string, unknown]> = subgraphs.map((s) => [
    `dataProviders.${s.role.slice('subgraph:'.length)}.url`,
    s.url,
  ]);
  const gateway = await startServer(
    {
      role: 'gateway',
      databaseUrl: options.databaseUrl,
      overrides: [
        ...common,
        ...providerUrls,
        ['gateway.audience', GATEWAY_AUDIENCE],
        ['gateway.pivotToken.issuer', options.pivotIssuer.issuer],
        ['gateway.pivotToken.jwksUri', options.pivotIssuer.jwksUri],
        ['gateway.pivotToken.cacheSize', options.tokenCache ? 10_000 : 0],
        ['serviceProviders.parking-nimes.quotas.gatewayRequestsPerSecond', 1_000_000],
        ['serviceProviders.parking-nimes.quotas.gatewayRequestsPerDayPerOperation', 1_000_000_000],
        ...(options.gatewayOverrides ?? []),
      ],
    },
    options.logDir,
  );
  started.push(gateway);
  return { subgraphs, gateway, common, providerUrls };
}
