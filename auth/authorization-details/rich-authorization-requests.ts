import {
  errors,
  type AuthorizationDetail,
  type KoaContextWithOIDC,
  type RichAuthorizationRequestsActiveConfiguration,
} from 'oidc-provider';
import type { Config } from '../../lib/config/load.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { requestedAcr } from '../acr.ts';
import { asksForCompany } from '../claims.ts';
import { serviceProviderById } from '../clients.ts';
import { GRAPHQL_OPERATION, type ConsentedOperation } from '../../lib/contracts/pivot-token.ts';
import {
  MAX_OPERATIONS_PER_REQUEST,
  consentedOperations,
  describeRefusal,
  resolveOperationRequest,
} from './graphql-operation.ts';
import { assertFapiAuthorizationRequest } from './fapi-profile.ts';
import type { BrokerContract } from './operation-schema.ts';

type RarFeature = RichAuthorizationRequestsActiveConfiguration;

/**
 * oidc-provider's `richAuthorizationRequests` feature for `graphql_operation` entries:
 * - `validate`: on the authorization and PAR endpoints, the request must follow FAPI 2.0
 *   (fapi-profile.ts), then each entry is resolved
 *   (graphql-operation.ts); a refusal is `invalid_authorization_details` with our code
 *   at the start of `error_description`, sent to the SP's redirect_uri (or the PAR answer);
 * - the consent step (interactions/consent.ts) puts the consented entries in a new grant;
 * - `authorizationDetailsForGrantSource`: the code carries the grant's consented entries;
 * - `authorizationDetailsForAccessToken`: the pivot token carries exactly those.
 */
export function richAuthorizationRequests(config: Config, contract: BrokerContract): RarFeature {
  // oidc-provider validates entry by entry; the whole request is checked at the first one
  // (the count, duplicates and the level concern all entries together).
  const checked = new WeakSet<object>();
  return {
    enabled: true,
    types: {
      [GRAPHQL_OPERATION]: {
        async validate(ctx: KoaContextWithOIDC) {
          if (ctx.oidc.route === 'token') {
            throw detailsError(
              'AUTHORIZATION_DETAILS_INVALID',
              'authorization_details is fixed by the authorization request; leave it out of the token request',
            );
          }
          if (checked.has(ctx)) return;
          checked.add(ctx);
          assertFapiAuthorizationRequest(ctx);
          resolveRequestedOperations(
            config,
            contract,
            ctx.oidc.client!.clientId,
            ctx.oidc.params as Record<string, unknown>,
          );
        },
      },
    },
    authorizationDetailsForGrantSource(ctx: KoaContextWithOIDC) {
      // Only a request that asked for operations gets them, and only as consented.
      if (ctx.oidc.params?.authorization_details === undefined) return undefined;
      const consented = consentedOperations(ctx.oidc.grant?.rar);
      return consented.length ? (consented as unknown as AuthorizationDetail[]) : undefined;
    },
    authorizationDetailsForAccessToken(_ctx, _token, source) {
      const consented = consentedOperations(source?.rar);
      return consented.length ? (consented as unknown as AuthorizationDetail[]) : undefined;
    },
  } as RarFeature;
}

/**
 * Resolves the operations an authorization request asks for (its `authorization_details`
 * parameter, a JSON array). Throws `invalid_authorization_details` with our code when
 * any entry is refused. The consent page calls it again with the same parameters.
 */
export function resolveRequestedOperations(
  config: Config,
  contract: BrokerContract,
  clientId: string,
  params: Record<string, unknown>,
): ConsentedOperation[] {
  const sp = serviceProviderById(config, clientId);
  if (!sp) throw detailsError('AUTHORIZATION_DETAILS_INVALID', 'unknown service provider');
  const all = parseDetails(params.authorization_details);
  if (all.length > MAX_OPERATIONS_PER_REQUEST) {
    throw detailsError('AUTHORIZATION_DETAILS_INVALID', `at most ${MAX_OPERATIONS_PER_REQUEST} operations per request`);
  }
  // An unknown acr_values is refused by its own check (request-checks.ts); meanwhile the SP's default applies.
  const acr = requestedAcr(params.acr_values as string | undefined, sp.defaultAcr) ?? sp.defaultAcr;
  const context = {
    operations: contract.operations,
    serviceProvider: sp,
    acr,
    gatewayAudience: config.gateway.audience,
  };
  const resolved = all.map((entry, index) => {
    try {
      return resolveOperationRequest(entry, context);
    } catch (error) {
      if (!isPasserelleError(error)) throw error;
      throw detailsError(error.code, `authorization_details[${index}]: ${describeRefusal(error)}`);
    }
  });
  const keys = resolved.map((r) => `${r.operation_hash} ${r.operation_name ?? ''}`);
  if (new Set(keys).size !== keys.length)
    throw detailsError('AUTHORIZATION_DETAILS_INVALID', 'the same operation is asked for twice');
  checkSubjects(contract, resolved, asksForCompany(params.scope));
  return resolved;
}

/**
 * A request for a company reads company data only, any other citizen data only
 * (docs/companies.md): each scope's catalog `subject` says which.
 */
function checkSubjects(contract: BrokerContract, operations: readonly ConsentedOperation[], forCompany: boolean): void {
  const scopes = operations.flatMap((o) => o.scopes);
  const wrong = scopes.filter((s) => (contract.scopes.get(s)?.subject === 'company') !== forCompany);
  if (!wrong.length) return;
  throw forCompany
    ? detailsError('COMPANY_SCOPE_CITIZEN_DATA', `citizen data asked for a company: ${wrong.join(', ')}`)
    : detailsError('COMPANY_SCOPE_REQUIRED', `company data asked without the company scope: ${wrong.join(', ')}`);
}

function parseDetails(value: unknown): unknown[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/**
 * `invalid_authorization_details` with our code first in `error_description`. The
 * description is reduced to the characters RFC 6749 allows there (no `"` or `\`).
 */
export function detailsError(code: string, description: string): errors.InvalidAuthorizationDetails {
  const safe = `${code}: ${description}`.replaceAll('"', "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ');
  const error = new errors.InvalidAuthorizationDetails(safe);
  Object.assign(error, { passerelleCode: code });
  return error;
}
