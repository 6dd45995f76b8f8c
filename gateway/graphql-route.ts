import type { ApolloServer } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Context as KoaContext } from 'koa';
import type { ScopeInfo } from '../lib/federation/compose.ts';
import type { PasserelleError } from '../lib/errors/define.ts';
import type { Logger } from '../lib/log.ts';
import type { OperationAnalyzer } from './analyzer.ts';
import { enforceConsent } from './consent.ts';
import { enforceMandateDomains, enforceMandateTime } from './mandate.ts';
import { enforceSubject } from './subject.ts';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import { returnedFields, returnedScopes, type ExchangeContext } from './exchange-context.ts';
import type { ExchangeEntry, ExchangeOutcome } from '../lib/contracts/exchange-event.ts';
import type { ExchangeRecorder } from './exchange-events.ts';
import { verifyDpopProof } from './dpop-proof.ts';
import type { DpopJtiStore } from './dpop-jti-store.ts';
import { asPasserelleError, dpopProofHeader, errorBody, presentedToken, wwwAuthenticate } from './http.ts';
import {
  CONNECTION_CLOSING_CODES,
  mediaTypeError,
  parseGraphQLBody,
  readBody,
  undeclaredVariablesError,
  variablesInvalidError,
} from './request-body.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { PivotTokenVerifier } from './pivot-token.ts';
import { GatewayQuotas } from './quotas.ts';
import type { RevocationList } from './revocation.ts';
import { tracingEnabled } from '../lib/telemetry/tracing.ts';
import { annotateExchange } from './tracing.ts';

/**
 * POST /graphql, in the order the checks cost: method, media type, body size,
 * batching, pivot token, DPoP proof of possession, revocation (and a mandate's end), the
 * SP's per-second quota, document (limits, validation), consent (and a mandate's
 * domains), the SP's daily quota of the
 * operation — every
 * refusal before Apollo, so a refused request reaches no provider. Then Apollo plans
 * and runs the operation. Whatever the outcome, the exchange is recorded in the
 * audit chain before the response leaves; if it cannot be, the data is withheld.
 */
export interface GraphQLRouteDeps {
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  verifier: PivotTokenVerifier;
  /** The URL a DPoP proof must name (`htu`): the gateway's public /graphql address. */
  graphqlUrl: () => string;
  dpopJtis: DpopJtiStore;
  revocations: RevocationList;
  analyzer: OperationAnalyzer;
  scopes: ReadonlyMap<string, ScopeInfo>;
  apollo: ApolloServer<ExchangeContext>;
  exchanges: ExchangeRecorder;
  quotas: GatewayQuotas;
  metrics: GatewayMetrics;
  logger: Logger;
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Set when the gateway refused the request itself. */
  refusedWith?: readonly PasserelleError[];
}

export function graphqlRoute(deps: GraphQLRouteDeps) {
  return async (ctx: KoaContext): Promise<void> => {
    const started = performance.now();
    const requestId = ctx.state.requestId as string;
    const entry: ExchangeEntry = {
      occurredAt: new Date(),
      requestId,
      providers: [],
      fields: [],
      scopes: [],
      outcome: 'refused',
      httpStatus: 0,
      errorCodes: [],
      durationMs: 0,
    };

    let reply: Reply;
    try {
      reply = await exchange(ctx, deps, entry);
    } catch (error) {
      const failure = asPasserelleError(error);
      if (failure.code === 'GATEWAY_INTERNAL_ERROR')
        deps.logger.error({ rid: requestId, err: (error as Error)?.message }, 'unexpected failure');
      reply = refusal([failure]);
    }
    if (reply.refusedWith) {
      entry.errorCodes = reply.refusedWith.map((e) => e.code);
      entry.outcome = reply.status >= 500 ? 'failed' : 'refused';
    }

    entry.httpStatus = reply.status;
    entry.durationMs = performance.now() - started;
    if (tracingEnabled()) annotateExchange(entry);
    try {
      await deps.exchanges.record(entry);
    } catch (error) {
      deps.logger.error(
        { rid: requestId, err: (error as Error).message },
        'exchange not recorded in the audit chain: response withheld',
      );
      reply = refusal([gatewayErrors.error('EXCHANGE_LOG_UNAVAILABLE')]);
      entry.outcome = 'failed';
      entry.errorCodes = ['EXCHANGE_LOG_UNAVAILABLE'];
    }

    const seconds = (performance.now() - started) / 1000;
    deps.metrics.requests.inc({ outcome: entry.outcome, status: String(reply.status) });
    deps.metrics.requestDuration.observe({ outcome: entry.outcome }, seconds);
    if (entry.outcome === 'refused' || entry.outcome === 'failed')
      for (const code of entry.errorCodes) deps.metrics.refusals.inc({ code });
    deps.logger.info(
      {
        rid: requestId,
        status: reply.status,
        outcome: entry.outcome,
        ms: Math.round(seconds * 1000),
        client_id: entry.clientId,
        operation: entry.operationName,
        providers: entry.providers,
        codes: entry.errorCodes,
        ...(entry.traceId ? { trace_id: entry.traceId } : {}),
      },
      'graphql exchange',
    );

    ctx.status = reply.status;
    ctx.set(reply.headers);
    ctx.set('x-request-id', requestId);
    ctx.body = reply.body;
  };
}

async function exchange(ctx: KoaContext, deps: GraphQLRouteDeps, entry: ExchangeEntry): Promise<Reply> {
  if (ctx.method !== 'POST') return refusal([gatewayErrors.error('REQUEST_METHOD_NOT_ALLOWED')], { allow: 'POST' });
  const unsupported = mediaTypeError(ctx.get('content-type'), Boolean(ctx.is('application/json')));
  if (unsupported) return refusal([unsupported]);
  const body = parseGraphQLBody(
    await readBody(ctx.req, { maxBytes: deps.maxBodyBytes, timeoutMs: deps.bodyTimeoutMs }),
  );
  entry.operationName = body.operationName;

  const presented = presentedToken(ctx.get('authorization') || undefined);
  const claims = await deps.verifier.verify(presented.token);
  Object.assign(entry, {
    clientId: claims.clientId,
    sub: claims.sub,
    citizenRef: claims.citizenRef,
    grantId: claims.grantId,
    acr: claims.acr,
    mandateId: claims.representation?.mandate.id,
    representativeRef: claims.representation?.actor.citizenRef,
    company: claims.company ? { siren: claims.company.siren, role: claims.company.role } : undefined,
  });
  // Every pivot token is bound to the SP's key: a copy without that key is refused.
  if (presented.scheme !== 'DPoP') throw gatewayErrors.error('PIVOT_TOKEN_BEARER_NOT_ALLOWED');
  await verifyDpopProof({
    proof: dpopProofHeader(ctx.get('dpop') || undefined),
    accessToken: presented.token,
    jkt: claims.jkt,
    htu: deps.graphqlUrl(),
    htm: 'POST',
    claimJti: (jti, expiresAt) => deps.dpopJtis.claim(jti, expiresAt),
  });
  if (deps.revocations.isStale()) throw gatewayErrors.error('REVOCATION_LIST_STALE');
  if (deps.revocations.isRevoked(claims.grantId)) throw gatewayErrors.error('GRANT_REVOKED');
  enforceMandateTime(claims.representation);
  const rate = await deps.quotas.request(claims.clientId);
  if (rate.refusal) return refusal([rate.refusal.error], rate.refusal.headers);

  if (!deps.analyzer.ready) throw gatewayErrors.error('GATEWAY_NOT_READY');
  const analyzed = deps.analyzer.analyze(body.query, body.operationName);
  if (!analyzed.ok) return refusal(analyzed.errors);
  const { analysis } = analyzed;
  Object.assign(entry, { operationHash: analysis.hash, operationName: analysis.operationName });
  const undeclared = undeclaredVariablesError(analysis.variables, body.variables);
  if (undeclared) return refusal([undeclared]);
  const consent = enforceConsent(analysis, claims, deps.scopes);
  enforceSubject(claims.company, consent.operation, deps.scopes);
  enforceMandateDomains(claims.representation, consent.operation, deps.scopes);
  const daily = await deps.quotas.operation(claims.clientId, analysis);
  if (daily.refusal) return refusal([daily.refusal.error], daily.refusal.headers);

  const context: ExchangeContext = {
    requestId: entry.requestId,
    subject: claims.sub,
    company: claims.company ? { siren: claims.company.siren } : undefined,
    claims,
    analysis,
    scopesByProvider: consent.scopesByProvider,
    providerCalls: [],
    captured: {},
  };
  const response = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: 'POST',
      headers: new HeaderMap([['content-type', 'application/json']]),
      search: '',
      body: { query: body.query, operationName: body.operationName, variables: body.variables },
    },
    context: async () => context,
  });
  if (response.body.kind !== 'complete') throw new Error('incremental delivery is not supported');

  const status = response.status ?? 200;
  const errors = context.captured.result?.errors ?? [];
  const invalidVariables = variablesInvalidError(status, errors);
  if (invalidVariables) return refusal([invalidVariables]);
  entry.providers = [...new Set(context.providerCalls.map((c) => c.provider))].sort();
  entry.fields = returnedFields(context.captured.result?.data, analysis.fields);
  entry.scopes = returnedScopes(analysis.fields, entry.fields, consent.scopesByProvider);
  entry.errorCodes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'GRAPHQL_ERROR')))];
  entry.outcome = outcomeOf(status, errors.length > 0);
  const headers: Record<string, string> = GatewayQuotas.headers(rate, daily);
  for (const [name, value] of response.headers) headers[name] = value;
  return { status, body: response.body.string, headers };
}

function outcomeOf(status: number, hasErrors: boolean): ExchangeOutcome {
  if (status >= 500) return 'failed';
  if (status >= 400) return 'refused';
  return hasErrors ? 'partial' : 'success';
}

function refusal(errors: readonly PasserelleError[], extraHeaders: Record<string, string> = {}): Reply {
  const first = errors[0]!;
  const challenge = wwwAuthenticate(first);
  return {
    status: first.status,
    body: errorBody(errors),
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(challenge ? { 'www-authenticate': challenge } : {}),
      ...(CONNECTION_CLOSING_CODES.has(first.code) ? { connection: 'close' } : {}),
      ...extraHeaders,
    },
    refusedWith: errors,
  };
}
