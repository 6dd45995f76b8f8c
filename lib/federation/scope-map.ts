import { Kind, parse, type ConstDirectiveNode, type DocumentNode } from 'graphql';

/**
 * Which consent scopes each field needs, as the `@scope` directive says in an SDL
 * (a subgraph's, or the composed supergraph's). A field's own `@scope` wins over its
 * type's. Keys are schema coordinates: `Citizen.taxAddress`, `TaxAddress.city`.
 * A field absent from the map needs no scope (entity keys, `Query.me`).
 */
export type ScopeMap = ReadonlyMap<string, readonly string[]>;

const SCOPE_DIRECTIVE = 'scope';

export function readScopeMap(sdl: string | DocumentNode): ScopeMap {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const map = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeScopes = scopesOf(definition.directives);
    for (const field of definition.fields ?? []) {
      const scopes = scopesOf(field.directives) ?? typeScopes;
      if (scopes) map.set(`${definition.name.value}.${field.name.value}`, scopes);
    }
  }
  return map;
}

function scopesOf(directives: readonly ConstDirectiveNode[] | undefined): string[] | undefined {
  const directive = directives?.find((d) => d.name.value === SCOPE_DIRECTIVE);
  if (!directive) return undefined;
  const arg = directive.arguments?.find((a) => a.name.value === 'anyOf');
  if (!arg) return [];
  if (arg.value.kind === Kind.LIST) return arg.value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
  return arg.value.kind === Kind.STRING ? [arg.value.value] : [];
}
