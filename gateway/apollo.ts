import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../lib/log.ts';
import { CITIZEN_SUBGRAPH } from '../lib/federation/contract.ts';
import type { CapturedResult, ExchangeContext } from './exchange-context.ts';

/**
 * The Apollo side: `@apollo/gateway` on the supergraph composed ahead of time (never
 * introspection of the subgraphs), `citizen` served in-process, one data source per
 * provider; `@apollo/server` without introspection, landing page, batching or field
 * suggestions. Documents reach it only after the gateway's own checks.
 */
export interface ApolloSetup {
  gateway: ApolloGateway;
  server: ApolloServer<ExchangeContext>;
}

export interface ApolloOptions {
  supergraphSdl: string;
  citizen: GraphQLDataSource<ExchangeContext & Record<string, unknown>>;
  providerSource(name: string, url: string): GraphQLDataSource<ExchangeContext & Record<string, unknown>>;
  /** Called with the API schema and the supergraph SDL when the supergraph is loaded (and on any update). */
  onSchema(apiSchema: GraphQLSchema, supergraphSdl: string): void;
  logger: Logger;
}

export async function startApollo(options: ApolloOptions): Promise<ApolloSetup> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => (name === CITIZEN_SUBGRAPH ? options.citizen : options.providerSource(name, url!)),
    logger: options.logger,
  });
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => options.onSchema(apiSchema, coreSupergraphSdl));

  const server = new ApolloServer<ExchangeContext>({
    gateway,
    introspection: false,
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // `passerelle start` stops every component itself; Apollo's own handler would re-raise the signal and kill the process mid-stop.
    stopOnTerminationSignals: false,
    logger: options.logger,
    plugins: [ApolloServerPluginLandingPageDisabled(), captureResult],
  });
  await server.start();
  return { gateway, server };
}

/** Keeps the result in the exchange context so the exchange log can list the fields returned. */
const captureResult: ApolloServerPlugin<ExchangeContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single') {
          contextValue.captured.result = {
            data: response.body.singleResult.data as CapturedResult['data'],
            errors: response.body.singleResult.errors as CapturedResult['errors'],
          };
        }
      },
    };
  },
};
