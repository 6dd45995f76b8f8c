import { z } from 'zod';
import { reachesAcr, type AcrLevel } from '../../lib/contracts/eidas.ts';
import type { ServiceProvider } from '../../lib/config/sections/service-providers.ts';
import type { PasserelleError } from '../../lib/errors/define.ts';
import { analyzeOperation, type OperationSchema } from '../../lib/federation/operation.ts';
import { GRAPHQL_OPERATION, type ConsentedOperation } from '../../lib/contracts/pivot-token.ts';
import { brokerErrors } from '../errors.ts';
import { chooseEntitledScopes } from './entitled-scopes.ts';

/**
 * One `authorization_details` entry of type `graphql_operation` (RFC 9396): the SP
 * names the GraphQL operation it will run at the gateway and why.
 *
 * Request (from the SP):
 *   { "type": "graphql_operation", "operation_name": "Parking", "purpose": "…" }          a registered operation
 *   { "type": "graphql_operation", "document": "query X { … }", "operation_name"?: "X",
 *     "purpose": "…" }                                                                      an inline document
 *
 * Consent (what the citizen is shown, the grant keeps and the pivot token carries):
 * `ConsentedOperation` of lib/contracts/pivot-token.ts — never the document itself.
 */

/** Most operations one authorization request may ask for. */
export const MAX_OPERATIONS_PER_REQUEST = 4;

const OperationRequest = z.strictObject({
  type: z.literal(GRAPHQL_OPERATION),
  operation_name: z
    .string()
    .regex(/^[_A-Za-z][_0-9A-Za-z]{0,99}$/, 'must be a GraphQL name')
    .optional(),
  document: z.string().min(1).optional(),
  // Shown to the citizen as is: plain text of reasonable length, no control characters.
  purpose: z
    .string()
    .trim()
    .min(3)
    .max(300)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
  // RFC 9396 common member: where the token will be used; only the gateway.
  locations: z.array(z.string()).min(1).optional(),
});

export interface OperationRequestContext {
  operations: OperationSchema;
  serviceProvider: ServiceProvider;
  /** The level the authorization request asks for. */
  acr: AcrLevel;
  /** The gateway's audience, the only acceptable `locations` entry. */
  gatewayAudience: string;
}

/**
 * Checks a requested operation and derives what a consent to it grants: the document
 * (inline or registered) is analysed against the supergraph (syntax, one operation,
 * known fields, limits), every field it reads must be readable with a scope the SP is
 * entitled to, at the level the request asks for. Throws a PasserelleError saying why
 * not (broker or federation code).
 */
export function resolveOperationRequest(raw: unknown, context: OperationRequestContext): ConsentedOperation {
  const parsed = OperationRequest.safeParse(raw);
  if (!parsed.success) {
    throw refuse('AUTHORIZATION_DETAILS_INVALID', {
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`),
    });
  }
  const request = parsed.data;
  if (request.locations?.some((l) => l !== context.gatewayAudience)) {
    throw refuse('AUTHORIZATION_DETAILS_INVALID', {
      problems: [`locations: only the gateway (${context.gatewayAudience}) serves these operations`],
    });
  }

  let document: string;
  if (request.document !== undefined) {
    document = request.document;
  } else if (request.operation_name !== undefined) {
    const registered = context.serviceProvider.operations[request.operation_name];
    if (registered === undefined)
      throw refuse('AUTHORIZATION_DETAILS_OPERATION_UNKNOWN', { operationName: request.operation_name });
    document = registered;
  } else {
    throw refuse('AUTHORIZATION_DETAILS_INVALID', {
      problems: ['entry: a document or the operation_name of a registered operation is required'],
    });
  }

  const result = analyzeOperation(document, request.operation_name ?? null, context.operations);
  if (!result.ok) throw result.errors[0]!;
  const { analysis } = result;
  if (!analysis.fields.some((f) => f.anyOf.length > 0)) throw refuse('AUTHORIZATION_DETAILS_NO_DATA', {});

  const choice = chooseEntitledScopes(
    analysis.fields,
    new Set(context.serviceProvider.scopes),
    (scope) => context.operations.scopes.get(scope)?.subject === analysis.subject,
  );
  if (choice.notEntitled.length) {
    throw refuse('AUTHORIZATION_DETAILS_SCOPE_NOT_ALLOWED', {
      fields: choice.notEntitled.map((f) => ({
        path: f.path.join('.'),
        coordinate: f.coordinate,
        scopes: [...f.anyOf],
      })),
    });
  }
  const tooHigh = choice.scopes
    .map((scope) => ({ scope, minAcr: context.operations.scopes.get(scope)?.minAcr ?? 'eidas1' }))
    .filter((s) => !reachesAcr(context.acr, s.minAcr));
  if (tooHigh.length) throw refuse('AUTHORIZATION_DETAILS_ACR_TOO_LOW', { acr: context.acr, scopes: tooHigh });

  return {
    type: GRAPHQL_OPERATION,
    operation_name: analysis.operationName,
    operation_hash: analysis.hash,
    scopes: choice.scopes,
    purpose: request.purpose,
  };
}

/** The consented entries of a grant or token (other types, if any, are not ours). */
export function consentedOperations(details: readonly unknown[] | undefined): ConsentedOperation[] {
  return (details ?? []).filter(
    (d): d is ConsentedOperation => (d as { type?: unknown } | null)?.type === GRAPHQL_OPERATION,
  );
}

/**
 * A one-line explanation of a refusal for `error_description`, without values:
 * field paths, scope names, levels and GraphQL validation messages only.
 */
export function describeRefusal(error: PasserelleError): string {
  const d = error.details as Record<string, unknown>;
  const parts: string[] = [error.message];
  if (Array.isArray(d.problems)) parts.push(d.problems.join('; '));
  if (typeof d.operationName === 'string')
    parts.push(`operation_name ${d.operationName} is not registered for this service`);
  if (Array.isArray(d.fields)) {
    parts.push(
      (d.fields as Array<{ path: string; scopes: string[] }>)
        .map((f) => `${f.path} (needs ${f.scopes.join(' or ')})`)
        .join(', '),
    );
  }
  if (Array.isArray(d.scopes) && typeof d.acr === 'string') {
    parts.push(
      (d.scopes as Array<{ scope: string; minAcr: string }>).map((s) => `${s.scope} needs ${s.minAcr}`).join(', ') +
        `; the request asks ${d.acr}: send acr_values accordingly`,
    );
  }
  return parts.join(': ');
}

function refuse(code: Parameters<typeof brokerErrors.error>[0], details: Record<string, unknown>): PasserelleError {
  return brokerErrors.error(code, details);
}
