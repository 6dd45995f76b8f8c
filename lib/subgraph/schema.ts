import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type GraphQLSchema } from 'graphql';
import type { Catalog } from '../federation/catalog.ts';
import { readScopeMap } from '../federation/scope-map.ts';
import { subgraphErrors } from './errors.ts';
import type { CitizenRef, SubgraphContext } from './provider.ts';
import { guardFieldScopes } from './scope-guard.ts';

/**
 * The executable subgraph schema of a provider: its SDL (`schema.graphql` of its folder),
 * its resolvers, the runtime's `Citizen` reference resolution, and the scope guard
 * (with the minimum sign-in levels of its catalog, `catalog.json`).
 */
export function buildProviderSchema(
  sdl: string,
  resolvers: GraphQLResolverMap<SubgraphContext>,
  catalog?: Catalog,
): GraphQLSchema {
  const citizenFields = (resolvers.Citizen ?? {}) as Record<string, unknown>;
  const schema = buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: {
      ...resolvers,
      Citizen: { ...citizenFields, __resolveReference: resolveCitizenReference },
      // buildSubgraphSchema types resolvers for an unknown context; ours is SubgraphContext.
    } as unknown as GraphQLResolverMap<unknown>,
  });
  const minAcr = new Map(
    Object.entries(catalog?.scopes ?? {}).flatMap(([scope, entry]) =>
      entry.minAcr ? [[scope, entry.minAcr] as const] : [],
    ),
  );
  guardFieldScopes(schema, readScopeMap(sdl), minAcr);
  return schema;
}

/**
 * The only citizen a request may read is the token's: any other `id` is refused. The
 * citizen is matched in the registry here, once per request whatever the number of
 * representations (DataLoader).
 */
async function resolveCitizenReference(reference: { id?: unknown }, context: SubgraphContext): Promise<CitizenRef> {
  if (reference.id !== context.claims.sub) throw subgraphErrors.error('PROVIDER_CITIZEN_MISMATCH');
  const personId = await context.citizens.load(context.claims.pivot);
  return { id: context.claims.sub, personId };
}
