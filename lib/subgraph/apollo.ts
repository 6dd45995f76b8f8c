import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { isPasserelleError } from '../errors/define.ts';
import { subgraphErrors } from './errors.ts';
import type { SubgraphContext } from './provider.ts';

/**
 * The GraphQL engine of a subgraph: Apollo Server over the provider schema, driven by
 * our own HTTP layer (http.ts) through `executeHTTPGraphQLRequest`. No landing page,
 * no inline traces, no persisted queries, no stack traces; unexpected errors are
 * logged with the request id and answered as `PROVIDER_INTERNAL_ERROR` without detail.
 */
export interface RequestReport {
  /** Codes of the GraphQL errors of the response, for the request log. */
  errorCodes: string[];
}

export type ReportedContext = SubgraphContext & { report: RequestReport };

export function createApolloServer(schema: GraphQLSchema): ApolloServer<ReportedContext> {
  return new ApolloServer<ReportedContext>({
    schema,
    introspection: false,
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // `passerelle start` stops every component itself; Apollo's own handler would re-raise the signal and kill the process mid-stop.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), reportPlugin],
    formatError,
  });
}

function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const where = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (isPasserelleError(original)) {
    return { message: original.message, ...where, extensions: { code: original.code, ...original.details } };
  }
  if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
    return {
      message: subgraphErrors.errors.PROVIDER_INTERNAL_ERROR.message.en,
      ...where,
      extensions: { code: 'PROVIDER_INTERNAL_ERROR' },
    };
  }
  return formatted;
}

/** Logs unexpected resolver failures and collects the error codes for the request log. */
const reportPlugin: ApolloServerPlugin<ReportedContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          const original = unwrapResolverError(error);
          const code = isPasserelleError(original)
            ? original.code
            : String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
          contextValue.report.errorCodes.push(code === 'INTERNAL_SERVER_ERROR' ? 'PROVIDER_INTERNAL_ERROR' : code);
          if (code === 'INTERNAL_SERVER_ERROR') {
            contextValue.logger.error({ err: original, path: error.path?.join('.') }, 'resolver failed');
          }
        }
      },
    };
  },
};
