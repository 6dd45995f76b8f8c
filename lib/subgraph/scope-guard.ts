import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import { reachesAcr, type AcrLevel } from '../contracts/eidas.ts';
import type { ScopeMap } from '../federation/scope-map.ts';
import { subgraphErrors } from './errors.ts';
import { SpanStatusCode, tracer, tracingEnabled } from '../telemetry/tracing.ts';

/** What the guard needs from the request context: the scopes granted for this provider, and the sign-in level. */
export interface ScopedContext {
  claims: { scopes: ReadonlySet<string>; acr?: string | undefined };
}

/**
 * Field-scope enforcement, the subgraph's defence in depth behind the gateway: every
 * field the provider's SDL marks with `@scope(anyOf: [...])` gets its resolver wrapped
 * so that, unless one of those scopes is granted by the token — at a sign-in level
 * (`acr`) at least the scope's `minAcr` in the provider's catalog — it raises an error
 * at its own path (`FORBIDDEN`, or `PROVIDER_ACR_TOO_LOW`) and its resolver never runs
 * (no value, no query). Done once on the built schema, so resolvers never deal with scopes.
 * Returns the coordinates guarded; throws if the scope map names a field the schema lacks.
 */
export function guardFieldScopes(
  schema: GraphQLSchema,
  scopeMap: ScopeMap,
  minAcr: ReadonlyMap<string, AcrLevel> = new Map(),
): string[] {
  const guarded: string[] = [];
  for (const [coordinate, anyOf] of scopeMap) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`scope map names ${coordinate}, which the schema does not have`);
    const resolve = field.resolve ?? defaultFieldResolver;
    const check = (context: ScopedContext): GraphQLError | undefined => {
      const granted = anyOf.filter((scope) => context.claims.scopes.has(scope));
      if (!granted.length) return fieldError('FORBIDDEN', anyOf);
      if (!granted.some((scope) => reachesAcr(context.claims.acr, minAcr.get(scope))))
        return fieldError('PROVIDER_ACR_TOO_LOW', granted);
      return undefined;
    };
    field.resolve = (source, args, context: ScopedContext, info) => {
      const refusal = tracingEnabled() ? tracedCheck(coordinate, () => check(context)) : check(context);
      if (refusal) throw refusal;
      return resolve(source, args, context, info);
    };
    guarded.push(coordinate);
  }
  return guarded;
}

/** The check as a (tiny) span of its own: which field, and the refusal's code if any. */
function tracedCheck(coordinate: string, check: () => GraphQLError | undefined): GraphQLError | undefined {
  const span = tracer('subgraph').startSpan('scope.check', { attributes: { 'graphql.field.coordinate': coordinate } });
  const refusal = check();
  if (refusal) {
    span.setAttribute('error.code', String(refusal.extensions.code));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
  return refusal;
}

function fieldError(code: 'FORBIDDEN' | 'PROVIDER_ACR_TOO_LOW', scopes: readonly string[]): GraphQLError {
  return new GraphQLError(subgraphErrors.errors[code].message.en, { extensions: { code, scopes } });
}
