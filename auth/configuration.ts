import { interactionPolicy, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR_LEVELS, reachesAcr, type AcrLevel } from '../lib/contracts/eidas.ts';
import { DPOP_SIGNING_ALGS } from '../lib/contracts/pivot-token.ts';
import type { Config } from '../lib/config/load.ts';
import type { Pool } from '../lib/db/database.ts';
import type { AccountStore } from './accounts.ts';
import { PostgresAdapter } from './adapter/postgres-adapter.ts';
import type { BrokerContract } from './authorization-details/operation-schema.ts';
import type { RepresentedAccounts } from './mandates/represented-account.ts';
import { richAuthorizationRequests } from './authorization-details/rich-authorization-requests.ts';
import { allScopes, asksForCompany, asksForRepresentation, claimsConfiguration } from './claims.ts';
import { CLIENT_AUTH_METHODS, clientMetadataFor, serviceProviderById } from './clients.ts';
import type { SigningKeys } from './keys.ts';
import { pairwiseSubject } from './pairwise.ts';
import { gatewayResourceIndicators, pivotTokenClaims, type GatewayEncryptionKey } from './pivot-token.ts';
import { authorizationParamValidators } from './request-checks.ts';

/** Clock skew accepted on client assertions and stored model lifetimes. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface ConfigurationInputs {
  config: Config;
  pool: Pool;
  keys: SigningKeys;
  accounts: AccountStore;
  /** Accounts as tokens of a grant under a mandate describe them (auth/mandates/represented-account.ts). */
  represented: RepresentedAccounts;
  /** The federation contract: operations are checked against it, its scopes are the data scopes. */
  contract: BrokerContract;
  /** The gateway's public key pivot tokens are encrypted to. */
  gatewayEncryption: GatewayEncryptionKey;
  /** Told when the adapter revokes a grant by itself (auth/grants.ts propagates it). */
  onGrantRevoked?: (grantId: string) => void;
  /**
   * The broker's own clients (the citizen's dashboard): not service providers. Their
   * subject is the account id itself, which never leaves the broker.
   */
  firstPartyClients?: ClientMetadata[];
  /** Extra checks of authorization requests, run after ours (the sign-in quota, auth/sign-in-quota.ts). */
  requestQuota?: Record<string, unknown>;
  /** Page renderers for the pages oidc-provider itself shows (errors, logout). */
  pages: Pick<Configuration, 'renderError'> & {
    logoutSource: NonNullable<NonNullable<Configuration['features']>['rpInitiatedLogout']>['logoutSource'];
    postLogoutSuccessSource: NonNullable<
      NonNullable<Configuration['features']>['rpInitiatedLogout']
    >['postLogoutSuccessSource'];
  };
}

/**
 * The OpenID provider's configuration, one place for every protocol choice:
 * code flow only, PKCE S256 and nonce/state required, pairwise subjects, ES256
 * ID tokens (RS256 per client), private_key_jwt or client_secret_post, PAR
 * (requirable per client), revocation, RP-initiated and back-channel logout,
 * state in PostgreSQL; rich authorization requests (`graphql_operation`) and the
 * gateway as the one resource server, whose access tokens are pivot tokens
 * (auth/pivot-token.ts, docs/tokens.md) bound to the SP's DPoP key; a request for
 * data follows FAPI 2.0 (authorization-details/fapi-profile.ts). Anything not listed is off.
 */
export function buildConfiguration(inputs: ConfigurationInputs): Configuration {
  const { config, pool, keys, accounts, represented, contract, gatewayEncryption, pages } = inputs;
  const dataScopes = new Set(contract.scopes.keys());
  const broker = config.broker;
  const pairwiseSecret = config.secret(broker.pairwiseSecret, 'broker.pairwiseSecret');
  const cookieKeys = config.secretJson<string[]>(broker.cookieKeys, 'broker.cookieKeys');
  const signingAlgs = ['ES256', 'RS256', 'PS256'] as const;
  const firstPartyClients = inputs.firstPartyClients ?? [];
  const firstPartyIds = new Set(firstPartyClients.map((c) => c.client_id));

  return {
    adapter: PostgresAdapter.factory(pool, CLOCK_TOLERANCE_SECONDS, inputs.onGrantRevoked),
    clients: [...clientMetadataFor(config), ...firstPartyClients],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'private_key_jwt',
      subject_type: 'pairwise',
    },
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    // No "none" and no HMAC anywhere: only asymmetric signatures are accepted or produced.
    enabledJWA: {
      clientAuthSigningAlgValues: [...signingAlgs],
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      requestObjectSigningAlgValues: [...signingAlgs],
      authorizationSigningAlgValues: ['ES256', 'RS256'],
      dPoPSigningAlgValues: [...DPOP_SIGNING_ALGS],
    },
    jwks: keys.jwks as Configuration['jwks'],
    cookies: {
      keys: cookieKeys,
      // Own names: browsers share cookies between ports of one host (the sandbox
      // IdPs run on localhost too, with oidc-provider's default names).
      names: { session: 'passerelle_session', interaction: 'passerelle_interaction', resume: 'passerelle_resume' },
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    claims: claimsConfiguration(),
    scopes: allScopes(dataScopes),
    subjectTypes: ['pairwise'],
    async pairwiseIdentifier(ctx, accountId, client) {
      if (firstPartyIds.has(client.clientId)) return accountId;
      const sp = serviceProviderById(config, client.clientId);
      if (!sp) throw new Error(`no sector identifier for client ${client.clientId}`);
      // Under a mandate, the subject is the mandator (the representative is `act`).
      return pairwiseSubject(represented.subjectOf(ctx, accountId), sp.sectorIdentifier, pairwiseSecret);
    },
    acrValues: [...ACR_LEVELS],
    extraParams: {
      ...authorizationParamValidators(config, dataScopes),
      ...inputs.requestQuota,
    } as unknown as Configuration['extraParams'],
    pkce: { required: () => true },
    responseTypes: ['code'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    findAccount: represented.findAccount,
    issueRefreshToken: async () => false,
    extraTokenClaims: pivotTokenClaims(config, accounts, represented, pairwiseSecret),
    interactions: {
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: signInPolicy(represented),
    },
    routes: {
      authorization: '/authorize',
      pushed_authorization_request: '/par',
      token: '/token',
      userinfo: '/userinfo',
      jwks: '/jwks',
      revocation: '/revoke',
      end_session: '/logout',
    },
    ttl: {
      AccessToken: broker.accessTokenTtlSeconds,
      AuthorizationCode: broker.codeTtlSeconds,
      IdToken: broker.idTokenTtlSeconds,
      Interaction: broker.interactionTtlSeconds,
      Session: broker.sessionTtlSeconds,
      Grant: broker.sessionTtlSeconds,
    },
    discovery: {
      ui_locales_supported: ['fr', 'en'],
      claims_locales_supported: ['fr'],
    },
    renderError: pages.renderError,
    features: {
      devInteractions: { enabled: false },
      // Proofs are single use (ReplayDetection, in PostgreSQL); no server nonces.
      dPoP: { enabled: true, requireNonce: () => false, allowReplay: false },
      claimsParameter: { enabled: false },
      introspection: { enabled: false },
      resourceIndicators: gatewayResourceIndicators(config, dataScopes, gatewayEncryption),
      richAuthorizationRequests: richAuthorizationRequests(config, contract),
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      revocation: {
        enabled: true,
        // A client may only revoke its own tokens.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: pages.logoutSource,
        postLogoutSuccessSource: pages.postLogoutSuccessSource,
      },
    },
  } satisfies Configuration;
}

/**
 * oidc-provider's default prompts, plus: a session whose level of assurance is
 * below what this request asks for must sign in again (single sign-on never
 * upgrades a level); a request for representation always asks for consent.
 */
function signInPolicy(represented: RepresentedAccounts) {
  const { Check, base } = interactionPolicy;
  const policy = base();
  const login = policy.get('login')!;
  login.checks.add(
    new Check(
      'acr_not_satisfied',
      'a higher level of assurance is required',
      'login_required',
      (ctx: KoaContextWithOIDC) => {
        const { session, params } = ctx.oidc;
        if (!session?.accountId) return Check.NO_NEED_TO_PROMPT;
        return reachesAcr(session.acr, (params?.acr_values as AcrLevel | undefined) ?? 'eidas1')
          ? Check.NO_NEED_TO_PROMPT
          : Check.REQUEST_PROMPT;
      },
    ),
  );
  // A request asking for `representation` (or `company`) always gets the consent step, where
  // "for whom" (or "for which company") is asked (auth/interactions/representation.ts,
  // company.ts): a session's grant may be for someone else. So does any request while the
  // session's grant for this SP was obtained under a mandate or for a company:
  // without it, a later sign-in (even one not asking for representation) would reuse it.
  policy.get('consent')!.checks.add(
    new Check('representation_prompt', 'representation was requested', async (ctx: KoaContextWithOIDC) => {
      if (ctx.oidc.result?.consent) return Check.NO_NEED_TO_PROMPT;
      const scope = ctx.oidc.params?.scope;
      if (asksForRepresentation(scope) || asksForCompany(scope)) return Check.REQUEST_PROMPT;
      const grantId = (ctx.oidc.entities.Grant as { jti?: string } | undefined)?.jti;
      if (!grantId) return Check.NO_NEED_TO_PROMPT;
      return (await represented.mandateOf(grantId)) !== undefined ||
        (await represented.companyOf(grantId)) !== undefined
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}
