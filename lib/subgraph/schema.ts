import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { Kind, parse, type GraphQLSchema } from 'graphql';
import type { Catalog } from '../federation/catalog.ts';
import { readScopeMap } from '../federation/scope-map.ts';
import { subgraphErrors } from './errors.ts';
import type { CitizenRef, CompanyRef, SubgraphContext } from './provider.ts';
import { guardFieldScopes } from './scope-guard.ts';

/**
 * The executable subgraph schema of a provider: its SDL (`schema.graphql` of its folder),
 * its resolvers, the runtime's `Citizen` and `Company` reference resolution, and the scope guard
 * (with the minimum sign-in levels of its catalog, `catalog.json`).
 */
export function buildProviderSchema(
  sdl: string,
  resolvers: GraphQLResolverMap<SubgraphContext>,
  catalog?: Catalog,
): GraphQLSchema {
  const document = parse(sdl);
  const citizenFields = (resolvers.Citizen ?? {}) as Record<string, unknown>;
  const companyFields = (resolvers.Company ?? {}) as Record<string, unknown>;
  const defines = (type: string) =>
    document.definitions.some(
      (d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === type,
    );
  const schema = buildSubgraphSchema({
    typeDefs: document,
    resolvers: {
      ...resolvers,
      // A provider serves the citizen, the company, or both (lib/federation/lint.ts).
      ...(defines('Citizen') ? { Citizen: { ...citizenFields, __resolveReference: resolveCitizenReference } } : {}),
      ...(defines('Company') ? { Company: { ...companyFields, __resolveReference: resolveCompanyReference } } : {}),
      // buildSubgraphSchema types resolvers for an unknown context; ours is SubgraphContext.
    } as unknown as GraphQLResolverMap<unknown>,
  });
  const minAcr = new Map(
    Object.entries(catalog?.scopes ?? {}).flatMap(([scope, entry]) =>
      entry.minAcr ? [[scope, entry.minAcr] as const] : [],
    ),
  );
  guardFieldScopes(schema, readScopeMap(document), minAcr);
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

/**
 * The only company a request may read is the token's (`company.siren`, docs/companies.md):
 * any other SIREN, or any company at all in a token not issued for one, is refused — at
 * that representation's path only (async: a synchronous throw would null all `_entities`).
 */
async function resolveCompanyReference(reference: { siren?: unknown }, context: SubgraphContext): Promise<CompanyRef> {
  const company = context.claims.company;
  if (!company || reference.siren !== company.siren) throw subgraphErrors.error('PROVIDER_COMPANY_MISMATCH');
  return { siren: company.siren };
}
