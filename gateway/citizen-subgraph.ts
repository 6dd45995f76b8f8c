import { LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Contract } from '../lib/federation/contract.ts';

/**
 * The gateway's own subgraph `citizen` (lib/federation/citizen.graphql), served in-process:
 * `Query.me` is the citizen the request is about, `{ id: <subject> }` — the service
 * provider's pairwise subject, the only identifier it may see. No provider resolves it,
 * nor sees it: each is sent its own identifier for the citizen (gateway/citizen-keys.ts).
 * `Query.company` is the company the token was issued for, `{ siren }` (null without one):
 * its SIREN is public, and every provider is told it in its token too.
 */
export interface CitizenContext {
  /** The subject of the request (`sub` of the pivot token). */
  subject: string;
  /** The company the person acts for (`company` of the pivot token), if any. */
  company?: { siren: string } | undefined;
}

export function citizenDataSource(
  contract: Contract,
): LocalGraphQLDataSource<CitizenContext & Record<string, unknown>> {
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(contract.citizenSdl),
      resolvers: {
        Query: {
          me: (_root: unknown, _args: unknown, context: CitizenContext) => ({ id: context.subject }),
          // The token's company, or null: a citizen's token reads no company (docs/companies.md).
          company: (_root: unknown, _args: unknown, context: CitizenContext) =>
            context.company ? { siren: context.company.siren } : null,
        },
        Citizen: {
          // Only the request's own citizen can be referenced.
          __resolveReference: (reference: { id: string }, context: CitizenContext) =>
            reference.id === context.subject ? { id: reference.id } : null,
        },
        Company: {
          // Only the token's own company can be referenced.
          __resolveReference: (reference: { siren: string }, context: CitizenContext) =>
            context.company && reference.siren === context.company.siren ? { siren: reference.siren } : null,
        },
      } as never,
    },
  ]);
  return new LocalGraphQLDataSource(schema);
}
