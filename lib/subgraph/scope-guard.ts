import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import { reachesAcr, type AcrLevel } from '../contracts/eidas.ts';
import type { ScopeMap } from '../federation/scope-map.ts';
import { subgraphErrors } from './errors.ts';

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
    field.resolve = (source, args, context: ScopedContext, info) => {
      const granted = anyOf.filter((scope) => context.claims.scopes.has(scope));
      if (!granted.length) throw fieldError('FORBIDDEN', anyOf);
      if (!granted.some((scope) => reachesAcr(context.claims.acr, minAcr.get(scope))))
        throw fieldError('PROVIDER_ACR_TOO_LOW', granted);
      return resolve(source, args, context, info);
    };
    guarded.push(coordinate);
  }
  return guarded;
}

function fieldError(code: 'FORBIDDEN' | 'PROVIDER_ACR_TOO_LOW', scopes: readonly string[]): GraphQLError {
  return new GraphQLError(subgraphErrors.errors[code].message.en, { extensions: { code, scopes } });
}
