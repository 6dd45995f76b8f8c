import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { timeoutFetcher } from '../gateway/data-sources.ts';
import { ProviderTokenMinter } from '../gateway/provider-token.ts';
import type { RunningComponent } from '../lib/component.ts';
import { CITIZEN_SDL, CITIZEN_SUBGRAPH } from '../lib/federation/contract.ts';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';
import type { GatewayKeys } from '../gateway/keys.ts';

/**
 * The baseline of the benchmark: a bare `@apollo/gateway` on the same supergraph and
 * the same subgraphs, with no authorization at all — no pivot token, no consent
 * check, no per-request token minting, no exchange log. The subgraphs still require an
 * internal token, so the bare gateway attaches a pre-minted one per citizen and
 * provider (re-minted in the background every 60 s, their lifetime being capped at
 * 120 s by the providers): the providers' own verification is paid on both paths,
 * the gateway's minting only on the full one. The citizen of a request is chosen by
 * the `x-bench-citizen` header (an index in `citizens`).
 */
export interface BenchCitizen {
  sub: string;
  pivot: PivotIdentity;
}

interface BareContext {
  citizen: number;
  [key: string]: unknown;
}

export async function startBareGateway(options: {
  supergraphSdl: string;
  providers: ReadonlyArray<{ name: string; url: string; audience: string }>;
  citizens: readonly BenchCitizen[];
  keys: GatewayKeys;
  issuer: string;
  scopes: ReadonlyMap<string, readonly string[]>;
  timeoutMs: number;
  port?: number;
}): Promise<RunningComponent> {
  const minter = new ProviderTokenMinter({
    issuer: options.issuer,
    kid: options.keys.signing.kid,
    key: options.keys.signing.key,
    ttlSeconds: 120,
  });
  let tokens = new Map<string, string[]>();
  const mintAll = async () => {
    tokens = new Map(
      await Promise.all(
        options.providers.map(
          async (p) =>
            [
              p.name,
              await Promise.all(
                options.citizens.map(
                  async (c, i) =>
                    `Bearer ${await minter.mint({
                      audience: p.audience,
                      sub: c.sub,
                      pivot: c.pivot,
                      scopes: options.scopes.get(p.name) ?? [],
                      acr: 'eidas1',
                      clientId: 'bench-bare',
                      requestId: `bare-${i}`,
                    })}`,
                ),
              ),
            ] as const,
        ),
      ),
    );
  };
  await mintAll();
  const refresh = setInterval(() => void mintAll(), 60_000);
  refresh.unref();

  const citizenSchema = buildSubgraphSchema([
    {
      typeDefs: parse(CITIZEN_SDL),
      resolvers: {
        Query: {
          me: (_root: unknown, _args: unknown, context: BareContext) => ({
            id: options.citizens[context.citizen]!.sub,
          }),
        },
        Citizen: { __resolveReference: (reference: { id: string }) => reference },
      } as never,
    },
  ]);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      if (name === CITIZEN_SUBGRAPH) return new LocalGraphQLDataSource(citizenSchema);
      return new RemoteGraphQLDataSource<BareContext>({
        url: options.providers.find((p) => p.name === name)?.url ?? url!,
        fetcher: timeoutFetcher(options.timeoutMs),
        honorSubgraphCacheControlHeader: false,
        willSendRequest({ request, context }) {
          request.http!.headers.set('authorization', tokens.get(name)![(context as BareContext).citizen]!);
        },
      });
    },
  });
  const apollo = new ApolloServer<BareContext>({ gateway, introspection: false });
  await apollo.start();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const citizen = Number(req.headers['x-bench-citizen'] ?? 0) % options.citizens.length;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method ?? 'POST',
        headers,
        search: '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      },
      context: async () => ({ citizen }),
    });
    res.statusCode = response.status ?? 200;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.end(response.body.kind === 'complete' ? response.body.string : '');
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    name: 'bare-gateway',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      clearInterval(refresh);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
    },
  };
}
