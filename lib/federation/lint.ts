import { Kind, parse, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode, type TypeNode } from 'graphql';
import type { ProviderContract } from './contract.ts';
import { readScopeMap } from './scope-map.ts';

/**
 * Checks of the contract that composition itself does not make, one provider at a time:
 * - a provider extends `Citizen`, `Company` (the company the person acts for,
 *   docs/companies.md), or both;
 * - every field reachable from `Citizen` or `Company` (other than entity keys) needs a scope;
 * - a company scope (catalog `subject: "company"`) guards only fields reachable from
 *   `Company`, and a field reachable only from `Company` needs a company scope among its
 *   scopes (a citizen's token never reaches it);
 * - every scope used is in the provider's own catalog, every catalog scope is used;
 * - no provider defines root fields (all data is reached through `Citizen` or `Company`);
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
const ENTITIES = ['Citizen', 'Company'] as const;

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
      problems.push(`${name}: defines ${root} fields; a provider serves data only through Citizen or Company`);
  }
  if (!ENTITIES.some((entity) => objects.has(entity)))
    problems.push(`${name}: extends neither the Citizen nor the Company entity`);

  // Walk every type reachable from each entity, checking each field has a scope.
  const checked = new Set<string>();
  const reachable = (entity: string): Set<string> => {
    const coordinates = new Set<string>();
    const seen = new Set<string>();
    const walk = (type: ObjectNode) => {
      if (seen.has(type.name.value)) return;
      seen.add(type.name.value);
      const keys = keyFields(type);
      for (const field of type.fields ?? []) {
        const coordinate = `${type.name.value}.${field.name.value}`;
        if (keys.has(field.name.value)) continue;
        coordinates.add(coordinate);
        const target = objects.get(namedType(field.type));
        if (!checked.has(coordinate)) {
          checked.add(coordinate);
          if (namedType(field.type) === 'Citizen')
            problems.push(`${name}: ${coordinate} returns Citizen; a provider serves only the request's citizen`);
          const scopes = scopeMap.get(coordinate);
          if (!scopes) problems.push(`${name}: ${coordinate} is reachable from ${entity} but has no @scope`);
          else if (!scopes.length) problems.push(`${name}: ${coordinate} has an empty @scope(anyOf:)`);
        }
        if (target) walk(target);
      }
    };
    const root = objects.get(entity);
    if (root) walk(root);
    return coordinates;
  };
  const fromCitizen = reachable('Citizen');
  const fromCompany = reachable('Company');

  const isCompanyScope = (scope: string) => catalog.scopes[scope]?.subject === 'company';
  for (const [coordinate, scopes] of scopeMap) {
    for (const scope of scopes.filter(isCompanyScope)) {
      if (!fromCompany.has(coordinate))
        problems.push(
          `${name}: ${coordinate} is guarded by the company scope ${scope} but is not reachable from Company`,
        );
    }
    if (fromCompany.has(coordinate) && !fromCitizen.has(coordinate) && scopes.length && !scopes.some(isCompanyScope))
      problems.push(
        `${name}: ${coordinate} is reachable only from Company but no company scope guards it (catalog subject "company")`,
      );
  }

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
