import type { FieldRead } from '../../lib/federation/operation.ts';

/**
 * The scopes a consent grants for an operation, among those the service provider is
 * entitled to: one per field, chosen as `analyzeOperation` chooses `neededScopes`
 * (a field with a single possible scope needs it; a field with several takes, among
 * those of the operation's subject if any — `ofSubject`, docs/companies.md — one already
 * chosen, else the first listed) but only among entitled scopes — so when the
 * SP is entitled to every scope, the result is exactly `neededScopes`. Fields none of
 * whose scopes the SP may use are returned apart: the request must be refused.
 */
export interface EntitledChoice {
  scopes: string[];
  notEntitled: FieldRead[];
}

export function chooseEntitledScopes(
  fields: readonly FieldRead[],
  entitled: ReadonlySet<string>,
  ofSubject: (scope: string) => boolean = () => true,
): EntitledChoice {
  const scoped = fields
    .filter((f) => f.anyOf.length > 0)
    .map((field) => ({ field, allowed: field.anyOf.filter((s) => entitled.has(s)) }));
  const chosen = new Set<string>();
  for (const { allowed } of scoped) if (allowed.length === 1) chosen.add(allowed[0]!);
  for (const { allowed } of scoped) {
    if (allowed.length < 2) continue;
    const preferred = allowed.filter(ofSubject);
    const candidates = preferred.length ? preferred : allowed;
    chosen.add(candidates.find((s) => chosen.has(s)) ?? candidates[0]!);
  }
  return { scopes: [...chosen].sort(), notEntitled: scoped.filter((s) => s.allowed.length === 0).map((s) => s.field) };
}
