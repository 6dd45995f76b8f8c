import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProviderFolder } from '../../lib/federation/provider-folders.ts';
import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import type { RegistryPerson } from '../../lib/subgraph/registry-writer.ts';
import type { SyntheticCompany } from './companies.ts';
import type { SyntheticHousehold } from './households.ts';

/**
 * What the seeder needs per data provider, in the provider's folder as `seed.ts`
 * exporting `registrySeed`: the records of the sandbox citizens (./identities.ts), those
 * of synthetic households (./households.ts, `--citizens`) if it knows citizens, and those
 * of synthetic companies (./companies.ts, `--companies`) if it knows companies, in the
 * shape the provider's `writeRecords` loads. A provider without `seed.ts` simply gets no
 * seed data. Only the seeder loads it: a provider's subgraph never imports sandbox data.
 */
export interface RegistrySeed<Records = unknown> {
  sandboxRecords(today: Date): Records;
  syntheticRecords?(households: SyntheticHousehold[], today: Date): Records;
  syntheticCompanyRecords?(companies: SyntheticCompany[], today: Date): Records;
}

export async function loadRegistrySeed(folder: ProviderFolder): Promise<RegistrySeed | undefined> {
  const file = join(folder.path, 'seed.ts');
  if (!existsSync(file)) return undefined;
  const module = (await import(pathToFileURL(file).href)) as { registrySeed?: RegistrySeed };
  if (!module.registrySeed) throw new Error(`${folder.label}/seed.ts must export registrySeed`);
  return module.registrySeed;
}

/**
 * How a registry writes names: some keep the civil-status spelling, many store upper
 * case without accents, some replace hyphens of family names by spaces.
 */
export interface Spelling {
  given(name: string): string;
  family(name: string): string;
}
const upperWithoutAccents = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
export const SPELLINGS = {
  civilStatus: { given: (n) => n, family: (n) => n },
  upperWithoutAccents: { given: upperWithoutAccents, family: upperWithoutAccents },
  upperSpacedFamily: { given: (n) => n.toUpperCase(), family: (n) => n.toUpperCase().replace(/-/g, ' ') },
} satisfies Record<string, Spelling>;

/** A pivot identity as a registry records the person. */
export function registryPerson(ref: string, pivot: PivotIdentity, spelling: Spelling): RegistryPerson {
  return {
    ref,
    givenNames: spelling.given(pivot.given_name),
    familyName: spelling.family(pivot.family_name),
    birthdate: pivot.birthdate,
    gender: pivot.gender ?? null,
    birthCountry: pivot.birthcountry,
    birthPlace: pivot.birthplace ?? null,
  };
}

/** `YYYY-MM` of the `count` months up to the month of `today`, oldest first. */
export function lastMonths(today: Date, count: number): string[] {
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return months;
}

/** The département of a commune code (`30189` → `30`, `97120` → `971`, `2A004` → `2A`). */
export function departementOf(communeCode: string): string {
  return communeCode.startsWith('97') ? communeCode.slice(0, 3) : communeCode.slice(0, 2);
}
