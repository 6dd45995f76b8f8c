import DataLoader from 'dataloader';
import type { PivotIdentity } from '../contracts/pivot-identity.ts';
import { pivotMatchKeys, PivotNormalizationError } from '../pivot/normalize.ts';
import { subgraphErrors } from './errors.ts';
import type { RequestDatabase } from './request-database.ts';

/**
 * Finds the citizen of a pivot identity in a provider's registry, following the
 * matching rule of lib/pivot/normalize.ts. Every registry keeps its people in
 * `<schema>.person` with the keys computed by `registryMatchKeys` beside the identity:
 * `identity_key` (indexed: family name, birthdate, birth location) and
 * `given_name_keys`, `gender` (filters among the few rows sharing an identity key).
 *
 * All identities a request asks for are matched in ONE query (a DataLoader); the index
 * `person_identity_key_idx` serves it — see test/subgraphs/matching.test.ts for the plan.
 */
export function matchQuery(schema: string): string {
  return `SELECT k.i::int AS i, p.id
    FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(identity_key, given_names, gender, i)
    JOIN ${schema}.person p ON p.identity_key = k.identity_key
    WHERE k.given_names = ANY (p.given_name_keys)
      AND (k.gender IS NULL OR p.gender IS NULL OR p.gender = k.gender)`;
}

/** The registry id of a matched person, or null when the registry does not know them. */
export type PersonId = number;

export function createCitizenMatcher(db: RequestDatabase, schema: string): DataLoader<PivotIdentity, PersonId | null> {
  const text = matchQuery(schema);
  return new DataLoader<PivotIdentity, PersonId | null, string>(
    async (pivots) => {
      const keys = pivots.map((pivot) => {
        try {
          return pivotMatchKeys(pivot);
        } catch (error) {
          // A pivot the registry cannot key (no letter in a name...) matches nobody.
          if (error instanceof PivotNormalizationError) return null;
          throw error;
        }
      });
      const rows = await db.query<{ i: number; id: number }>(`${schema}_match_person`, text, [
        keys.map((k) => k?.identityKey ?? null),
        keys.map((k) => k?.givenNames ?? null),
        keys.map((k) => k?.gender ?? null),
      ]);
      const found = new Map<number, number[]>();
      for (const row of rows) found.set(row.i, [...(found.get(row.i) ?? []), row.id]);
      return pivots.map((_, index) => {
        const ids = found.get(index + 1) ?? [];
        if (ids.length > 1) return subgraphErrors.error('PROVIDER_CITIZEN_AMBIGUOUS');
        return ids[0] ?? null;
      });
    },
    {
      cacheKeyFn: (pivot) =>
        JSON.stringify([
          pivot.given_name,
          pivot.family_name,
          pivot.birthdate,
          pivot.gender,
          pivot.birthcountry,
          pivot.birthplace,
        ]),
    },
  );
}
