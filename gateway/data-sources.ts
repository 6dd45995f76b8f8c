import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { gatewayErrors, type GatewayErrorCode } from '../lib/contracts/gateway-errors.ts';
import { injectTraceContext, tracingEnabled } from '../lib/telemetry/tracing.ts';
import { dropReturnedKeys, toProviderKeys, type CitizenIds } from './citizen-keys.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;
type ResponseOptions = Parameters<NonNullable<RemoteGraphQLDataSource['didReceiveResponse']>>[0];

/**
 * How the gateway talks to one data provider: a RemoteGraphQLDataSource whose every
 * fetch carries a fresh internal token minted for that provider (`authorize`), the
 * request id, and a timeout; the `Citizen` key is the provider's own identifier for the
 * citizen both ways (gateway/citizen-keys.ts). A provider that is down, slow or answers an HTTP error
 * does not fail the whole request: its fetch returns a GraphQL error naming it, so
 * its fields are null and the other providers' data is still served.
 */
export interface ProviderCall {
  provider: string;
  ok: boolean;
  code?: GatewayErrorCode;
  seconds: number;
}

/** What a subgraph fetch needs to know about the request it serves. */
export interface FetchContext {
  requestId: string;
  providerCalls: ProviderCall[];
}

export interface ProviderDataSourceOptions<Context extends FetchContext> {
  name: string;
  url: string;
  timeoutMs: number;
  /** The request's citizen at the gateway and at this provider. */
  citizenIds(context: Context): CitizenIds;
  /** The `Authorization` header value for this provider and request, `providerId` its subject. */
  authorize(context: Context, providerId: string): Promise<string>;
  onCall?(call: ProviderCall): void;
}

/** Node's fetch (undici, keep-alive) with a per-fetch timeout. */
export function timeoutFetcher(timeoutMs: number): Fetcher {
  return ((url: string, init: RequestInit) =>
    fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
}

export class ProviderDataSource<Context extends FetchContext> extends RemoteGraphQLDataSource<Context> {
  private readonly options: ProviderDataSourceOptions<Context>;

  constructor(options: ProviderDataSourceOptions<Context>) {
    super({ url: options.url, fetcher: timeoutFetcher(options.timeoutMs), honorSubgraphCacheControlHeader: false });
    this.options = options;
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>): Promise<void> {
    const fetchContext = context as Context;
    const ids = this.options.citizenIds(fetchContext);
    request.variables = toProviderKeys(request.variables, ids);
    request.http!.headers.set('authorization', await this.options.authorize(fetchContext, ids.provider));
    request.http!.headers.set('x-request-id', fetchContext.requestId);
    // Apollo's fetch span is the active one here; its traceparent goes to the provider (not injected by Apollo itself).
    if (tracingEnabled()) injectTraceContext((name, value) => request.http!.headers.set(name, value));
  }

  override async didReceiveResponse({ response, request }: ResponseOptions): Promise<GatewayGraphQLResponse> {
    dropReturnedKeys(response.data, request.variables);
    return response as GatewayGraphQLResponse;
  }

  override async process(options: GraphQLDataSourceProcessOptions<Context>): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const call = (ok: boolean, code?: GatewayErrorCode) => {
      const entry: ProviderCall = {
        provider: this.options.name,
        ok,
        seconds: (performance.now() - started) / 1000,
        ...(code ? { code } : {}),
      };
      (options.context as Context).providerCalls?.push(entry);
      this.options.onCall?.(entry);
    };
    try {
      const response = await super.process(options);
      call(true);
      return response;
    } catch (error) {
      const { code, details } = classify(error, this.options.timeoutMs);
      call(false, code);
      const definition = gatewayErrors.errors[code];
      return {
        errors: [
          {
            message: `${definition.message.en} (provider: ${this.options.name})`,
            extensions: { code, provider: this.options.name, ...details },
          },
        ],
      } as unknown as GatewayGraphQLResponse;
    }
  }
}

function classify(error: unknown, timeoutMs: number): { code: GatewayErrorCode; details: Record<string, unknown> } {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return { code: 'DATA_PROVIDER_TIMEOUT', details: { timeoutMs } };
  const status = (error as { extensions?: { response?: { status?: number } } })?.extensions?.response?.status;
  if (typeof status === 'number') return { code: 'DATA_PROVIDER_ERROR', details: { status } };
  if (error instanceof SyntaxError || /Expected JSON response body/.test((error as Error)?.message ?? ''))
    return { code: 'DATA_PROVIDER_ERROR', details: { reason: 'unreadable response' } };
  return { code: 'DATA_PROVIDER_UNAVAILABLE', details: {} };
}
