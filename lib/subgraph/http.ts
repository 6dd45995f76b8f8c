import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Registry } from 'prom-client';
import { isPasserelleError, type PasserelleError } from '../errors/define.ts';
import type { Logger } from '../log.ts';
import type { ReportedContext } from './apollo.ts';
import type { ProviderClaims } from './claims.ts';
import { subgraphErrors } from './errors.ts';
import type { TokenVerifier } from './token-verifier.ts';
import { incomingContext, inSpan, SpanKind, tracingEnabled } from '../telemetry/tracing.ts';

/**
 * The HTTP face of a subgraph (plain node:http, no framework):
 *  - `POST /` and `POST /graphql`: GraphQL, after the internal token is verified —
 *    a bad token is a 401 with `WWW-Authenticate` and the GraphQL engine never runs;
 *  - `GET /health/live` (the process answers) and `GET /health/ready` (the database too);
 *  - `GET /metrics`: the process's default Prometheus metrics (lib/subgraph/metrics.ts), when given;
 *  - one structured log line per request, tagged with the request id (`x-request-id`
 *    from the gateway, else the token's `rid`, else a new one), echoed in the response.
 */
export interface SubgraphHttpOptions {
  name: string;
  apollo: ApolloServer<ReportedContext>;
  verifyToken: TokenVerifier;
  /** The GraphQL context of a verified request. */
  createContext(claims: ProviderClaims, requestId: string, logger: Logger): Omit<ReportedContext, 'report'>;
  checkReady(): Promise<void>;
  /** Served on `GET /metrics` when given. */
  metrics?: Registry;
  logger: Logger;
  maxBodyBytes?: number;
}

const GRAPHQL_PATHS = new Set(['/', '/graphql']);
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function createRequestHandler(
  options: SubgraphHttpOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const realm = `passerelle-dp:${options.name}`;

  const handle = async (req: IncomingMessage, res: ServerResponse, log: LogEntry): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/health/live' || path === '/health/ready') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendError(res, subgraphErrors.error('PROVIDER_METHOD_NOT_ALLOWED'), { allow: 'GET' });
      if (path === '/health/ready') {
        try {
          await options.checkReady();
        } catch (error) {
          options.logger.warn({ rid: log.rid, err: error }, 'readiness check failed');
          return sendError(res, subgraphErrors.error('PROVIDER_DATABASE_UNAVAILABLE'));
        }
      }
      return sendJson(res, 200, { status: 'ok', provider: options.name });
    }
    if (path === '/metrics' && options.metrics) {
      if (req.method !== 'GET')
        return sendError(res, subgraphErrors.error('PROVIDER_METHOD_NOT_ALLOWED'), { allow: 'GET' });
      const text = await options.metrics.metrics();
      res.writeHead(200, { 'content-type': options.metrics.contentType });
      res.end(text);
      return;
    }
    if (!GRAPHQL_PATHS.has(path)) return sendError(res, subgraphErrors.error('PROVIDER_NOT_FOUND'));
    if (req.method !== 'POST')
      return sendError(res, subgraphErrors.error('PROVIDER_METHOD_NOT_ALLOWED'), { allow: 'POST' });

    let claims: ProviderClaims;
    try {
      claims = tracingEnabled()
        ? await inSpan('subgraph', 'token.verify', {}, () => options.verifyToken(req.headers.authorization))
        : await options.verifyToken(req.headers.authorization);
    } catch (error) {
      if (!isPasserelleError(error)) throw error;
      if (error.code === 'PROVIDER_JWKS_UNAVAILABLE')
        options.logger.error({ rid: log.rid, err: error.cause }, 'cannot fetch the gateway JWKS');
      const challenge =
        error.status !== 401
          ? undefined
          : error.code === 'PROVIDER_TOKEN_MISSING'
            ? `Bearer realm="${realm}"`
            : `Bearer realm="${realm}", error="invalid_token", error_description="${error.message}"`;
      return sendError(res, error, challenge ? { 'www-authenticate': challenge } : {});
    }
    log.jti = claims.jti;
    log.client = claims.clientId;
    // A representative's request (docs/mandates.md): the mandate id is logged, never who.
    log.mandate = claims.actor?.mandateId;
    if (!log.fromHeader && claims.requestId && REQUEST_ID.test(claims.requestId)) {
      log.rid = claims.requestId;
      res.setHeader('x-request-id', log.rid);
    }

    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendError(res, subgraphErrors.error('PROVIDER_UNSUPPORTED_MEDIA_TYPE'));
    }
    const raw = await readBody(req, maxBodyBytes);
    if (raw === undefined)
      return sendError(res, subgraphErrors.error('PROVIDER_REQUEST_TOO_LARGE'), { connection: 'close' });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(res, subgraphErrors.error('PROVIDER_INVALID_JSON'));
    }

    const logger = options.logger.child({ rid: log.rid });
    const context: ReportedContext = { ...options.createContext(claims, log.rid, logger), report: { errorCodes: [] } };
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: async () => context,
    });
    log.queries = context.db.queryCount;
    log.errors = context.report.errorCodes;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  return (req, res) => {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const fromHeader = typeof header === 'string' && REQUEST_ID.test(header);
    const log: LogEntry = { rid: fromHeader ? header : randomUUID(), fromHeader };
    res.setHeader('x-request-id', log.rid);
    const traced = tracingEnabled() && GRAPHQL_PATHS.has((req.url ?? '/').split('?')[0]!);
    (traced ? tracedHandle(options.name, req, res, log, handle) : handle(req, res, log))
      .catch((error: unknown) => {
        options.logger.error({ rid: log.rid, err: error }, 'request failed');
        if (!res.headersSent) sendError(res, subgraphErrors.error('PROVIDER_INTERNAL_ERROR'));
        else res.destroy();
      })
      .finally(() => {
        const path = (req.url ?? '/').split('?')[0];
        if (path?.startsWith('/health') || path === '/metrics') return; // probes and scrapes would drown the log
        const { fromHeader: _, ...entry } = log;
        options.logger.info(
          {
            method: req.method,
            path,
            status: res.statusCode,
            ms: Math.round((performance.now() - started) * 10) / 10,
            ...entry,
          },
          'request',
        );
      });
  };
}

/** `handle` in a server span continuing the gateway's traceparent (tracing on only). */
function tracedHandle(
  provider: string,
  req: IncomingMessage,
  res: ServerResponse,
  log: LogEntry,
  handle: (req: IncomingMessage, res: ServerResponse, log: LogEntry) => Promise<void>,
): Promise<void> {
  return inSpan(
    'subgraph',
    'POST /graphql',
    { 'passerelle.provider': provider, 'http.request.method': req.method ?? '', 'url.path': '/graphql' },
    async (span) => {
      try {
        await handle(req, res, log);
      } finally {
        // The rid may come from the token, known only once verified.
        span?.setAttributes({
          'passerelle.request_id': log.rid,
          'http.response.status_code': res.statusCode,
          ...(log.client ? { 'passerelle.client_id': log.client } : {}),
          ...(log.errors?.length ? { 'passerelle.error_codes': log.errors } : {}),
        });
      }
    },
    { kind: SpanKind.SERVER, parent: incomingContext(req.headers) },
  );
}

/** What the request log line says, filled in as the request goes. */
interface LogEntry {
  /** The request id: `x-request-id`, else the token's `rid` once verified, else a new one. */
  rid: string;
  fromHeader: boolean;
  jti?: string | undefined;
  client?: string | undefined;
  /** Under a mandate, its id (a random identifier, no personal data). */
  mandate?: string | undefined;
  queries?: number;
  errors?: string[];
}

/** The body as text, or undefined when it exceeds the limit (the rest is discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: PasserelleError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, error.toJSON(), headers);
}
