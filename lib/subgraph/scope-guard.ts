import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import type { ScopeMap } from '../federation/scope-map.ts';
import { subgraphErrors } from './errors.ts';

/** What the guard needs from the request context: the scopes granted for this provider. */
export interface ScopedContext {
  claims: { scopes: ReadonlySet<string> };
}

/**
 * Field-scope enforcement, the subgraph's defence in depth behind the gateway: every
 * field the provider's SDL marks with `@scope(anyOf: [...])` gets its resolver wrapped
 * so that, unless one of those scopes is granted by the token, it raises `FORBIDDEN` at
 * its own path and its resolver never runs (no value, no query). Done once on the
 * built schema, so provider resolvers never deal with scopes.
 * Returns the coordinates guarded; throws if the scope map names a field the schema lacks.
 */
export function guardFieldScopes(schema: GraphQLSchema, scopeMap: ScopeMap): string[] {
  const guarded: string[] = [];
  for (const [coordinate, anyOf] of scopeMap) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`scope map names ${coordinate}, which the schema does not have`);
    const resolve = field.resolve ?? defaultFieldResolver;
    const message = subgraphErrors.errors.FORBIDDEN.message.en;
    field.resolve = (source, args, context: ScopedContext, info) => {
      if (!anyOf.some((scope) => context.claims.scopes.has(scope))) {
        throw new GraphQLError(message, { extensions: { code: 'FORBIDDEN', scopes: anyOf } });
      }
      return resolve(source, args, context, info);
    };
    guarded.push(coordinate);
  }
  return guarded;
}
