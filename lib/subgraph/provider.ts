import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type DataLoader from 'dataloader';
import type { PoolClient } from '../db/database.ts';
import type { ProviderFolder } from '../federation/provider-folders.ts';
import type { Logger } from '../log.ts';
import type { PivotIdentity } from '../contracts/pivot-identity.ts';
import type { ProviderClaims } from './claims.ts';
import type { PersonId } from './citizen-matcher.ts';
import type { RequestDatabase } from './request-database.ts';

/**
 * A data provider is one folder (lib/federation/provider-folders.ts): its contract
 * (`schema.graphql`, `catalog.json`), its `index.ts` exporting `provider`, its
 * `migrations/` and its sandbox `seed.ts`, plus an entry in the configuration's
 * `dataProviders`. The runtime (lib/subgraph) does everything shared: HTTP, token,
 * scopes, the entity reference, identity matching and the `person` table; a provider
 * brings its own tables, its loaders and its resolvers.
 */
export interface DataProviderModule<Loaders = unknown, Records = unknown> {
  /**
   * Folder of `NNN_*.sql` migrations of the provider's own tables, in its PostgreSQL schema (named like
   * the provider), applied after the runtime's (the `person` table they may refer to).
   */
  migrations: URL;
  /** Per-request DataLoaders: one SQL query per entity type per request. */
  createLoaders(db: RequestDatabase): Loaders;
  /**
   * Resolvers of the provider's fields. `Citizen` fields receive a `CitizenRef`, `Company`
   * fields a `CompanyRef`; the runtime resolves both references itself (a provider must not
   * define their `__resolveReference`).
   */
  resolvers: GraphQLResolverMap<SubgraphContext<Loaders>>;
  /** Loads records into the registry (sandbox data, synthetic registries, imports). */
  writeRecords(client: PoolClient, records: Records, options?: { replace?: boolean }): Promise<void>;
}

/** The citizen entity as a provider's `Citizen` field resolvers receive it. */
export interface CitizenRef {
  /** `Citizen.id`: the token's `sub`. */
  id: string;
  /** The matched person in this registry; null when the registry does not know the citizen. */
  personId: PersonId | null;
}

/**
 * The company entity as a provider's `Company` field resolvers receive it from a reference:
 * the token's own company (docs/companies.md). A provider that also returns `Company`
 * objects from its own fields (entreprises' listing) receives those objects instead.
 */
export interface CompanyRef {
  /** `Company.siren`: the token's `company.siren`. */
  siren: string;
}

/** What resolvers get as GraphQL context, built once the token is verified. */
export interface SubgraphContext<Loaders = unknown> {
  claims: ProviderClaims;
  requestId: string;
  logger: Logger;
  db: RequestDatabase;
  /** Matches pivot identities in the registry (one query per request). */
  citizens: DataLoader<PivotIdentity, PersonId | null>;
  loaders: Loaders;
}

export class ProviderModuleError extends Error {
  override name = 'ProviderModuleError';
}

/** Imports the provider's `index.ts` and checks it exports a provider module. */
export async function loadProviderModule(folder: ProviderFolder): Promise<DataProviderModule> {
  const { name, path, label } = folder;
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new ProviderModuleError(`invalid data provider name "${name}"`);
  const file = join(path, 'index.ts');
  if (!existsSync(file)) {
    throw new ProviderModuleError(
      `data provider "${name}" has no module: create ${label}/index.ts exporting \`provider\``,
    );
  }
  const module = (await import(pathToFileURL(file).href)) as { provider?: Partial<DataProviderModule> };
  const provider = module.provider;
  if (
    !provider ||
    !(provider.migrations instanceof URL) ||
    typeof provider.createLoaders !== 'function' ||
    typeof provider.writeRecords !== 'function' ||
    !provider.resolvers
  ) {
    throw new ProviderModuleError(
      `${label}/index.ts must export \`provider\` with migrations, createLoaders, resolvers and writeRecords`,
    );
  }
  for (const [entity, what] of [
    ['Citizen', "the token's citizen"],
    ['Company', "the token's company"],
  ] as const) {
    const resolvers = provider.resolvers[entity] as Record<string, unknown> | undefined;
    if (resolvers && '__resolveReference' in resolvers) {
      throw new ProviderModuleError(
        `${label}: ${entity}.__resolveReference is the runtime's (it checks ${what}); remove it`,
      );
    }
  }
  return provider as DataProviderModule;
}

/** For `Citizen` field resolvers: null when the registry does not know the citizen, else `read(personId)`. */
export function forMatchedCitizen<T>(
  citizen: CitizenRef,
  read: (personId: PersonId) => Promise<T>,
): Promise<T | null> | null {
  return citizen.personId === null ? null : read(citizen.personId);
}

/** Groups rows by person, in the order of `personIds`: the usual shape of a DataLoader batch result. */
export function groupByPerson<Row extends { person_id: number }>(personIds: readonly PersonId[], rows: Row[]): Row[][] {
  const groups = new Map<number, Row[]>();
  for (const row of rows) {
    const group = groups.get(row.person_id);
    if (group) group.push(row);
    else groups.set(row.person_id, [row]);
  }
  return personIds.map((id) => groups.get(id) ?? []);
}
