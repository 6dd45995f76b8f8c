import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../lib/config/load.ts';
import { requestedAcr } from './acr.ts';
import { asksForCompany, asksForRepresentation } from './claims.ts';
import type { BrokerErrorCode } from './errors.ts';
import type { CompanyErrorCode } from './companies/errors.ts';
import { COMPANY_LOOKUP_SCOPE } from './companies/registry.ts';
import { serviceProviderById } from './clients.ts';

/** Shortest nonce accepted (about 128 bits of base64url randomness). */
const MIN_NONCE_LENGTH = 22;

/**
 * An oidc-provider error carrying our code: the SP reads it at the start of
 * `error_description`, the error page shows it (auth/pages.ts).
 */
export function withCode<E extends errors.OIDCProviderError>(error: E, code: BrokerErrorCode | CompanyErrorCode): E {
  Object.assign(error, { passerelleCode: code });
  error.error_description = `${code}: ${error.error_description ?? error.message}`;
  return error;
}

function invalidRequest(code: BrokerErrorCode | CompanyErrorCode, description: string): errors.InvalidRequest {
  return withCode(new errors.InvalidRequest(description), code);
}

type Validator = (ctx: KoaContextWithOIDC, value: string | undefined, client: unknown) => Promise<void>;

/**
 * Our rules on authorization requests (and pushed ones), as oidc-provider
 * `extraParams` validators: they run after the client and redirect_uri are
 * checked, so a failure here is returned to the SP's redirect_uri.
 * - `nonce` and `state` are required, nonce at least 22 characters;
 * - `acr_values`: only eidas1..3; the lowest listed applies and replaces the list;
 * - `idp_hint`: the name of a configured identity provider;
 * - `response_mode`: `query` only (RFC 9700 §4.1: no code in a fragment, a form_post
 *   page or a JWT response; oidc-provider itself refuses the modes it does not know);
 * - `scope`: `company` excludes `representation`, and needs the company register among the
 *   data providers (docs/companies.md).
 */
export function authorizationParamValidators(
  config: Config,
  dataScopes: ReadonlySet<string>,
): Record<string, Validator> {
  const idps = new Set(config.identityProviders.map((idp) => idp.name));
  return {
    async scope(_ctx, value) {
      if (!asksForCompany(value)) return;
      if (asksForRepresentation(value))
        throw invalidRequest('COMPANY_WITH_REPRESENTATION', 'the company and representation scopes exclude each other');
      if (!dataScopes.has(COMPANY_LOOKUP_SCOPE))
        throw invalidRequest('COMPANY_NOT_AVAILABLE', 'no data provider serves the company register');
    },
    async nonce(_ctx, value) {
      if (typeof value !== 'string' || value.length < MIN_NONCE_LENGTH) {
        throw invalidRequest('NONCE_INVALID', `nonce is required and must be at least ${MIN_NONCE_LENGTH} characters`);
      }
    },
    async state(_ctx, value) {
      if (typeof value !== 'string' || value.length === 0) throw invalidRequest('STATE_REQUIRED', 'state is required');
    },
    async acr_values(ctx, value, client) {
      const sp = serviceProviderById(config, (client as { clientId: string }).clientId);
      const level = requestedAcr(value, sp?.defaultAcr ?? 'eidas1');
      if (!level) throw invalidRequest('ACR_VALUES_INVALID', 'acr_values may only contain eidas1, eidas2 or eidas3');
      // From here on the request carries exactly one level: the lowest asked.
      (ctx.oidc.params as Record<string, unknown>).acr_values = level;
    },
    async idp_hint(_ctx, value) {
      if (value !== undefined && !idps.has(value)) {
        throw invalidRequest('IDP_HINT_UNKNOWN', 'idp_hint is not a known identity provider');
      }
    },
    async response_mode(_ctx, value) {
      if (value !== undefined && value !== 'query') {
        throw invalidRequest('RESPONSE_MODE_NOT_ALLOWED', 'response_mode may only be query');
      }
    },
  };
}
