import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { Catalog, ScopeEntry } from './catalog.ts';
import { CITIZEN_SUBGRAPH, ContractError, type Contract } from './contract.ts';
import { lintContract } from './lint.ts';
import { readScopeMap, type ScopeMap } from './scope-map.ts';

/** One scope of a catalog, with the provider that owns it. */
export interface ScopeInfo extends ScopeEntry {
  name: string;
  provider: string;
}

export interface ComposedContract {
  /** The supergraph SDL `@apollo/gateway` serves. */
  supergraphSdl: string;
  /** Field coordinate → scopes (any of them), read back from the supergraph SDL. */
  scopeMap: ScopeMap;
  /** Every scope of every catalog, by name. */
  scopes: ReadonlyMap<string, ScopeInfo>;
  /** Provider catalogs, by provider name. */
  catalogs: ReadonlyMap<string, Catalog>;
  /** Subgraph names in the supergraph: the providers and the gateway's `citizen`. */
  subgraphs: string[];
}

/**
 * Composes the contract ahead of time with `@apollo/composition`, after linting it.
 * `urls` gives each provider's subgraph URL (from the configuration), one for every
 * provider; without `urls` the supergraph is for reading only (the broker checks
 * operations against it) and routes nowhere. The gateway's own `citizen` subgraph is
 * served in-process. Throws `ContractError` listing every problem.
 */
export function composeContract(contract: Contract, urls?: Readonly<Record<string, string>>): ComposedContract {
  const problems = lintContract(contract.providers);
  if (urls)
    problems.push(
      ...contract.providers
        .filter((p) => !urls[p.name])
        .map((p) => `${p.name}: no subgraph URL (dataProviders[${p.name}].url)`),
    );
  if (problems.length) throw new ContractError(problems);

  const result = composeServices([
    { name: CITIZEN_SUBGRAPH, url: `local://${CITIZEN_SUBGRAPH}`, typeDefs: parse(contract.citizenSdl) },
    ...contract.providers.map((p) => ({
      name: p.name,
      url: urls?.[p.name] ?? `unrouted://${p.name}`,
      typeDefs: parse(p.sdl),
    })),
  ]);
  if (result.errors) throw new ContractError(result.errors.map((e) => `composition: ${e.message}`));

  const scopes = new Map<string, ScopeInfo>();
  for (const p of contract.providers) {
    for (const [name, entry] of Object.entries(p.catalog.scopes))
      scopes.set(name, { ...entry, name, provider: p.name });
  }
  return {
    supergraphSdl: result.supergraphSdl,
    scopeMap: readScopeMap(result.supergraphSdl),
    scopes,
    catalogs: new Map(contract.providers.map((p) => [p.name, p.catalog])),
    subgraphs: [CITIZEN_SUBGRAPH, ...contract.providers.map((p) => p.name)],
  };
}
