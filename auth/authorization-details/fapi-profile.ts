import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { withCode } from '../request-checks.ts';

/**
 * The FAPI 2.0 Security Profile, for requests that read data (those carrying
 * `authorization_details`); plain sign-ins are not concerned. PKCE S256 is required of
 * every request already (auth/configuration.ts). What this adds:
 * - the request is pushed (PAR), so its parameters never travel through the browser;
 * - the client authenticates with `private_key_jwt`, never with a shared secret;
 * - the pushed request carries a DPoP proof (or `dpop_jkt`): the code is bound to the SP's
 *   key, so its redemption needs that key, and the pivot token gets `cnf.jkt`.
 */
export function assertFapiAuthorizationRequest(ctx: KoaContextWithOIDC): void {
  if (ctx.oidc.client?.clientAuthMethod !== 'private_key_jwt') {
    throw withCode(
      new errors.InvalidRequest('authorization_details needs private_key_jwt client authentication'),
      'FAPI_CLIENT_AUTH_NOT_ALLOWED',
    );
  }
  if (ctx.oidc.route === 'pushed_authorization_request') {
    if (!ctx.get('DPoP') && !ctx.oidc.params?.dpop_jkt) {
      throw withCode(
        new errors.InvalidRequest('a pushed request for authorization_details needs a DPoP proof'),
        'FAPI_DPOP_REQUIRED',
      );
    }
  } else if (!ctx.oidc.entities.PushedAuthorizationRequest) {
    throw withCode(
      new errors.InvalidRequest('authorization_details must be sent through the pushed authorization request endpoint'),
      'FAPI_PAR_REQUIRED',
    );
  }
}

/**
 * At the token endpoint, for a code that carries consented operations: a DPoP proof
 * (oidc-provider has checked it already when present), so the pivot token is bound.
 * The code itself is bound at PAR; this also covers a code whose binding was bypassed.
 */
export function assertFapiTokenRequest(ctx: KoaContextWithOIDC): void {
  if (!ctx.get('DPoP')) {
    throw withCode(new errors.InvalidRequest('a token for the gateway needs a DPoP proof'), 'FAPI_DPOP_REQUIRED');
  }
}
