import { reachesAcr } from '../lib/contracts/eidas.ts';
import type { ScopeInfo } from '../lib/federation/compose.ts';
import { checkGrant, type OperationAnalysis } from '../lib/federation/operation.ts';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import type { ConsentedOperation } from '../lib/contracts/pivot-token.ts';
import type { PivotClaims } from './pivot-token.ts';

/**
 * The consent check, before any provider is called: the document must be one the
 * token consents to (same hash, same operation name), every field it reads must have
 * a granted scope, at an eIDAS level the token's `acr` reaches. Returns what each
 * provider may be told: its own granted scopes only.
 */
export interface ConsentDecision {
  operation: ConsentedOperation;
  scopesByProvider: ReadonlyMap<string, readonly string[]>;
}

export function enforceConsent(
  analysis: OperationAnalysis,
  claims: PivotClaims,
  scopes: ReadonlyMap<string, ScopeInfo>,
): ConsentDecision {
  const operation = claims.operations.find(
    (o) => o.operation_hash === analysis.hash && o.operation_name === analysis.operationName,
  );
  if (!operation) {
    throw gatewayErrors.error('CONSENT_REQUIRED', {
      reason: 'operation',
      operationName: analysis.operationName,
      operationHash: analysis.hash,
    });
  }
  const check = checkGrant(analysis, new Set(operation.scopes), claims.acr, scopes);
  if (check.notConsented.length) {
    throw gatewayErrors.error('CONSENT_REQUIRED', {
      reason: 'fields',
      fields: check.notConsented.map((f) => ({ path: f.path.join('.'), coordinate: f.coordinate, scopes: f.anyOf })),
    });
  }
  if (check.acrTooLow.length) {
    throw gatewayErrors.error('CONSENT_ACR_TOO_LOW', {
      acr: claims.acr,
      fields: check.acrTooLow.map((f) => ({ path: f.path.join('.'), coordinate: f.coordinate, minAcr: f.minAcr })),
    });
  }
  const scopesByProvider = new Map<string, string[]>();
  for (const scope of [...operation.scopes].sort()) {
    const info = scopes.get(scope);
    // A scope the token's level does not reach is not passed on either (defence in depth).
    if (!info || !reachesAcr(claims.acr, info.minAcr)) continue;
    const provider = info.provider;
    scopesByProvider.set(provider, [...(scopesByProvider.get(provider) ?? []), scope]);
  }
  return { operation, scopesByProvider };
}
