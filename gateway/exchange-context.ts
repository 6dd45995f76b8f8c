import type { FieldRead, OperationAnalysis } from '../lib/federation/operation.ts';
import type { CitizenContext } from './citizen-subgraph.ts';
import type { FetchContext, ProviderCall } from './data-sources.ts';
import type { PivotClaims } from './pivot-token.ts';

/**
 * What one exchange carries through Apollo (its context value) and back to the
 * audit chain: who asks, what was consented, which providers were called and what
 * came out. Built by the GraphQL route once the token and the consent are checked.
 */
export interface ExchangeContext extends FetchContext, CitizenContext {
  requestId: string;
  subject: string;
  claims: PivotClaims;
  analysis: OperationAnalysis;
  /** Granted scopes per provider: what each provider's internal token carries. */
  scopesByProvider: ReadonlyMap<string, readonly string[]>;
  providerCalls: ProviderCall[];
  /**
   * Filled in by Apollo (which shallow-clones the context: hence a holder object):
   * the GraphQL result before serialization, for the exchange's audit event.
   */
  captured: { result?: CapturedResult };
}

export interface CapturedResult {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Coordinates of the fields that came back with a value (an empty list counts: it says "none"). */
export function returnedFields(data: unknown, fields: readonly FieldRead[]): string[] {
  const returned = new Set<string>();
  for (const field of fields) if (hasValue(data, field.path, 0)) returned.add(field.coordinate);
  return [...returned];
}

/** The granted scopes under which the returned fields were read (a field readable under several granted ones lists each), sorted. */
export function returnedScopes(
  fields: readonly FieldRead[],
  returned: readonly string[],
  scopesByProvider: ReadonlyMap<string, readonly string[]>,
): string[] {
  const granted = new Set([...scopesByProvider.values()].flat());
  const coordinates = new Set(returned);
  const scopes = new Set<string>();
  for (const field of fields) {
    if (!coordinates.has(field.coordinate)) continue;
    for (const scope of field.anyOf) if (granted.has(scope)) scopes.add(scope);
  }
  return [...scopes].sort();
}

function hasValue(node: unknown, path: readonly string[], index: number): boolean {
  if (node === null || node === undefined) return false;
  if (index === path.length) return true;
  if (Array.isArray(node)) return node.some((item) => hasValue(item, path, index));
  if (typeof node !== 'object') return false;
  return hasValue((node as Record<string, unknown>)[path[index]!], path, index + 1);
}

export type { ProviderCall };
