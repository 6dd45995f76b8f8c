import { readFileSync } from 'node:fs';

/**
 * INSEE COG country codes (99xxx) with the ISO 3166-1 alpha-2 codes each one
 * covers (built by `build.ts`; see there for the sources). France is 99100.
 * Former states (Tchécoslovaquie, ...) have no ISO code.
 */
export interface Country {
  cog: string;
  name: string;
  iso: string[];
}

let table: Record<string, { name: string; iso: string[] }> | undefined;
let byIso: Map<string, string> | undefined;

function countries(): Record<string, { name: string; iso: string[] }> {
  table ??= (
    JSON.parse(readFileSync(new URL('./data/countries.json', import.meta.url), 'utf8')) as {
      countries: Record<string, { name: string; iso: string[] }>;
    }
  ).countries;
  return table;
}

export function findCountry(cog: string): Country | undefined {
  const entry = Object.hasOwn(countries(), cog) ? countries()[cog] : undefined;
  return entry && { cog, ...entry };
}

/** The COG code of an ISO 3166-1 alpha-2 country (case-insensitive), as the eIDAS bridge needs. */
export function cogFromIso(iso: string): string | undefined {
  byIso ??= new Map(
    Object.entries(countries()).flatMap(([cog, { iso: codes }]) => codes.map((code) => [code, cog] as const)),
  );
  return byIso.get(iso.toUpperCase());
}
