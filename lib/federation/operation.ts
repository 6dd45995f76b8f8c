import { createHash } from 'node:crypto';
import { Supergraph } from '@apollo/federation-internals';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isAbstractType,
  isObjectType,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { compareAcr, highestAcr, reachesAcr, type AcrLevel } from '../contracts/eidas.ts';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from '../contracts/operation-limits.ts';
import type { ScopeInfo } from './compose.ts';
import { LIMIT_CODE, limitRules } from './limit-rules.ts';
import { operationErrors, type OperationErrorCode } from './operation-errors.ts';
import { readScopeMap, type ScopeMap } from './scope-map.ts';
import type { PasserelleError } from '../errors/define.ts';

/**
 * The analysis of one GraphQL operation against the supergraph: is it acceptable
 * (limits, validation), which fields does it read (schema coordinate and response
 * path), which consent scopes and eIDAS level do they need. Pure: document text in,
 * analysis out. The gateway enforces consent with it (and caches it per document);
 * the broker builds the consent page from it.
 */

/** What operations are analysed against: built once per supergraph. */
export interface OperationSchema {
  /** The API schema (the supergraph without federation internals). */
  schema: GraphQLSchema;
  scopeMap: ScopeMap;
  scopes: ReadonlyMap<string, ScopeInfo>;
  limits: OperationLimits;
  /** specifiedRules + limits + no introspection (limit-rules.ts), built once. */
  rules: readonly ValidationRule[];
}

/** One field the operation reads. */
export interface FieldRead {
  /** Schema coordinate, e.g. `TaxAddress.city`. */
  coordinate: string;
  /** Response path from the root (response keys, so aliases), list levels not indexed. */
  path: readonly string[];
  /** Scopes any one of which allows reading it; empty when no consent is needed (`Query.me`, `Citizen.id`). */
  anyOf: readonly string[];
  /** Data provider owning those scopes (undefined for unscoped fields). */
  provider: string | undefined;
}

export interface OperationAnalysis {
  /** `operationHash()` of the document: what a consent names. */
  hash: string;
  operationName: string | null;
  fields: readonly FieldRead[];
  /** The scopes a consent for this operation needs (one per field, chosen deterministically), sorted. */
  neededScopes: readonly string[];
  /** The highest `minAcr` of the needed scopes, if any. */
  minAcr: AcrLevel | undefined;
  /** Providers the operation reads from, sorted. */
  providers: readonly string[];
  /** The variables the operation declares (without `$`): a request may give no others. */
  variables: readonly string[];
  /**
   * Whom the operation reads about: `company` when it reads `Query.company` (the company the
   * person acts for, docs/companies.md), else `citizen`. A field readable under scopes of
   * both subjects needs one of this subject.
   */
  subject: ScopeSubject;
}

export type ScopeSubject = ScopeInfo['subject'];

export type AnalysisResult = { ok: true; analysis: OperationAnalysis } | { ok: false; errors: PasserelleError[] };

/** Builds the analysis context from a composed supergraph SDL and the scope catalogs. */
export function operationSchemaFromSupergraph(
  supergraphSdl: string,
  scopes: ReadonlyMap<string, ScopeInfo>,
  limits: Partial<OperationLimits> = {},
): OperationSchema {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  return createOperationSchema({ schema, scopeMap: readScopeMap(supergraphSdl), scopes, limits });
}

export function createOperationSchema(input: {
  schema: GraphQLSchema;
  scopeMap: ScopeMap;
  scopes: ReadonlyMap<string, ScopeInfo>;
  limits?: Partial<OperationLimits>;
}): OperationSchema {
  const limits = { ...DEFAULT_OPERATION_LIMITS, ...input.limits };
  return {
    schema: input.schema,
    scopeMap: input.scopeMap,
    scopes: input.scopes,
    limits,
    rules: [...specifiedRules, ...limitRules(limits)],
  };
}

/**
 * The hash a consent names: base64url SHA-256 of the canonical document
 * (graphql-js `print` of the parsed document), so that whitespace, commas and
 * comments do not matter but any change of meaning does.
 */
export function operationHash(document: string | DocumentNode): string {
  const node = typeof document === 'string' ? parse(document) : document;
  return createHash('sha256').update(print(node)).digest('base64url');
}

export function analyzeOperation(
  text: string,
  operationName: string | null | undefined,
  context: OperationSchema,
): AnalysisResult {
  const { limits } = context;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxDocumentBytes)
    return refuse('OPERATION_TOO_LARGE', { bytes, maxBytes: limits.maxDocumentBytes });

  let document: DocumentNode;
  try {
    document = parse(text, { maxTokens: limits.maxTokens, noLocation: false });
  } catch (error) {
    const message = (error as Error).message;
    // graphql-js spells it "more that N tokens"; accept both spellings.
    if (/Document contains more th(?:a|e)[nt] \d+ tokens/.test(message))
      return refuse('OPERATION_TOO_MANY_TOKENS', { maxTokens: limits.maxTokens });
    return refuse('OPERATION_SYNTAX_ERROR', { problems: [message] });
  }

  const validationErrors = validate(context.schema, document, context.rules, { maxErrors: 20, hideSuggestions: true });
  if (validationErrors.length) return { ok: false, errors: groupValidationErrors(validationErrors) };

  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  let operation: OperationDefinitionNode | undefined;
  if (operationName) operation = operations.find((o) => o.name?.value === operationName);
  else if (operations.length > 1)
    return refuse('OPERATION_NAME_REQUIRED', { operations: operations.map((o) => o.name?.value ?? null) });
  else operation = operations[0];
  if (!operation) return refuse('OPERATION_NOT_FOUND', { operationName: operationName ?? null });
  if (operation.operation !== 'query') return refuse('OPERATION_NOT_A_QUERY', { operationType: operation.operation });

  const fields = collectFields(document, operation, context);
  const subject: ScopeSubject = fields.some((f) => f.coordinate === `${rootName(context)}.company`)
    ? 'company'
    : 'citizen';
  const neededScopes = chooseNeededScopes(fields, (scope) => context.scopes.get(scope)?.subject === subject);
  const minAcr = highestNeededAcr(neededScopes.map((s) => context.scopes.get(s)?.minAcr));
  const providers = [...new Set(fields.flatMap((f) => (f.provider ? [f.provider] : [])))].sort();
  return {
    ok: true,
    analysis: {
      hash: operationHash(document),
      operationName: operation.name?.value ?? null,
      fields,
      neededScopes,
      minAcr,
      providers,
      variables: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value),
      subject,
    },
  };
}

/** What a grant lacks for an analysed operation. Both lists empty: the operation may run. */
export interface GrantCheck {
  /** Fields none of whose scopes is granted. */
  notConsented: FieldRead[];
  /** Fields with a granted scope, but each granted one needs a higher eIDAS level than `acr`. */
  acrTooLow: Array<FieldRead & { minAcr: AcrLevel }>;
}

/**
 * Checks an analysis against granted scopes at an eIDAS level: a field is allowed
 * when any of its `anyOf` scopes is granted and that scope's `minAcr` is at most `acr`.
 */
export function checkGrant(
  analysis: OperationAnalysis,
  granted: ReadonlySet<string>,
  acr: AcrLevel,
  scopes: ReadonlyMap<string, ScopeInfo>,
): GrantCheck {
  const result: GrantCheck = { notConsented: [], acrTooLow: [] };
  for (const field of analysis.fields) {
    if (!field.anyOf.length) continue;
    const grantedHere = field.anyOf.filter((s) => granted.has(s));
    if (!grantedHere.length) {
      result.notConsented.push(field);
      continue;
    }
    const levels = grantedHere.map((s) => scopes.get(s)?.minAcr ?? 'eidas1');
    if (!levels.some((level) => reachesAcr(acr, level))) {
      result.acrTooLow.push({ ...field, minAcr: levels.reduce((a, b) => (compareAcr(a, b) <= 0 ? a : b)) });
    }
  }
  return result;
}

function refuse(code: OperationErrorCode, details: Record<string, unknown>): AnalysisResult {
  return { ok: false, errors: [operationErrors.error(code, details)] };
}

// --- validation ---------------------------------------------------------------

/** One error per code, listing its problems; field suggestions ("Did you mean …") removed (also hidden by validate). */
function groupValidationErrors(errors: readonly GraphQLError[]): PasserelleError[] {
  const byCode = new Map<OperationErrorCode, string[]>();
  for (const error of errors) {
    const code = (error.extensions[LIMIT_CODE] as OperationErrorCode | undefined) ?? 'OPERATION_INVALID';
    const message = error.message.replace(/\s*Did you mean .*\?$/s, '');
    byCode.set(code, [...(byCode.get(code) ?? []), message]);
  }
  // Limits first: they say the most about why a document is refused.
  const order = (code: OperationErrorCode) => (code === 'OPERATION_INVALID' ? 1 : 0);
  return [...byCode]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([code, problems]) => operationErrors.error(code, { problems }));
}

// --- field walk ---------------------------------------------------------------

function collectFields(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  context: OperationSchema,
): FieldRead[] {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const reads = new Map<string, FieldRead>();
  const root = context.schema.getQueryType();
  if (!root) return [];

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    path: readonly string[],
    visiting: ReadonlySet<string>,
  ) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        const type = context.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
        walk(fragment.selectionSet, type, path, new Set([...visiting, fragment.name.value]));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? (context.schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType)
          : parent;
        walk(selection.selectionSet, type, path, visiting);
      } else {
        const name = selection.name.value;
        if (name === '__typename') continue;
        const fieldPath = [...path, selection.alias?.value ?? name];
        // An abstract parent may resolve to any of its object types: each one's scope applies.
        const owners: readonly GraphQLObjectType[] = isAbstractType(parent)
          ? context.schema.getPossibleTypes(parent)
          : [parent];
        let fieldType: GraphQLOutputType | undefined;
        for (const owner of owners) {
          const field = owner.getFields()[name];
          if (!field) continue;
          fieldType = field.type;
          const coordinate = `${owner.name}.${name}`;
          const key = `${fieldPath.join('.')}|${coordinate}`;
          if (reads.has(key)) continue;
          const anyOf = context.scopeMap.get(coordinate) ?? [];
          reads.set(key, {
            coordinate,
            path: fieldPath,
            anyOf,
            provider: anyOf[0] ? context.scopes.get(anyOf[0])?.provider : undefined,
          });
        }
        const named = fieldType ? getNamedType(fieldType) : undefined;
        if (selection.selectionSet && named && (isObjectType(named) || isAbstractType(named)))
          walk(selection.selectionSet, named, fieldPath, visiting);
      }
    }
  };
  walk(operation.selectionSet, root, [], new Set());
  return [...reads.values()];
}

function rootName(context: OperationSchema): string {
  return context.schema.getQueryType()?.name ?? 'Query';
}

/**
 * One scope per field, deterministically: a field with a single possible scope needs
 * it; a field with several takes, among those of the operation's subject if any
 * (`ofSubject`), one already needed by another field if any (in `anyOf` order), else the
 * first listed.
 */
function chooseNeededScopes(fields: readonly FieldRead[], ofSubject: (scope: string) => boolean): string[] {
  const needed = new Set<string>();
  for (const field of fields) if (field.anyOf.length === 1) needed.add(field.anyOf[0]!);
  for (const field of fields) {
    if (field.anyOf.length < 2) continue;
    const preferred = field.anyOf.filter(ofSubject);
    const candidates = preferred.length ? preferred : field.anyOf;
    const chosen = candidates.find((s) => needed.has(s)) ?? candidates[0]!;
    needed.add(chosen);
  }
  return [...needed].sort();
}

function highestNeededAcr(levels: ReadonlyArray<AcrLevel | undefined>): AcrLevel | undefined {
  const known = levels.filter((level) => level !== undefined);
  return known.length ? highestAcr(known) : undefined;
}
