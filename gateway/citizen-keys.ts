/**
 * The `Citizen` key on the wire between the gateway and one data provider
 * (docs/tokens.md, "The provider's own subject for the citizen"). At the gateway, `Citizen.id` is the
 * service provider's pairwise subject (`Query.me.id`); a provider must never see it, and
 * the service provider must never see the provider's. So on the way out each `Citizen`
 * representation of an `_entities` fetch carries the provider's own identifier (the `sub`
 * of its token), and on the way back any `id` a provider returns for a `Citizen` is
 * dropped: Apollo merges `_entities` results by position and deep-merges every field
 * received into the entity, so a returned `id` would replace the service provider's.
 */
export interface CitizenIds {
  /** The request's `Citizen.id` at the gateway: the service provider's subject. */
  gateway: string;
  /** The same citizen at this provider: the `sub` of its internal token. */
  provider: string;
}

const CITIZEN = 'Citizen';

type Variables = Record<string, unknown> | undefined;

/**
 * The fetch's variables with every `Citizen` representation keyed by the provider's
 * identifier. A representation of any other citizen (none exists: only `Query.me` yields
 * a `Citizen`, and no provider field may return one, lib/federation/lint.ts) gets an empty
 * key, which the provider refuses (`PROVIDER_CITIZEN_MISMATCH`), rather than be passed on.
 */
export function toProviderKeys(variables: Variables, ids: CitizenIds): Variables {
  const representations = variables?.representations;
  if (!Array.isArray(representations)) return variables;
  return {
    ...variables,
    representations: representations.map((representation: unknown) =>
      isCitizen(representation)
        ? { ...representation, id: representation.id === ids.gateway ? ids.provider : '' }
        : representation,
    ),
  };
}

/** Removes, in place, the `id` a provider returned for each `Citizen` it was sent (by position, as Apollo reads them). */
export function dropReturnedKeys(data: unknown, variables: Variables): void {
  const representations = variables?.representations;
  const entities = (data as { _entities?: unknown } | null | undefined)?._entities;
  if (!Array.isArray(representations) || !Array.isArray(entities)) return;
  entities.forEach((entity: unknown, index) => {
    if (isCitizen(representations[index]) && entity && typeof entity === 'object')
      delete (entity as Record<string, unknown>).id;
  });
}

function isCitizen(value: unknown): value is { __typename: string; id?: unknown } {
  return !!value && typeof value === 'object' && (value as { __typename?: unknown }).__typename === CITIZEN;
}
