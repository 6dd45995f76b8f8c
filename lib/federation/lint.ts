import { Kind, parse, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode, type TypeNode } from 'graphql';
import type { ProviderContract } from './contract.ts';
import { readScopeMap } from './scope-map.ts';

/**
 * Checks of the contract that composition itself does not make, one provider at a time:
 * - every field reachable from `Citizen` (other than its keys) needs a scope;
 * - every scope used is in the provider's own catalog, every catalog scope is used;
 * - no provider defines root fields (all data is reached through `Citizen`);
 * - no provider field returns a `Citizen`: the only citizen is the request's, whose key the
 *   gateway gives each provider as that provider's own identifier (gateway/citizen-keys.ts);
 * - no two catalogs declare the same scope.
 * Returns the problems found, each naming the provider and the field or scope.
 */
export function lintContract(providers: readonly ProviderContract[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const provider of providers) {
    for (const scope of Object.keys(provider.catalog.scopes)) {
      const owner = owners.get(scope);
      if (owner) problems.push(`scope ${scope} is declared by both ${owner} and ${provider.name}`);
      else owners.set(scope, provider.name);
    }
    problems.push(...lintProvider(provider));
  }
  return problems;
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

function lintProvider({ name, sdl, catalog }: ProviderContract): string[] {
  const problems: string[] = [];
  const document = parse(sdl);
  const scopeMap = readScopeMap(document);
  const objects = new Map<string, ObjectNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION)
      objects.set(def.name.value, def);
  }

  for (const root of ['Query', 'Mutation', 'Subscription']) {
    if (objects.get(root)?.fields?.length)
      problems.push(`${name}: defines ${root} fields; a provider serves data only through Citizen`);
  }
  const citizen = objects.get('Citizen');
  if (!citizen) problems.push(`${name}: does not extend the Citizen entity`);

  // Walk every type reachable from Citizen, checking each field has a scope.
  const seen = new Set<string>();
  const walk = (type: ObjectNode, keys: Set<string>) => {
    if (seen.has(type.name.value)) return;
    seen.add(type.name.value);
    for (const field of type.fields ?? []) {
      const coordinate = `${type.name.value}.${field.name.value}`;
      if (keys.has(field.name.value)) continue;
      if (namedType(field.type) === 'Citizen')
        problems.push(`${name}: ${coordinate} returns Citizen; a provider serves only the request's citizen`);
      const scopes = scopeMap.get(coordinate);
      if (!scopes) problems.push(`${name}: ${coordinate} is reachable from Citizen but has no @scope`);
      else if (!scopes.length) problems.push(`${name}: ${coordinate} has an empty @scope(anyOf:)`);
      const target = objects.get(namedType(field.type));
      if (target) walk(target, new Set());
    }
  };
  if (citizen) walk(citizen, keyFields(citizen));

  const used = new Set([...scopeMap.values()].flat());
  for (const scope of [...used].sort()) {
    if (!catalog.scopes[scope])
      problems.push(`${name}: scope ${scope} is used in schema.graphql but missing from catalog.json`);
  }
  for (const scope of Object.keys(catalog.scopes)) {
    if (!used.has(scope)) problems.push(`${name}: catalog scope ${scope} is used by no field`);
  }
  return problems;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** Top-level field names of the type's `@key(fields: "...")` selections. */
function keyFields(type: ObjectNode): Set<string> {
  const keys = new Set<string>();
  for (const directive of type.directives ?? []) {
    if (directive.name.value !== 'key') continue;
    const fields = directive.arguments?.find((a) => a.name.value === 'fields')?.value;
    if (fields?.kind !== Kind.STRING) continue;
    // Only top-level names: nested selections belong to the key's own type.
    let depth = 0;
    for (const token of fields.value.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
      if (token === '{') depth++;
      else if (token === '}') depth--;
      else if (depth === 0) keys.add(token);
    }
  }
  return keys;
}
